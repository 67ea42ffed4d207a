"""Group rules for external customer groups: per-group configuration and rule-breaking detection.

A flagged message is never deleted and never argued with in public: it goes to the group's owner and
admins (console and staff alert), and at most one neutral reminder of the rules is drafted per
`reminder_every_s` outside quiet hours, for the owner to send. Detection runs on redacted text.
Members who run the group (owner, admins) are not checked for ads: they post official links.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from enum import StrEnum

from pydantic import BaseModel, Field


class FlagKind(StrEnum):
    LINK = "link"
    QR_PROMPT = "qr_prompt"
    SOLICITATION = "solicitation"  # 加微信 / 私聊 / moving people off the group
    SCAM_AD = "scam_ad"  # 套现, 刷单, 荐股 …: ads for what a bank must warn against
    ABUSE = "abuse"
    FLOOD = "flood"  # many messages, or the same one repeated, in a short time
    OVER_DAILY_LIMIT = "over_daily_limit"
    KEYWORD = "keyword"  # a word the owner asked to be alerted about (e.g. 投诉, 被骗, 盗刷)


PUBLIC_REMINDER_KINDS = frozenset(
    {FlagKind.LINK, FlagKind.QR_PROMPT, FlagKind.SOLICITATION, FlagKind.SCAM_AD, FlagKind.FLOOD}
)


class EducationSlot(BaseModel):
    """A recurring finance-education post: weekday (0 = Monday), local time, topic for the content team."""

    weekday: int = Field(ge=0, le=6)
    at: time
    topic: str = Field(min_length=1, max_length=80)


class GroupConfig(BaseModel):
    """What a group is for and what its members agreed to (set by the owner in the console)."""

    chat_id: str
    name: str = ""
    purpose: str = "青禾银行客户交流与咨询"
    rules_text: str = "请文明交流，勿发广告、链接或二维码，勿私下添加好友办理业务。"
    owner_userid: str
    admin_userids: list[str] = Field(default_factory=list)
    topics_allowed: list[str] = Field(default_factory=list)
    quiet_start: time | None = time(22, 0)  # no reminder drafts between these (local time)
    quiet_end: time | None = time(8, 0)
    allowed_domains: list[str] = Field(default_factory=lambda: ["qinghebank.example.cn"])
    max_messages_per_member_per_day: int | None = None
    flood_messages: int = 6  # this many messages from one member within flood_window_s is flooding
    flood_window_s: float = 60.0
    repeat_limit: int = 3  # the same text this many times within repeat_window_s is flooding
    repeat_window_s: float = 600.0
    reminder_every_s: float = 6 * 3600.0
    keyword_alerts: list[str] = Field(default_factory=list)  # alert the owner when a member writes one
    education_schedule: list[EducationSlot] = Field(default_factory=list)

    def runs_group(self, userid: str) -> bool:
        return userid == self.owner_userid or userid in self.admin_userids

    def in_quiet_hours(self, moment: datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        now = moment.time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= now < self.quiet_end
        return now >= self.quiet_start or now < self.quiet_end


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    chat_id: str
    member: str
    msgid: str
    evidence: str  # the matched fragment of the redacted text


_URL = re.compile(
    r"(?:https?://|www\.)[^\s，。]+|(?<![a-z0-9.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|vip|cc|me|io)(?![a-z0-9-])[^\s，。]*",
    re.IGNORECASE,
)
_QR = re.compile(
    r"(?:扫码|扫一扫|扫描二维码|扫描下方|识别二维码)\s*(?:进群|入群|加|领|关注|添加|下载|注册|咨询|免费|报名)|"
    r"长按识别|识别图中"
)
_SOLICIT = re.compile(
    r"加[我个](?:微信|薇信|威信|v信|vx|wx|v|q|qq|好友)|加(?:微信|薇信|威信|v信|vx|wx|qq)|加[vq](?![a-z])|"
    r"(?:微信|vx|wx|v信)号?[:：]\s*[a-z0-9_-]{5,}|私聊|私信我|私我|拉你进群|进群领",
    re.IGNORECASE,
)
_SCAM = re.compile(
    r"套现|代还|刷单|兼职日[赚结]|日赚|稳赚|保本高收益|高额回报|荐股|内幕消息|带你炒|包下款|秒批|无抵押.{0,4}贷|"
    r"黑户.{0,4}贷|征信修复|洗白征信|代办信用卡|提额包过"
)
_ABUSE = re.compile(r"傻[逼比b]|\bsb\b|他妈的|妈的|操你|去死|脑残|白痴|废物|滚蛋|狗东西|智障", re.IGNORECASE)


def _content_flags(text: str, config: GroupConfig) -> list[tuple[FlagKind, str]]:
    found: list[tuple[FlagKind, str]] = []
    for match in _URL.finditer(text):
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group(0).lower()).split("/")[0]
        if not any(host == d or host.endswith("." + d) for d in config.allowed_domains):
            found.append((FlagKind.LINK, match.group(0)))
            break
    for kind, pattern in (
        (FlagKind.QR_PROMPT, _QR),
        (FlagKind.SOLICITATION, _SOLICIT),
        (FlagKind.SCAM_AD, _SCAM),
    ):
        if hit := pattern.search(text):
            found.append((kind, hit.group(0)))
    return found


@dataclass
class _MemberActivity:
    times: deque[float] = field(default_factory=deque)
    texts: deque[tuple[float, str]] = field(default_factory=deque)
    per_day: dict[str, int] = field(default_factory=dict)


class GroupRuleChecker:
    """Checks each archived group message against its group's rules; keeps per-member rate state."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._activity: dict[tuple[str, str], _MemberActivity] = defaultdict(_MemberActivity)
        self._last_reminder: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def check(self, config: GroupConfig, member: str, msgid: str, redacted_text: str) -> list[Flag]:
        def flag(kind: FlagKind, evidence: str) -> Flag:
            return Flag(kind, config.chat_id, member, msgid, evidence[:80])

        flags: list[Flag] = []
        if match := _ABUSE.search(redacted_text):
            flags.append(flag(FlagKind.ABUSE, match.group(0)))
        if config.runs_group(member):
            return flags
        flags += [flag(kind, evidence) for kind, evidence in _content_flags(redacted_text, config)]
        lowered = redacted_text.lower()
        if hit := next((w for w in config.keyword_alerts if w and w.lower() in lowered), None):
            flags.append(flag(FlagKind.KEYWORD, hit))
        with self._lock:
            flags += [
                flag(kind, evidence) for kind, evidence in self._rate_flags(config, member, redacted_text)
            ]
        return flags

    def reminder_due(self, config: GroupConfig, flags: list[Flag]) -> bool:
        """True when a public reminder of the rules should be drafted now (and records it)."""
        now = self._clock()
        if not any(f.kind in PUBLIC_REMINDER_KINDS for f in flags) or config.in_quiet_hours(now):
            return False
        with self._lock:
            last = self._last_reminder.get(config.chat_id)
            if last is not None and (now - last).total_seconds() < config.reminder_every_s:
                return False
            self._last_reminder[config.chat_id] = now
        return True

    def _rate_flags(self, config: GroupConfig, member: str, text: str) -> list[tuple[FlagKind, str]]:
        now = self._clock()
        t = now.timestamp()
        activity = self._activity[(config.chat_id, member)]
        flags: list[tuple[FlagKind, str]] = []
        activity.times.append(t)
        while activity.times and t - activity.times[0] > config.flood_window_s:
            activity.times.popleft()
        key = re.sub(r"\s+", "", text)
        activity.texts.append((t, key))
        while activity.texts and t - activity.texts[0][0] > config.repeat_window_s:
            activity.texts.popleft()
        repeats = sum(1 for _, seen in activity.texts if seen == key)
        if len(activity.times) >= config.flood_messages:
            flags.append((FlagKind.FLOOD, f"{len(activity.times)} 条/{int(config.flood_window_s)} 秒"))
        elif key and repeats >= config.repeat_limit:
            flags.append((FlagKind.FLOOD, text))
        day = now.date().isoformat()
        activity.per_day = {day: activity.per_day.get(day, 0) + 1}
        limit = config.max_messages_per_member_per_day
        if limit is not None and activity.per_day[day] == limit + 1:  # flagged once a day, not per message
            flags.append((FlagKind.OVER_DAILY_LIMIT, f"今日第 {activity.per_day[day]} 条"))
        return flags


def reminder_text(config: GroupConfig) -> str:
    """A neutral reminder of the group's rules: names nobody, argues nothing."""
    return (
        f"温馨提示：本群用于{config.purpose}。{config.rules_text}"
        "如有账户相关问题，请通过青禾银行微信客服或客服热线咨询。感谢大家的理解与配合！"
    )
