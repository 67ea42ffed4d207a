"""What happened, told to whoever listens: domain events (`events.domain`), their in-process dispatcher
(`events.dispatch`), and the topic bus that carries live pushes to SSE streams (`events.bus`)."""
