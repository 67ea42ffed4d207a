"""Our handoff states ↔ 微信客服 `service_state`, both ways.

Ours → WeCom: a handoff opens → queue (2); an agent claims it in our console → human (3) with that
agent's WeCom user id; hand-back → bot (1); resolved → ended (4) and the CSAT question (sent with
the msg_code when WeCom returns one, else as a reply inside the window the customer's last message opened).

WeCom → ours: staff can also take, transfer or end sessions in the WeCom client; the
`session_status_change` event says so and becomes a console action on the open handoff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from channels.wecom.client import KfApi, ServiceState
from channels.wecom.inbound import KfSessionEvent

log = logging.getLogger(__name__)

HandoffStatus = Literal["open", "claimed", "returned", "resolved"]

CSAT_QUESTION = "本次服务已结束，感谢您的耐心。请问您对本次服务满意吗？回复 1 满意、2 一般、3 不满意。"


class ServicerDirectory(Protocol):
    """Staff usernames ↔ WeCom user ids (kept on the staff account)."""

    def wecom_userid(self, username: str) -> str | None: ...

    def username(self, wecom_userid: str) -> str | None: ...


@dataclass(frozen=True)
class Target:
    state: ServiceState
    servicer_userid: str | None = None


def target_for(status: HandoffStatus, servicer_userid: str | None = None) -> Target:
    """The WeCom state a session must be in for our handoff status."""
    if status == "open":
        return Target(ServiceState.QUEUE)
    if status == "claimed":
        if not servicer_userid:
            raise ValueError("the claiming agent has no WeCom user id: set it on the staff account")
        return Target(ServiceState.HUMAN, servicer_userid)
    if status == "returned":
        return Target(ServiceState.BOT)
    return Target(ServiceState.ENDED)


class ConsoleActionKind(StrEnum):
    CLAIM = "claim"  # a servicer took the session in the WeCom client
    TRANSFER = "transfer"  # moved to another servicer
    RESOLVE = "resolve"  # ended in the WeCom client
    REOPEN = "reopen"  # an ended or transferred session was taken up again


@dataclass(frozen=True)
class ConsoleAction:
    kind: ConsoleActionKind
    external_userid: str
    servicer_userid: str | None


_CHANGE_TYPES = {
    1: ConsoleActionKind.CLAIM,
    2: ConsoleActionKind.TRANSFER,
    3: ConsoleActionKind.RESOLVE,
    4: ConsoleActionKind.REOPEN,
}


def console_action_for(event: KfSessionEvent) -> ConsoleAction | None:
    """What a `session_status_change` event means for our console; None for any other event."""
    if event.event_type != "session_status_change" or event.change_type not in _CHANGE_TYPES:
        return None
    return ConsoleAction(_CHANGE_TYPES[event.change_type], event.external_userid, event.servicer_userid)


class KfStateSync:
    """Moves a 微信客服 session to match a handoff status; idempotent (reads the state first)."""

    def __init__(self, api: KfApi, open_kfid: str) -> None:
        self._api = api
        self._open_kfid = open_kfid

    def apply(self, external_userid: str, status: HandoffStatus, servicer_userid: str | None = None) -> bool:
        """Returns True when WeCom's state changed. Resolution also sends the CSAT question."""
        target = target_for(status, servicer_userid)
        current = self._api.get_service_state(open_kfid=self._open_kfid, external_userid=external_userid)
        if current.state is target.state and current.servicer_userid == target.servicer_userid:
            return False
        if current.state is ServiceState.ENDED and target.state is ServiceState.ENDED:
            return False
        code = self._api.trans_service_state(
            open_kfid=self._open_kfid,
            external_userid=external_userid,
            state=target.state,
            servicer_userid=target.servicer_userid,
        )
        if target.state is ServiceState.ENDED:
            self._send_csat(external_userid, code)
        return True

    def _send_csat(self, external_userid: str, code: str | None) -> None:
        # A msg_code, when WeCom returns one, lets the message through even outside the reply window.
        if code:
            self._api.send_text_on_event(code=code, content=CSAT_QUESTION)
        else:
            self._api.send_text(
                open_kfid=self._open_kfid, external_userid=external_userid, content=CSAT_QUESTION
            )
