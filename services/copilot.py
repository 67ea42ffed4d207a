"""The staff copilot: suggested replies for the people working open handoffs (微信客服 and every channel).

A background loop (`run_once`, called by `services.periodic.PeriodicWorker`, never per request) looks at
each open or claimed handoff; when the customer's latest message has no suggestion yet and staff have not
answered it, it drafts one from the knowledge base:

- only from redacted text and knowledge-base passages, with the passage cited;
- through the same compliance check as the bot's answers (no promised returns: blocked; wealth subjects
  carry the risk notice);
- in a group conversation (public), never account data: an account question, or a draft that would
  echo a customer's placeholder, a long number or an account word, becomes the private follow-up line.

Staff accept it (sent as written), edit it (sent as edited; the edit passes the compliance check too)
or discard it. Each decision is recorded on the suggestion and in the audit trail; a suggestion for a
message the conversation has moved past is superseded.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Exists, Select, Subquery, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from agent.classify import Classification, Intent
from agent.compliance import check_answer
from agent.prompts import GROUP_PRIVATE, RISK_NOTICE, say
from agent.responders import Responder
from agent.state import source_url
from core.clock import utcnow
from core.status import ACTIVE_HANDOFF, Role
from knowledge import Retrieval
from privacy.entities import PLACEHOLDER_RE
from services import audit
from services.handoffs import ConsoleError, HandoffDesk, StaffAction
from storage.models import Conversation, Handoff, Message, StaffUser
from storage.wecom_models import CopilotSuggestion

log = logging.getLogger(__name__)

# What must never be said in a group: a customer's masked value, a long number, an account detail.
_ACCOUNT_DATA = re.compile(
    r"\d{6,}|余额|账户明细|交易明细|流水|卡号|账号|身份证号|balance|account number", re.I
)


class SuggestionKind(StrEnum):
    ANSWER = "answer"  # from a knowledge-base passage, cited
    PRIVATE_FOLLOWUP = "private_followup"  # a group conversation about an account: continue privately
    NONE = "none"  # nothing safe to suggest (no passage, or the compliance check blocked it)


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # sent as written
    EDITED = "edited"  # sent after staff changed it
    DISCARDED = "discarded"
    SUPERSEDED = "superseded"  # the customer wrote again, or staff answered without it
    SKIPPED = "skipped"  # kind NONE: recorded so the loop does not try the same message again


class SuggestionNotPending(Exception):
    code = "suggestion_not_pending"


class SuggestionRefused(Exception):
    """An edited reply that fails the compliance check (a promise of returns; account data in a group)."""

    code = "suggestion_not_compliant"


class Searcher(Protocol):
    def search(self, query: str, k: int = 5) -> Retrieval: ...


class Classifier(Protocol):
    def classify(self, text: str) -> Classification: ...


@dataclass(frozen=True)
class Draft:
    kind: SuggestionKind
    text: str
    citations: list[dict[str, Any]]
    checks: dict[str, Any]


@dataclass
class StaffCopilot:
    sessions: sessionmaker[Session]
    knowledge: Searcher
    responder: Responder
    classifier: Classifier | None = None
    k: int = 3
    batch: int = 50

    # -- the background loop's step ----------------------------------------------------------------

    def run_once(self) -> int:
        """Draft suggestions for active handoffs whose latest customer message has none; returns how many."""
        made = 0
        with self.sessions() as session:
            self._supersede_stale(session)
            for handoff, message in session.execute(self._candidates()).all():
                draft = self.draft(handoff.conversation, message.text)
                session.add(
                    CopilotSuggestion(
                        conversation_id=handoff.conversation_id,
                        handoff_id=handoff.id,
                        message_id=message.id,
                        kind=draft.kind,
                        text=draft.text,
                        citations=draft.citations,
                        checks=draft.checks,
                        status=SuggestionStatus.SKIPPED
                        if draft.kind is SuggestionKind.NONE
                        else SuggestionStatus.PENDING,
                    )
                )
                made += draft.kind is not SuggestionKind.NONE
            session.commit()
        return made

    def _candidates(self) -> Select[Handoff, Message]:
        """Active handoffs whose latest customer message has no suggestion yet and no staff reply after it
        (the bot may have answered it while the customer waited: staff still get a suggestion)."""
        last = _last_seq()
        return (
            select(Handoff, Message)
            .join(last, last.c.conversation_id == Handoff.conversation_id)
            .join(
                Message, and_(Message.conversation_id == Handoff.conversation_id, Message.seq == last.c.seq)
            )
            .outerjoin(CopilotSuggestion, CopilotSuggestion.message_id == Message.id)
            .where(
                Handoff.status.in_(ACTIVE_HANDOFF),
                CopilotSuggestion.id.is_(None),
                ~_staff_after(Message.conversation_id, Message.seq),
            )
            .order_by(Handoff.created_at)
            .limit(self.batch)
        )

    def _supersede_stale(self, session: Session) -> None:
        """Pending suggestions the conversation moved past (a later message) or whose handoff closed."""
        last = _last_seq()
        stale = (
            select(CopilotSuggestion)
            .join(Message, Message.id == CopilotSuggestion.message_id)
            .join(last, last.c.conversation_id == CopilotSuggestion.conversation_id)
            .join(Handoff, Handoff.id == CopilotSuggestion.handoff_id)
            .where(
                CopilotSuggestion.status == SuggestionStatus.PENDING,
                or_(
                    Message.seq < last.c.seq,
                    Handoff.status.not_in(ACTIVE_HANDOFF),
                    _staff_after(Message.conversation_id, Message.seq),
                ),
            )
        )
        for row in session.scalars(stale):
            row.status, row.decided_at = SuggestionStatus.SUPERSEDED, utcnow()

    # -- drafting ----------------------------------------------------------------------------------

    def draft(self, conversation: Conversation, question: str) -> Draft:
        """A suggestion for one redacted customer message, or kind NONE with the reason in `checks`."""
        language = conversation.language or "zh"
        group = conversation.channel == "group"
        private = Draft(
            SuggestionKind.PRIVATE_FOLLOWUP, say(GROUP_PRIVATE, language), [], {"group_account_data": True}
        )
        if group and self._about_account(question):
            return private
        retrieval = self.knowledge.search(question, k=self.k)
        if not retrieval.answerable or not retrieval.hits:
            return Draft(SuggestionKind.NONE, "", [], {"answerable": False})
        text = self.responder.respond(question, retrieval, language)
        if not text:
            return Draft(SuggestionKind.NONE, "", [], {"answerable": False})
        top = retrieval.hits[:1]
        result = check_answer(text, question, [h.chunk for h in top])
        if result.blocked:
            log.warning("copilot suggestion blocked by the compliance check conversation=%s", conversation.id)
            return Draft(SuggestionKind.NONE, "", [], {"compliance_blocked": True})
        if result.needs_risk_notice:
            text = f"{text}\n\n{say(RISK_NOTICE, language)}"
        if group and _account_data(text):
            return private
        hit = top[0]
        english = language == "en"
        citations = [
            {
                "title": (hit.chunk.title_en or hit.chunk.title) if english else hit.chunk.title,
                "source": source_url(hit.chunk.doc_id),
                "doc_id": hit.chunk.doc_id,
                "score": round(hit.score, 4),
            }
        ]
        checks = {"compliance_blocked": False, "risk_notice": result.needs_risk_notice, "group": group}
        return Draft(SuggestionKind.ANSWER, text, citations, checks)

    def _about_account(self, question: str) -> bool:
        if PLACEHOLDER_RE.search(question):
            return True  # the customer posted personal data: the answer belongs in a private chat
        if self.classifier is None:
            return False
        return self.classifier.classify(question).intent == Intent.ACCOUNT

    # -- staff decisions ---------------------------------------------------------------------------

    def for_handoff(self, session: Session, handoff_id: str) -> Sequence[CopilotSuggestion]:
        """The handoff's suggestions, newest first (skipped ones left out)."""
        return session.scalars(
            select(CopilotSuggestion)
            .where(
                CopilotSuggestion.handoff_id == handoff_id,
                CopilotSuggestion.status != SuggestionStatus.SKIPPED,
            )
            .order_by(CopilotSuggestion.created_at.desc())
        ).all()

    def accept(
        self,
        session: Session,
        desk: HandoffDesk,
        suggestion: CopilotSuggestion,
        staff: StaffUser,
        text: str | None,
    ) -> CopilotSuggestion:
        """Send the suggestion (as written, or `text` when staff edited it) as the staff member's reply."""
        _require_pending(suggestion)
        handoff = session.get(Handoff, suggestion.handoff_id)
        assert handoff is not None  # a foreign key
        final = text if text is not None else suggestion.text
        edited = _norm(final) != _norm(suggestion.text)
        if edited:
            self._check_edit(handoff.conversation, final)
        suggestion.status = SuggestionStatus.EDITED if edited else SuggestionStatus.ACCEPTED
        suggestion.decided_by, suggestion.decided_at = staff.username, utcnow()
        audit.record(
            session, staff, f"copilot.{suggestion.status}", "suggestion", suggestion.id, handoff_id=handoff.id
        )
        try:
            message = desk.reply(StaffAction(session, handoff, staff), final)  # commits the decision too
        except ConsoleError:
            session.rollback()  # not this person's to answer: the suggestion stays pending
            raise
        suggestion.final_text, suggestion.sent_message_id = message.text, message.id
        session.commit()
        return suggestion

    def discard(self, session: Session, suggestion: CopilotSuggestion, staff: StaffUser) -> CopilotSuggestion:
        _require_pending(suggestion)
        suggestion.status = SuggestionStatus.DISCARDED
        suggestion.decided_by, suggestion.decided_at = staff.username, utcnow()
        audit.record(
            session, staff, "copilot.discarded", "suggestion", suggestion.id, handoff_id=suggestion.handoff_id
        )
        session.commit()
        return suggestion

    def _check_edit(self, conversation: Conversation, text: str) -> None:
        if check_answer(text, "", []).blocked:
            raise SuggestionRefused("the edited reply promises returns or safety the bank may not promise")
        if conversation.channel == "group" and _account_data(text):
            raise SuggestionRefused("account details are never written in a group; follow up privately")


def _last_seq() -> Subquery:
    """Each conversation's latest customer message."""
    return (
        select(Message.conversation_id, func.max(Message.seq).label("seq"))
        .where(Message.role == Role.CUSTOMER)
        .group_by(Message.conversation_id)
        .subquery()
    )


def _staff_after(conversation_id: Any, seq: Any) -> Exists:
    later = aliased(Message)
    return exists().where(later.conversation_id == conversation_id, later.seq > seq, later.role == Role.STAFF)


def _account_data(text: str) -> bool:
    return bool(PLACEHOLDER_RE.search(text) or _ACCOUNT_DATA.search(text))


def _require_pending(suggestion: CopilotSuggestion) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise SuggestionNotPending(f"suggestion {suggestion.id} is already {suggestion.status}")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)
