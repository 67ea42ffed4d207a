"""The scripted conversations of the e2e eval (quick subset) on the test deployment."""

from __future__ import annotations

from pathlib import Path

from core.wiring import Services
from evals import e2e


def test_quick_scripted_conversations_pass(services: Services, tmp_path: Path) -> None:
    section = e2e.run(quick=True, plots_dir=tmp_path, services=services)
    # Measured: 8/8 scenarios, 13/13 turns pass.
    assert section.metrics["scenarios"] == e2e.QUICK_SCENARIOS
    assert section.metrics["turn_pass_rate"] >= 0.9


def test_a_wrong_expectation_is_reported_as_a_failure(services: Services) -> None:
    scenario = {
        "id": "wrong-on-purpose",
        "channel": "web",
        "turns": [{"say": "转人工", "expect": {"action": "answer", "category": "complaint"}}],
    }
    result = e2e.play(services, scenario)
    assert not result.passed
    failures = result.turns[0].failures
    assert any("action handoff" in f for f in failures)
    assert any("handoff category human_request" in f for f in failures)
