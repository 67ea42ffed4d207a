"""Domain events: facts the services publish after their transaction commits.

Listeners decide what each fact means for them (an SSE push to the console or the widget today; a
WeCom message or a metric later), so a use case never needs to know who is watching.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    conversation_id: str


@dataclass(frozen=True)
class HandoffOpened(DomainEvent):
    """A customer turn opened a handoff or re-triaged / updated the waiting one."""

    handoff_id: str
    retriaged: bool = False  # an update that raised the waiting case's urgency
    urgency: str = ""


@dataclass(frozen=True)
class CustomerMessaged(DomainEvent):
    """A customer wrote in a conversation a person is handling (no new handoff)."""


@dataclass(frozen=True)
class HandoffClaimed(DomainEvent):
    handoff_id: str
    staff_name: str  # display name, shown to the customer


@dataclass(frozen=True)
class StaffReplied(DomainEvent):
    handoff_id: str
    message_id: str
    text: str  # as typed: only the customer's own widget receives it
    staff_name: str
    at: str  # ISO 8601
    origin: str = "console"  # "wecom": typed in the WeCom client, already delivered there


@dataclass(frozen=True)
class NoteAdded(DomainEvent):
    handoff_id: str


@dataclass(frozen=True)
class HandoffReturned(DomainEvent):
    handoff_id: str


@dataclass(frozen=True)
class HandoffResolved(DomainEvent):
    handoff_id: str


@dataclass(frozen=True)
class HandoffTransferred(DomainEvent):
    """A handoff moved to another person (claimed by them) or back to a team's queue."""

    handoff_id: str
    from_name: str  # display name of who handed it on
    to_name: str | None  # display name of the new person; None when it went to a queue
    team_id: str | None


@dataclass(frozen=True)
class StaffTyping(DomainEvent):
    """The person on the case is typing a reply (not stored; only shown live)."""

    handoff_id: str
    staff_name: str
