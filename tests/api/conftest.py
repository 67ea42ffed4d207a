"""One TestClient per test module over the session's shared deployment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.wiring import Services


@pytest.fixture(scope="module")
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=services)) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_cookies(client: TestClient) -> None:
    """Each test signs in for itself; a staff cookie from an earlier login must not carry over."""
    client.cookies.clear()
