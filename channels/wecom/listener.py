"""Domain events → 微信客服: our console's handoff changes and staff replies reach WeCom.

- a handoff that puts the conversation in human mode moves the WeCom session to the queue (2);
- a claim moves it to the claiming agent (3, with their WeCom user id); without one it stays queued and
  the failure is counted (the console shows the handoff as claimed; the agent's account needs the id);
- a staff reply typed in our console is queued (`reply_outbox`) and sent to the customer (`kf/send_msg`,
  our message id as msgid), retried with backoff when WeCom fails;
- hand-back returns the session to the bot (1); resolution ends it (4) and sends the CSAT question.

Replies typed in the WeCom client (`StaffReplied.origin == "wecom"`) are already there and skipped.
Runs in the publisher's thread after the commit; WeCom faults are logged and counted, never raised
into the console action that already succeeded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.client import KfApi, WeComApiError, WeComUnavailable
from channels.wecom.kf_state import HandoffStatus as KfHandoffStatus
from channels.wecom.kf_state import KfStateSync, ServicerDirectory
from channels.wecom.reply_outbox import KfReplyOutbox
from channels.wecom.sql_stores import KfContacts
from core.status import ConversationMode
from events.domain import (
    DomainEvent,
    HandoffClaimed,
    HandoffOpened,
    HandoffResolved,
    HandoffReturned,
    StaffReplied,
)
from storage.models import Conversation, Handoff

log = logging.getLogger(__name__)


@dataclass
class KfListenerStats:
    sent: int = 0
    state_changes: int = 0
    failures: int = 0
    last_error: str | None = None


@dataclass(eq=False)
class KfEventListener:
    api: KfApi
    sessions: sessionmaker[Session]
    contacts: KfContacts
    directory: ServicerDirectory
    outbox: KfReplyOutbox
    stats: KfListenerStats = field(default_factory=KfListenerStats)

    def __call__(self, event: DomainEvent) -> None:
        contact = self.contacts.of(event.conversation_id)
        if contact is None:
            return  # not a 微信客服 conversation
        open_kfid, external_userid = contact
        try:
            self._apply(event, open_kfid, external_userid)
        except (WeComApiError, WeComUnavailable, ValueError) as exc:
            self.stats.failures += 1
            self.stats.last_error = f"{type(event).__name__}: {exc}"
            log.warning("wecom kf: %s not mirrored to WeCom (%s)", type(event).__name__, exc)

    def _apply(self, event: DomainEvent, open_kfid: str, external_userid: str) -> None:
        sync = KfStateSync(self.api, open_kfid)
        status: KfHandoffStatus | None = None
        servicer: str | None = None
        match event:
            case HandoffOpened() if self._mode(event.conversation_id) is ConversationMode.HUMAN:
                status = "open"
            case HandoffClaimed(handoff_id=handoff_id):
                status, servicer = "claimed", self._claimer_userid(handoff_id)
            case HandoffReturned():
                status = "returned"
            case HandoffResolved():
                status = "resolved"
            case StaffReplied(origin="console", message_id=message_id, text=text):
                # Queued in SQL first, then one attempt now; the outbox's background step retries.
                self.outbox.enqueue(message_id, event.conversation_id, open_kfid, external_userid, text)
                if self.outbox.deliver(message_id) == "sent":
                    self.stats.sent += 1
                else:
                    self.stats.failures += 1
                    self.stats.last_error = "StaffReplied: queued for retry"
        if status is not None and sync.apply(external_userid, status, servicer):
            self.stats.state_changes += 1

    def _mode(self, conversation_id: str) -> ConversationMode | None:
        with self.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            return ConversationMode(conversation.mode) if conversation else None

    def _claimer_userid(self, handoff_id: str) -> str | None:
        with self.sessions() as session:
            handoff = session.get(Handoff, handoff_id)
            username = handoff.claimed_by if handoff else None
        return self.directory.wecom_userid(username) if username else None
