"""State that several workers must share, checked against real servers: rate limits and lockouts in
Redis (two limiters stand for two workers), and a PostgreSQL that survives a crash of its server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from api.rate_limits import RateLimitConfig, RateLimited, RateLimiter
from tests.processes import PostgresServer, RedisServer


def test_workers_share_rate_limits_and_lockouts_through_redis(redis_server: RedisServer) -> None:
    config = RateLimitConfig(storage_uri=redis_server.url, login_per_ip="4/minute", lockout_threshold=2)
    worker_a, worker_b = RateLimiter(config), RateLimiter(config)
    worker_a.reset()
    for _ in range(2):
        worker_a.hit("login_per_ip", "203.0.113.9")
        worker_b.hit("login_per_ip", "203.0.113.9")
    with pytest.raises(RateLimited):
        worker_a.hit("login_per_ip", "203.0.113.9")  # a's budget was spent half on b
    worker_a.lockout.failed("admin", "203.0.113.9")
    worker_b.lockout.failed("admin", "203.0.113.9")
    with pytest.raises(RateLimited) as caught:
        worker_a.lockout.check("admin", "203.0.113.9")
    assert 1 <= caught.value.retry_after_s <= 30
    worker_b.lockout.succeeded("admin", "203.0.113.9")
    worker_a.lockout.check("admin", "203.0.113.9")


def test_postgres_comes_back_after_a_crash(postgres: PostgresServer) -> None:
    engine = sa.create_engine(postgres.url, pool_pre_ping=True)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS probe (n integer)"))
        conn.execute(sa.text("INSERT INTO probe VALUES (1)"))
    postgres.kill()
    with pytest.raises(sa.exc.OperationalError):
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    postgres.start()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM probe")).scalar_one() >= 1
    engine.dispose()


def test_workers_migrating_together_on_postgres_migrate_once(postgres: PostgresServer) -> None:
    """Three workers starting at once: one upgrades under the advisory lock, the others wait."""
    from concurrent.futures import ThreadPoolExecutor

    import psycopg

    from storage.migrations import current, upgrade

    with psycopg.connect(postgres.dsn("postgres"), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS migrate_race")
        conn.execute("CREATE DATABASE migrate_race")
    url = postgres.url.rsplit("/", 1)[0] + "/migrate_race"
    engines = [sa.create_engine(url) for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(upgrade, engines))
    assert current(engines[0]) is not None
    for engine in engines:
        engine.dispose()
