"""A request holds no database connection while its chat turn runs.

Found by `python -m benchmarks.load` (64 customers, two workers, PostgreSQL): the widget token was looked
up in the request's session, which kept its connection until the response ended. Each turn then needed
a second connection, so 15 waiting customers per worker held the whole pool while their turns waited
for one: every turn waited out the 30 s pool timeout and answered 503 `database_unavailable`.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from channels import widget
from core.wiring import Services


def test_a_widget_turn_starts_with_no_connection_held_by_its_request(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[int] = []
    receive = widget.receive

    def observed(*args: Any, **kwargs: Any) -> Any:  # the real turn, after counting checked-out connections
        held.append(services.engine.pool.checkedout())  # type: ignore[attr-defined]
        return receive(*args, **kwargs)

    monkeypatch.setattr(widget, "receive", observed)
    token = client.post("/v1/widget/sessions", json={}).json()["token"]
    headers = {"x-widget-token": token}
    r = client.post("/v1/widget/messages", json={"text": "信用卡年费怎么收？"}, headers=headers)
    assert r.status_code == 200
    assert held == [0]
