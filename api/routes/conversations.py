"""Reading a conversation back (redacted messages only): staff, or the customer it belongs to."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import ConversationReaderDep
from api.deps import SessionDep
from api.errors import NotFound
from api.schemas import ConversationOut
from services.conversations import read_conversation

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("/{conversation_id}", response_model=ConversationOut)
def get_conversation(
    conversation_id: str, may_read: ConversationReaderDep, session: SessionDep
) -> ConversationOut:
    """Agent/admin staff, or the customer holding this conversation's widget token."""
    may_read(conversation_id)
    conversation = read_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return ConversationOut.model_validate(conversation)
