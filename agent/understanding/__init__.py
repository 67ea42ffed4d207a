"""Understanding a customer's turn in its conversation: follow-ups, replies to offers, scope, intent.

Every module here is pure (no SQL, no network): it reads the redacted text and the `ConversationState`
and returns values, so the pipeline can call it and tests can run it alone.
"""
