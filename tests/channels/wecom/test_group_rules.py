"""Group rules: ads, solicitations, abuse and flooding flagged; owners exempt; reminders rate-limited."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from channels.wecom.group_rules import FlagKind, GroupConfig, GroupRuleChecker, reminder_text


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def checker(clock: Clock) -> GroupRuleChecker:
    return GroupRuleChecker(clock)


CONFIG = GroupConfig(chat_id="wrGroup1", owner_userid="li.na", admin_userids=["wang.fang"])


def kinds(
    checker: GroupRuleChecker, text: str, member: str = "wmMember1", config: GroupConfig = CONFIG
) -> set[str]:
    return {f.kind for f in checker.check(config, member, "m1", text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("最新优惠点这里 https://bit.ly/3xYz 速抢", FlagKind.LINK),
        ("详情访问abc-licai.top了解", FlagKind.LINK),
        ("扫码进群领取理财秘籍", FlagKind.QR_PROMPT),
        ("长按识别，免费领取", FlagKind.QR_PROMPT),
        ("微信号：licai888 备注银行", FlagKind.SOLICITATION),
        ("想了解的加我微信详聊", FlagKind.SOLICITATION),
        ("有需要的私聊我", FlagKind.SOLICITATION),
        ("信用卡套现，手续费低", FlagKind.SCAM_AD),
        ("内部荐股，稳赚不赔", FlagKind.SCAM_AD),
        ("你是不是脑残啊", FlagKind.ABUSE),
    ],
)
def test_rule_breaking_is_flagged(checker: GroupRuleChecker, text: str, kind: FlagKind) -> None:
    assert kind in kinds(checker, text)


@pytest.mark.parametrize(
    "text",
    [
        "请问信用卡年费怎么收？",
        "你们的服务太差了，等了一个小时",  # a complaint, not abuse
        "官网 https://www.qinghebank.example.cn/card 上写的额度对吗",  # the bank's own domain
        "利率是3.5%吗",
        "扫码支付的限额是多少？",  # a question about QR payments is not a QR prompt
        "二维码收款怎么开通",
        "手机银行怎么添加好友转账",
        "我的邮箱是<EMAIL_1>",  # redacted before checking
    ],
)
def test_ordinary_messages_are_not_flagged(checker: GroupRuleChecker, text: str) -> None:
    assert kinds(checker, text) == set()


def test_owner_and_admins_may_post_links_but_not_abuse(checker: GroupRuleChecker) -> None:
    assert kinds(checker, "活动报名 https://form.example.com/x", member="li.na") == set()
    assert kinds(checker, "扫码报名本周讲座", member="wang.fang") == set()
    assert kinds(checker, "他妈的", member="wang.fang") == {FlagKind.ABUSE}


def test_flooding_and_repeats(checker: GroupRuleChecker, clock: Clock) -> None:
    for n in range(5):
        assert FlagKind.FLOOD not in kinds(checker, f"第{n}句")
        clock.now += timedelta(seconds=5)
    assert FlagKind.FLOOD in kinds(checker, "第六句")
    clock.now += timedelta(minutes=5)
    other = "wmMember2"
    assert FlagKind.FLOOD not in kinds(checker, "有人吗", other)
    clock.now += timedelta(minutes=2)
    assert FlagKind.FLOOD not in kinds(checker, "有人吗", other)
    clock.now += timedelta(minutes=2)
    assert FlagKind.FLOOD in kinds(checker, "有 人吗", other)


def test_daily_limit_flags_once(checker: GroupRuleChecker, clock: Clock) -> None:
    config = CONFIG.model_copy(update={"max_messages_per_member_per_day": 2})
    seen = []
    for n in range(4):
        seen.append(FlagKind.OVER_DAILY_LIMIT in kinds(checker, f"问题{n}", config=config))
        clock.now += timedelta(minutes=30)
    assert seen == [False, False, True, False]
    clock.now += timedelta(days=1)
    assert FlagKind.OVER_DAILY_LIMIT not in kinds(checker, "新的一天", config=config)


def test_reminder_at_most_every_six_hours_and_never_in_quiet_hours(
    checker: GroupRuleChecker, clock: Clock
) -> None:
    ad = checker.check(CONFIG, "wmMember1", "m1", "加我微信领红包")
    abuse = checker.check(CONFIG, "wmMember1", "m2", "白痴")
    assert not checker.reminder_due(CONFIG, abuse)  # abuse goes to staff, not to a public reminder
    assert checker.reminder_due(CONFIG, ad)
    clock.now += timedelta(hours=5)
    assert not checker.reminder_due(CONFIG, ad)
    clock.now = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)
    assert not checker.reminder_due(CONFIG, ad)  # quiet hours
    clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert checker.reminder_due(CONFIG, ad)


def test_quiet_hours_within_one_day() -> None:
    config = CONFIG.model_copy(update={"quiet_start": time(12, 0), "quiet_end": time(13, 30)})
    assert config.in_quiet_hours(datetime(2026, 12, 3, 12, 45))
    assert not config.in_quiet_hours(datetime(2026, 12, 3, 14, 0))


def test_reminder_is_neutral_and_names_the_purpose() -> None:
    text = reminder_text(CONFIG)
    assert CONFIG.purpose in text and CONFIG.rules_text in text
    assert "wmMember" not in text
