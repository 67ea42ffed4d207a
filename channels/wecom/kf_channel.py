"""The 微信客服 channel: WeCom's one-to-one sessions through our conversation service and console.

Inbound (from `KfInbox`):
- a customer's text goes through `ConversationService.handle` like a widget message (redacted first),
  and the bot's reply goes back with `kf/send_msg` (our message id as WeCom's msgid: a retry is not a
  second message) — except the answer to the CSAT question sent when a case ended (1, 2 or 3 soon
  after), which is recorded on that case and thanked;
- a staff member's reply typed in the WeCom client (origin 5) is stored in our transcript, redacted, and
  shown in the console;
- WeCom's session changes made in its client (taken from the pool, transferred, ended) become the same
  changes on our handoff.

Outbound (domain events → WeCom) is `KfEventListener` in `channels.wecom.listener`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agent.identity import Pseudonymizer
from agent.state import IncomingMessage
from channels.wecom.client import KfApi
from channels.wecom.inbound import KfItem, KfMessage, KfSessionEvent, Origin
from channels.wecom.kf_state import CSAT_QUESTION, ConsoleActionKind, ServicerDirectory, console_action_for
from channels.wecom.sql_stores import KfContacts
from core.clock import aware, utcnow
from core.status import ConversationMode, HandoffStatus, Role
from events.dispatch import Publisher
from events.domain import HandoffClaimed, HandoffResolved, StaffReplied
from privacy import Redactor
from services import audit, csat
from services.conversations import ConversationService
from storage import repository
from storage.models import Conversation, Handoff, StaffUser

log = logging.getLogger(__name__)

CHANNEL: Final = "wecom"
RESOLVED_IN_WECOM = "other"  # the handoff outcome when a servicer ended the session in the WeCom client
# The CSAT question's three choices (see `CSAT_QUESTION`) on the 1-5 scale the other channels use.
CSAT_ANSWERS: Final = {"1": 5, "满意": 5, "2": 3, "一般": 3, "3": 1, "不满意": 1}
CSAT_WINDOW = timedelta(hours=48)  # WeCom's reply window: a digit sent later is a message, not a rating
CSAT_THANKS = "感谢您的评价，我们会继续改进服务。"


@dataclass
class KfChannel:
    api: KfApi
    sessions: sessionmaker[Session]
    conversations: ConversationService
    contacts: KfContacts
    directory: ServicerDirectory
    pseudonymizer: Pseudonymizer
    redactor: Redactor
    events: Publisher

    def handle(self, item: KfItem) -> None:
        if isinstance(item, KfSessionEvent):
            self._session_event(item)
        elif item.origin is Origin.CUSTOMER and item.text is not None:
            self._customer_text(item, item.text)
        elif item.origin is Origin.SERVICER and item.text is not None:
            self._servicer_text(item, item.text)

    def conversation_for(self, open_kfid: str, external_userid: str) -> str:
        """The conversation of this 微信客服 customer, started (and linked) on first contact."""
        known = self.contacts.conversation_of(open_kfid, external_userid)
        if known:
            return known
        with self.sessions() as session:
            conversation = Conversation(
                channel=CHANNEL, customer_ref=self.pseudonymizer.customer_ref(CHANNEL, external_userid)
            )
            session.add(conversation)
            session.commit()
            conversation_id = conversation.id
        self.contacts.link(conversation_id, open_kfid, external_userid)
        return self.contacts.conversation_of(open_kfid, external_userid) or conversation_id

    def _customer_text(self, item: KfMessage, text: str) -> None:
        conversation_id = self.conversation_for(item.open_kfid, item.external_userid)
        if self._rated(conversation_id, text):
            self.api.send_text(
                open_kfid=item.open_kfid, external_userid=item.external_userid, content=CSAT_THANKS
            )
            return
        reply = self.conversations.handle(
            IncomingMessage(
                text=text, channel=CHANNEL, sender_id=item.external_userid, conversation_id=conversation_id
            )
        )
        if reply.reply:
            self.api.send_text(
                open_kfid=item.open_kfid,
                external_userid=item.external_userid,
                content=reply.reply,
                msgid=reply.reply_message_id,
            )

    def _rated(self, conversation_id: str, text: str) -> bool:
        """The customer answered the CSAT question of a case resolved within the window: record it once."""
        score = CSAT_ANSWERS.get(text.strip().rstrip("。.！!"))
        if score is None:
            return False
        with self.sessions() as session:
            handoff_id = csat.pending_survey(session, conversation_id)
            handoff = session.get(Handoff, handoff_id) if handoff_id else None
            if handoff is None or handoff.resolved_at is None:
                return False
            if utcnow() - aware(handoff.resolved_at) > CSAT_WINDOW:
                return False
            try:
                csat.rate(session, conversation_id, handoff.id, score)
            except csat.CsatRefused:
                return False  # rated meanwhile (the same answer delivered twice)
            log.info("wecom kf: CSAT %d recorded on handoff %s", score, handoff.id)
        return True

    def _servicer_text(self, item: KfMessage, text: str) -> None:
        conversation_id = self.contacts.conversation_of(item.open_kfid, item.external_userid)
        if conversation_id is None:
            log.warning("wecom kf: a servicer wrote to a customer we have no conversation with; not stored")
            return
        username = self.directory.username(item.servicer_userid or "") if item.servicer_userid else None
        with self.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            assert conversation is not None
            stored = self.redactor.redact(text, conversation_id).text
            message = repository.add_message(
                session,
                conversation,
                Role.STAFF,
                stored,
                sender_ref=username or f"wecom:{item.servicer_userid}",
            )
            handoff = repository.open_handoff(session, conversation_id)
            if handoff is not None:
                handoff.first_response_at = handoff.first_response_at or utcnow()
            conversation.mode = ConversationMode.HUMAN
            session.commit()
            name = _display_name(session, username) or (item.servicer_userid or "")
            event = StaffReplied(
                conversation_id,
                handoff.id if handoff else "",
                message.id,
                stored,
                name,
                message.created_at.isoformat(),
                origin="wecom",
            )
        self.events.publish(event)

    def _session_event(self, event: KfSessionEvent) -> None:
        if event.event_type == "msg_send_fail":
            log.warning("wecom kf: WeCom could not deliver message %s", event.fail_msgid)
            return
        action = console_action_for(event)
        if action is None:
            return
        conversation_id = self.contacts.conversation_of(event.open_kfid, event.external_userid)
        if conversation_id is None:
            return
        if action.kind is ConsoleActionKind.RESOLVE:
            self._resolved_in_wecom(conversation_id, event)
        else:
            self._taken_in_wecom(conversation_id, action.servicer_userid)

    def _taken_in_wecom(self, conversation_id: str, servicer_userid: str | None) -> None:
        username = self.directory.username(servicer_userid) if servicer_userid else None
        with self.sessions() as session:
            handoff = repository.open_handoff(session, conversation_id)
            staff = _staff(session, username)
            if handoff is None or staff is None or handoff.claimed_by == staff.username:
                return
            handoff.status, handoff.claimed_by, handoff.claimed_at = (
                HandoffStatus.CLAIMED,
                staff.username,
                utcnow(),
            )
            handoff.conversation.mode = ConversationMode.HUMAN
            audit.record(session, staff, "handoff.claim", "handoff", handoff.id, via="wecom")
            session.commit()
            event = HandoffClaimed(conversation_id, handoff.id, staff.display_name)
        self.events.publish(event)

    def _resolved_in_wecom(self, conversation_id: str, event: KfSessionEvent) -> None:
        with self.sessions() as session:
            handoff: Handoff | None = repository.open_handoff(session, conversation_id)
            if handoff is not None:
                handoff.status, handoff.outcome, handoff.resolved_at = (
                    HandoffStatus.RESOLVED,
                    RESOLVED_IN_WECOM,
                    utcnow(),
                )
                handoff.conversation.mode = ConversationMode.BOT
                staff = _staff(session, self.directory.username(event.old_servicer_userid or ""))
                audit.record(session, staff, "handoff.resolve", "handoff", handoff.id, via="wecom")
                session.commit()
                self.events.publish(HandoffResolved(conversation_id, handoff.id))
        if event.code:  # the session's end message carries the CSAT question
            self.api.send_text_on_event(code=event.code, content=CSAT_QUESTION)


def _staff(session: Session, username: str | None) -> StaffUser | None:
    if not username:
        return None
    return session.scalar(select(StaffUser).where(StaffUser.username == username))


def _display_name(session: Session, username: str | None) -> str | None:
    staff = _staff(session, username)
    return staff.display_name if staff else None
