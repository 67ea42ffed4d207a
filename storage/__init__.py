"""SQL storage: models, repositories, the engine, and the Alembic migrations that own the schema."""
