"""Scheduled education posts with a frozen clock, against the fake WeCom server (loopback)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from channels.wecom.client import WeComClient
from channels.wecom.scheduled_posts import (
    RISK_NOTICE,
    InMemoryPostStore,
    PostMode,
    PostScheduler,
    PostStatus,
    new_post,
)
from tests.channels.wecom.conftest import FakeWeCom

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Drafts:
    def __init__(self) -> None:
        self.added: list[tuple[str, str, str, str | None]] = []

    def add_draft(self, chat_id: str, text: str, *, kind: str, source: str | None) -> str:
        self.added.append((chat_id, text, kind, source))
        return f"d{len(self.added)}"


@pytest.fixture
def wall() -> Clock:
    return Clock()


def scheduler(client: WeComClient, clock: Clock, drafts: Drafts, store: InMemoryPostStore) -> PostScheduler:
    return PostScheduler(store, client, client, drafts, clock)


def test_a_due_post_becomes_a_group_task_and_is_confirmed_by_the_owner(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, wall: Clock
) -> None:
    store, drafts = InMemoryPostStore(), Drafts()
    run = scheduler(wecom_client, wall, drafts, store)
    post = run.schedule(
        new_post(
            "基金定投入门",
            "基金定投是每月固定投入一笔钱，分散买入时点。",
            "li.na",
            ["wrGroup1", "wrGroup2"],
            START + timedelta(hours=1),
            source="kb:edu-fund-basics",
        )
    )
    assert run.run_due() == [] and fake_wecom.state.templates == []
    wall.now += timedelta(hours=1)
    [sent] = run.run_due()
    assert sent.status is PostStatus.SENT and sent.task_msgid
    [template] = fake_wecom.state.templates
    assert template["sender"] == "li.na" and template["chat_id_list"] == ["wrGroup1", "wrGroup2"]
    assert template["text"]["content"].endswith(RISK_NOTICE)  # a fund is an investment subject
    assert run.run_due() == []  # sent once
    assert run.check_confirmations() == []  # the owner has not confirmed yet
    wall.now += timedelta(minutes=20)
    fake_wecom.state.owner_confirms(sent.task_msgid, "li.na")
    [confirmed] = run.check_confirmations()
    assert confirmed.status is PostStatus.CONFIRMED
    record = store.get(post.id)
    assert record is not None
    assert [(s, t - START) for s, t in record.history] == [
        (PostStatus.SCHEDULED, timedelta(0)),
        (PostStatus.SENT, timedelta(hours=1)),
        (PostStatus.CONFIRMED, timedelta(hours=1, minutes=20)),
    ]


def test_draft_mode_puts_one_draft_in_each_group_sidebar(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, wall: Clock
) -> None:
    drafts = Drafts()
    run = scheduler(wecom_client, wall, drafts, InMemoryPostStore())
    run.schedule(
        new_post("防范电信诈骗", "银行工作人员不会索要验证码。", "li.na", ["g1", "g2"], START, PostMode.DRAFT)
    )
    [post] = run.run_due()
    assert post.status is PostStatus.SENT
    assert [(c, t, k) for c, t, k, _ in drafts.added] == [
        ("g1", "银行工作人员不会索要验证码。", "education"),
        ("g2", "银行工作人员不会索要验证码。", "education"),
    ]  # no risk notice: not an investment subject
    assert fake_wecom.state.templates == []


def test_outage_retries_next_run_and_refusal_fails_with_reason(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, wall: Clock
) -> None:
    store = InMemoryPostStore()
    run = scheduler(wecom_client, wall, Drafts(), store)
    post = run.schedule(new_post("理财小知识", "理财产品不等于存款。", "li.na", ["g1"], START))
    wecom_client.tokens.get()
    fake_wecom.state.fail("externalcontact/add_msg_template", "http500", times=4)
    assert run.run_due() == []
    assert store.get(post.id) is not None and store.get(post.id).status is PostStatus.SCHEDULED  # type: ignore[union-attr]
    [sent] = run.run_due()
    assert sent.status is PostStatus.SENT
    other = run.schedule(new_post("x", "y", "", ["g1"], START))
    fake_wecom.state.fail("externalcontact/add_msg_template", "bad_json")
    [failed] = run.run_due()
    assert failed.id == other.id and failed.status is PostStatus.FAILED and failed.error


def test_posts_need_targets_and_an_aware_time() -> None:
    with pytest.raises(ValueError):
        new_post("t", "b", "li.na", [], START)
    with pytest.raises(ValueError):
        new_post("t", "b", "li.na", ["g"], datetime(2026, 12, 3, 9, 0))
