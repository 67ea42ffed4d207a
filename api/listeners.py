"""Domain events → the live pushes the screens read over SSE (same topics and wire format as before).

The console listens to the staff topic; a customer's widget to its conversation's topic. A WeCom sender
or a metrics counter would be another listener on the same dispatcher.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.bus import STAFF_TOPIC, TopicBus, conversation_topic
from events.dispatch import Dispatcher
from events.domain import (
    CustomerMessaged,
    DomainEvent,
    HandoffClaimed,
    HandoffOpened,
    HandoffResolved,
    HandoffReturned,
    HandoffTransferred,
    NoteAdded,
    StaffReplied,
    StaffTyping,
)


@dataclass(frozen=True)
class SsePushes:
    bus: TopicBus

    def __call__(self, event: DomainEvent) -> None:
        conv = event.conversation_id
        match event:
            case HandoffOpened(handoff_id=hid, retriaged=retriaged, urgency=urgency):
                self._staff("handoff.updated", hid, conv)
                if retriaged:
                    self.bus.publish(
                        STAFF_TOPIC, "handoff.retriaged", id=hid, conversation_id=conv, urgency=urgency
                    )
            case HandoffTransferred(handoff_id=hid, from_name=old, to_name=new, team_id=team):
                self.bus.publish(STAFF_TOPIC, "handoff.transferred", id=hid, conversation_id=conv, team=team)
                if old:
                    self.bus.publish(conversation_topic(conv), "staff_left", name=old)
                if new:
                    self.bus.publish(conversation_topic(conv), "staff_joined", name=new)
            case StaffTyping(staff_name=name):
                self.bus.publish(conversation_topic(conv), "staff_typing", name=name)
            case CustomerMessaged():
                self.bus.publish(STAFF_TOPIC, "conversation.message", conversation_id=conv)
            case HandoffClaimed(handoff_id=hid, staff_name=name):
                self._staff("handoff.claimed", hid, conv)
                self.bus.publish(conversation_topic(conv), "staff_joined", name=name)
            case StaffReplied(handoff_id=hid, message_id=mid, text=text, staff_name=name, at=at):
                self.bus.publish(
                    conversation_topic(conv), "staff_message", id=mid, text=text, name=name, at=at
                )
                self._staff("handoff.message", hid, conv)
            case NoteAdded(handoff_id=hid):
                self._staff("handoff.note", hid, conv)
            case HandoffResolved(handoff_id=hid):
                self._staff("handoff.resolved", hid, conv)
                self.bus.publish(conversation_topic(conv), "resolved", handoff_id=hid)
            case HandoffReturned(handoff_id=hid):
                self._staff("handoff.returned", hid, conv)
                self.bus.publish(conversation_topic(conv), "returned_to_bot")

    def _staff(self, kind: str, handoff_id: str, conversation_id: str) -> None:
        self.bus.publish(STAFF_TOPIC, kind, id=handoff_id, conversation_id=conversation_id)


def install(dispatcher: Dispatcher, bus: TopicBus) -> None:
    """Idempotent: apps sharing one set of services (tests) register the listener once."""
    dispatcher.listen(SsePushes(bus))
