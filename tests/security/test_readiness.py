"""`/readyz` logic: every required dependency must answer within the timeout."""

from __future__ import annotations

import threading

from api.readiness import Check, ready, run_checks


def test_ready_only_when_every_required_check_answers() -> None:
    def down() -> None:
        raise ConnectionRefusedError("no")

    results = run_checks([Check("database", lambda: 1), Check("llm", down, required=False)])
    assert ready(results)
    assert [(r.name, r.ok, r.error) for r in results] == [
        ("database", True, None),
        ("llm", False, "ConnectionRefusedError"),
    ]
    assert not ready(run_checks([Check("knowledge", down)]))


def test_a_hanging_probe_fails_by_timeout_instead_of_hanging() -> None:
    release = threading.Event()
    try:
        results = run_checks([Check("database", lambda: release.wait(10))], timeout_s=0.3)
    finally:
        release.set()
    assert not ready(results)
    assert results[0].error == "Timeout"
