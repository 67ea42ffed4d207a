"""Conversation logic: redact → classify → retrieve → answer → check → reply or hand off."""
