"""The education schedule in a group's settings becomes 客户群群发 tasks, once per slot, with a frozen
clock. WeCom is the fake server on loopback (the boundary we cannot reach); the knowledge base and SQL
are the real ones of the test deployment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from channels.wecom.client import WeComClient
from channels.wecom.education import EducationScheduler, KbEducationLibrary, latest_occurrence
from channels.wecom.group_rules import EducationSlot, GroupConfig
from channels.wecom.group_store import SqlGroupConfigs
from channels.wecom.scheduled_posts import RISK_NOTICE
from core.wiring import Services
from services.kb_admin import import_and_sync
from services.kb_catalog import KbCatalog
from tests.channels.wecom.conftest import FakeWeCom

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 2026-12-02, 10:00 in Shanghai (weekday 2)
SLOT = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def library(services: Services) -> KbEducationLibrary:
    import_and_sync(
        services.sessions, KbCatalog(services.knowledge), services.settings.kb_dir, only_if_empty=True
    )
    return KbEducationLibrary(services.sessions)


def test_latest_occurrence_is_in_the_bank_time_zone() -> None:
    slot = EducationSlot(weekday=2, at=time(10, 0), topic="征信")
    assert latest_occurrence(slot, SLOT.astimezone(UTC), SHANGHAI) == SLOT
    assert latest_occurrence(slot, SLOT - timedelta(minutes=1), SHANGHAI) == SLOT - timedelta(days=7)


def test_the_library_finds_published_education_articles(library: KbEducationLibrary) -> None:
    article = library.find("征信")
    assert article is not None and article.source == "kb:edu-credit-report" and "征信" in article.body
    assert library.find("火星移民") is None


def test_a_due_slot_posts_once_across_two_workers_and_a_restart(
    services: Services, library: KbEducationLibrary, wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    configs = SqlGroupConfigs(services.sessions)
    configs.put(
        GroupConfig(
            chat_id="wrEduA",
            owner_userid="li.na",
            education_schedule=[
                EducationSlot(weekday=2, at=time(10, 0), topic="复利"),
                EducationSlot(weekday=2, at=time(10, 0), topic="火星移民"),  # nothing written on it yet
            ],
        )
    )
    clock = Clock(SLOT - timedelta(minutes=5))

    def worker() -> EducationScheduler:
        return EducationScheduler(
            services.sessions, configs, library, wecom_client, clock, status_api=wecom_client
        )

    first, second = worker(), worker()
    assert [r for r in first.run_once() if r.chat_id == "wrEduA"] == []  # not due yet

    def templates() -> list[dict[str, object]]:
        return [t for t in fake_wecom.state.templates if t.get("chat_id_list") == ["wrEduA"]]

    clock.now = SLOT + timedelta(minutes=1)
    done = {r.topic: r for r in first.run_once() if r.chat_id == "wrEduA"}
    assert done["复利"].status == "sent" and done["复利"].task_msgid
    assert done["复利"].source == "kb:edu-compound-interest"
    assert done["火星移民"].status == "no_content" and done["火星移民"].error
    [template] = templates()
    content = template["text"]["content"]  # type: ignore[index]
    assert template["sender"] == "li.na" and "复利" in content and content.endswith(RISK_NOTICE)
    # the other worker, and a restarted one, find the slot claimed
    assert [r for r in second.run_once() if r.chat_id == "wrEduA"] == []
    clock.now += timedelta(hours=1)
    assert [r for r in worker().run_once() if r.chat_id == "wrEduA"] == []
    assert len(templates()) == 1
    # the owner confirms the 群发 task in the WeCom client: the record reads it back
    assert [r for r in first.check_confirmations() if r.chat_id == "wrEduA"] == []
    fake_wecom.state.owner_confirms(done["复利"].task_msgid or "", "li.na")
    [confirmed] = [r for r in first.check_confirmations() if r.chat_id == "wrEduA"]
    assert confirmed.topic == "复利" and confirmed.status == "confirmed"
    assert [r for r in first.check_confirmations() if r.chat_id == "wrEduA"] == []  # asked once
    # next week's slot posts again
    clock.now = SLOT + timedelta(days=7, seconds=30)
    assert [r.topic for r in first.run_once() if r.chat_id == "wrEduA" and r.status == "sent"] == ["复利"]
    history = first.history(["wrEduA"])
    assert [(r.slot_at.replace(tzinfo=UTC), r.status) for r in history if r.topic == "复利"] == [
        (SLOT.astimezone(UTC), "confirmed"),
        ((SLOT + timedelta(days=7)).astimezone(UTC), "sent"),
    ]


def test_an_outage_releases_the_slot_and_an_old_slot_is_skipped(
    services: Services, library: KbEducationLibrary, wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    configs = SqlGroupConfigs(services.sessions)
    configs.put(
        GroupConfig(
            chat_id="wrEduB",
            owner_userid="li.na",
            education_schedule=[EducationSlot(weekday=2, at=time(10, 0), topic="征信")],
        )
    )
    clock = Clock(SLOT + timedelta(minutes=2))
    run = EducationScheduler(services.sessions, configs, library, wecom_client, clock)
    wecom_client.tokens.get()
    fake_wecom.state.fail("externalcontact/add_msg_template", "http500", times=4)
    assert [r for r in run.run_once() if r.chat_id == "wrEduB"] == []  # WeCom down: tried again later
    [sent] = [r for r in run.run_once() if r.chat_id == "wrEduB"]
    assert sent.status == "sent" and sent.source == "kb:edu-credit-report"
    # a group configured a day after its slot does not get that stale post
    configs.put(
        GroupConfig(
            chat_id="wrEduC",
            owner_userid="li.na",
            education_schedule=[EducationSlot(weekday=2, at=time(10, 0), topic="征信")],
        )
    )
    clock.now = SLOT + timedelta(days=1)
    assert [r for r in run.run_once() if r.chat_id == "wrEduC"] == []
