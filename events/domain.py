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


@dataclass(frozen=True)
class NoteAdded(DomainEvent):
    handoff_id: str


@dataclass(frozen=True)
class HandoffReturned(DomainEvent):
    handoff_id: str


@dataclass(frozen=True)
class HandoffResolved(DomainEvent):
    handoff_id: str
