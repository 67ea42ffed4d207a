"""Checks on customer text that the pydantic models cannot express (limits come from settings)."""

from __future__ import annotations

from api.errors import EmptyMessage, MessageTooLong


def check_text(text: str, max_chars: int) -> None:
    if not text.strip():
        raise EmptyMessage("The message is empty.")
    if len(text) > max_chars:
        raise MessageTooLong(f"The message is longer than {max_chars} characters.", max_chars=max_chars)
