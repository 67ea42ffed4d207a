"""Reading a conversation back (redacted messages only)."""

from __future__ import annotations

from fastapi import APIRouter

from agent import repository
from api.deps import SessionDep
from api.errors import NotFound
from api.schemas import ConversationOut

router = APIRouter(prefix="/v1/conversations", tags=["conversations"])


@router.get("/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: str, session: SessionDep) -> ConversationOut:
    conversation = repository.find_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} does not exist")
    return ConversationOut.model_validate(conversation)
