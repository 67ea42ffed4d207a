"""Handoff status ↔ 微信客服 service_state, against the fake WeCom server (loopback)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels.wecom.client import ServiceState, WeComClient
from channels.wecom.inbound import KfSessionEvent
from channels.wecom.kf_state import (
    CSAT_QUESTION,
    ConsoleActionKind,
    KfStateSync,
    console_action_for,
    target_for,
)
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import KF_ID

CUSTOMER = "wmCust9"


def test_each_handoff_status_has_its_wecom_state() -> None:
    assert target_for("open").state is ServiceState.QUEUE
    assert target_for("claimed", "zhang.wei") == target_for("claimed", "zhang.wei")
    assert target_for("claimed", "zhang.wei").servicer_userid == "zhang.wei"
    assert target_for("returned").state is ServiceState.BOT
    assert target_for("resolved").state is ServiceState.ENDED
    with pytest.raises(ValueError):
        target_for("claimed", None)


def test_a_full_session_moves_through_wecom_states(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    sync = KfStateSync(wecom_client, KF_ID)
    assert sync.apply(CUSTOMER, "open")
    assert not sync.apply(CUSTOMER, "open")  # already queued: no second trans call
    assert sync.apply(CUSTOMER, "claimed", "zhang.wei")
    assert sync.apply(CUSTOMER, "claimed", "li.na")  # re-claimed by another agent
    assert sync.apply(CUSTOMER, "returned")
    assert sync.apply(CUSTOMER, "resolved")
    moves = [(c["service_state"], c.get("servicer_userid")) for c in fake_wecom.state.trans_calls]
    assert moves == [(2, None), (3, "zhang.wei"), (3, "li.na"), (1, None), (4, None)]
    assert [m["text"]["content"] for m in fake_wecom.state.sent] == [CSAT_QUESTION]
    assert fake_wecom.state.sent[0]["touser"] == CUSTOMER


def test_csat_rides_on_the_msg_code_when_wecom_returns_one(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wecom_client, "trans_service_state", lambda **_: "CODE-END")
    KfStateSync(wecom_client, KF_ID).apply(CUSTOMER, "resolved")
    assert fake_wecom.state.sent_on_event == [
        {
            "code": "CODE-END",
            "msgid": fake_wecom.state.sent_on_event[0]["msgid"],
            "msgtype": "text",
            "text": {"content": CSAT_QUESTION},
        }
    ]
    assert fake_wecom.state.sent == []


def _change(change_type: int, servicer: str | None = "zhang.wei") -> KfSessionEvent:
    return KfSessionEvent(
        msgid=f"ev{change_type}",
        open_kfid=KF_ID,
        external_userid=CUSTOMER,
        event_type="session_status_change",
        sent_at=datetime(2026, 12, 3, tzinfo=UTC),
        change_type=change_type,
        servicer_userid=servicer,
    )


@pytest.mark.parametrize(
    ("change_type", "kind"),
    [
        (1, ConsoleActionKind.CLAIM),
        (2, ConsoleActionKind.TRANSFER),
        (3, ConsoleActionKind.RESOLVE),
        (4, ConsoleActionKind.REOPEN),
    ],
)
def test_wecom_client_changes_become_console_actions(change_type: int, kind: ConsoleActionKind) -> None:
    action = console_action_for(_change(change_type))
    assert action is not None and action.kind is kind
    assert (action.external_userid, action.servicer_userid) == (CUSTOMER, "zhang.wei")


def test_other_events_are_not_console_actions() -> None:
    enter = KfSessionEvent("e", KF_ID, CUSTOMER, "enter_session", datetime(2026, 12, 3, tzinfo=UTC))
    assert console_action_for(enter) is None
    assert console_action_for(_change(9)) is None
