"""Fixtures for the WeCom channel: a fake WeCom server on loopback and a client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from channels.wecom.client import WeComClient
from privacy import Redactor, SqlVault, build_analyzer, generate_key
from storage.migrations import upgrade
from tests.channels.wecom.fake_wecom import CORP_ID, ROBOT_KEY, SECRET, FakeWeComState, serve_fake_wecom


@dataclass
class FakeClock:
    """A clock tests move by hand (time.monotonic's stand-in)."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeWeCom:
    state: FakeWeComState
    base_url: str


@pytest.fixture(scope="session")
def _fake_wecom_server() -> Iterator[tuple[FakeWeComState, str]]:
    holder = FakeWeComState()
    with serve_fake_wecom(holder) as url:
        yield holder, url


@pytest.fixture
def fake_wecom(_fake_wecom_server: tuple[FakeWeComState, str]) -> FakeWeCom:
    """The running fake with fresh state for this test."""
    holder, url = _fake_wecom_server
    fresh = FakeWeComState()
    holder.__dict__.update(fresh.__dict__)  # the app's closures keep the same object
    return FakeWeCom(holder, url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wecom_client(fake_wecom: FakeWeCom, clock: FakeClock) -> Iterator[WeComClient]:
    client = WeComClient(
        corp_id=CORP_ID,
        secret=SECRET,
        base_url=fake_wecom.base_url,
        robot_key=ROBOT_KEY,
        clock=clock,
        sleep=clock.sleep,
    )
    yield client
    client.close()


@pytest.fixture(scope="session")
def redactor() -> Iterator[Redactor]:
    """The real redactor (spaCy + LAC analyzer, in-memory vault): loaded once, only by tests that ask."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    upgrade(engine)  # the vault's table comes from the migrations
    yield Redactor(build_analyzer(), SqlVault(engine, generate_key()), allow_list=["小禾", "青禾银行"])
    engine.dispose()
