"""Use cases, one module per use case: what routes and channels call (conversations, handoffs, staff,
audit, widget sessions, sources, knowledge-base administration, gaps)."""
