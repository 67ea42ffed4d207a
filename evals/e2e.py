"""Scripted conversations through the real Agent (web widget and group chat) on the sample knowledge base.

Each scenario in `evals/data/e2e_scenarios.yaml` lists turns with the behaviour expected of them
(answer citing the right document, hand off with a category, stay silent in a group, redact and warn
about personal data). A deployment is built the way the tests build one: temporary SQLite and Chroma,
the configured embedder and PII analyzer, the extractive responder, the sample knowledge ingested.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent.state import AgentReply, IncomingMessage
from core.settings import Settings
from core.wiring import Services, build_services
from evals.report import Section, markdown_table
from privacy import generate_key
from storage.models import Handoff

SCENARIOS = Path(__file__).resolve().parent / "data" / "e2e_scenarios.yaml"
QUICK_SCENARIOS = 8


@dataclass(frozen=True)
class TurnResult:
    scenario: str
    number: int
    text: str
    action: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class ScenarioResult:
    id: str
    channel: str
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


def load_scenarios(path: Path = SCENARIOS) -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return scenarios


@contextmanager
def deployment() -> Iterator[Services]:
    """A throwaway deployment with the sample knowledge base ingested."""
    with tempfile.TemporaryDirectory(prefix="eval-e2e-") as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            environment="test",
            data_dir=Path(tmp),
            vault_key=generate_key(),
            database_url=None,
            chroma_url=None,
            llm_backend="extractive",
            rate_limits=False,  # evals send hundreds of turns from one address on purpose
        )
        services = build_services(settings)
        try:
            services.knowledge.ingest_folder(settings.kb_dir)
            yield services
        finally:
            services.close()


def play(services: Services, scenario: dict[str, Any]) -> ScenarioResult:
    result = ScenarioResult(scenario["id"], scenario["channel"])
    conversation_id: str | None = None
    web_sender = f"e2e-{uuid.uuid4().hex[:8]}"
    group_id = f"{scenario.get('group', scenario['id'])}-{uuid.uuid4().hex[:6]}"
    for number, turn in enumerate(scenario["turns"], 1):
        if scenario["channel"] == "group":
            message = IncomingMessage(
                text=turn["say"],
                channel="group",
                group_id=group_id,
                sender_id=turn["from"],
                mentions=tuple(turn.get("mentions", ())),
            )
        else:
            message = IncomingMessage(
                text=turn["say"], channel="web", sender_id=web_sender, conversation_id=conversation_id
            )
        reply = services.conversations.handle(message)
        conversation_id = reply.conversation_id
        failures = check(services, reply, turn["say"], turn.get("expect", {}))
        result.turns.append(TurnResult(result.id, number, turn["say"], str(reply.action), tuple(failures)))
    return result


def check(services: Services, reply: AgentReply, said: str, expect: dict[str, Any]) -> list[str]:
    """Every way the reply falls short of `expect`, as short sentences for the report."""
    failures = []
    text = reply.reply or ""
    actions = _as_list(expect.get("action"))
    if actions and str(reply.action) not in actions:
        failures.append(f"action {reply.action}, expected {'/'.join(actions)}")
    if str(reply.action) == "silent" and reply.reply is not None:
        failures.append("silent turn produced a reply")
    sources = _as_list(expect.get("source"))
    if sources and not any(c.doc_id in sources for c in reply.citations):
        cited = ", ".join(c.doc_id for c in reply.citations) or "nothing"
        failures.append(f"cited {cited}, expected one of {', '.join(sources)}")
    if "category" in expect:
        category = _handoff_category(services, reply.handoff_id)
        if category != expect["category"]:
            failures.append(f"handoff category {category}, expected {expect['category']}")
    for wanted in _as_list(expect.get("reply_contains")):
        if wanted not in text:
            failures.append(f"reply lacks {wanted!r}")
    for unwanted in _as_list(expect.get("reply_excludes")):
        if unwanted in text:
            failures.append(f"reply contains {unwanted!r}")
    for entity in _as_list(expect.get("pii")):
        if entity not in reply.pii_types:
            failures.append(f"{entity} not detected (found {', '.join(reply.pii_types) or 'none'})")
    secret = expect.get("secret")
    if secret and (str(secret) in reply.redacted_text or str(secret) in text):
        failures.append("personal data left in the stored text or the reply")
    return failures


def _handoff_category(services: Services, handoff_id: str | None) -> str | None:
    if handoff_id is None:
        return None
    with services.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        return handoff.category if handoff is not None else None


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def run(*, quick: bool, plots_dir: Path, services: Services | None = None) -> Section:
    """`services`: an existing deployment with the sample ingested (the test suite's); else a new one."""
    started = time.perf_counter()
    scenarios = load_scenarios()
    if quick:
        scenarios = scenarios[:QUICK_SCENARIOS]
    with _existing(services) if services is not None else deployment() as live:
        setup = time.perf_counter() - started
        results = [play(live, s) for s in scenarios]
    turns = [t for r in results for t in r.turns]
    passed_scenarios = sum(r.passed for r in results)
    passed_turns = sum(t.passed for t in turns)
    failures = [
        [t.scenario, t.number, t.text, t.action, "; ".join(t.failures)] for t in turns if not t.passed
    ]
    markdown = "\n".join(
        [
            f"{len(results)} scripted conversations ({len(turns)} turns) from `evals/data/e2e_scenarios.yaml`"
            + (" (quick subset)" if quick else "")
            + ", run through `Agent.handle` on the sample knowledge base with the extractive responder; "
            f"deployment built and sample ingested in {setup:.0f} s.",
            "",
            f"**Scenarios passed: {passed_scenarios}/{len(results)}; "
            f"turns passed: {passed_turns}/{len(turns)}.**",
            "",
            markdown_table(
                ["scenario", "channel", "turns passed", "result"],
                [
                    [r.id, r.channel, f"{sum(t.passed for t in r.turns)}/{len(r.turns)}", _mark(r.passed)]
                    for r in results
                ],
            ),
            "",
            "### Failed turns" if failures else "All turns behaved as expected.",
            "",
            markdown_table(["scenario", "turn", "message", "action", "what went wrong"], failures)
            if failures
            else "",
        ]
    )
    return Section(
        title="End-to-end conversations",
        markdown=markdown,
        metrics={
            "scenarios": len(results),
            "scenarios_passed": passed_scenarios,
            "turns": len(turns),
            "turns_passed": passed_turns,
            "turn_pass_rate": round(passed_turns / len(turns), 4) if turns else 0.0,
        },
        seconds=time.perf_counter() - started,
    )


@contextmanager
def _existing(services: Services) -> Iterator[Services]:
    yield services


def _mark(passed: bool) -> str:
    return "pass" if passed else "**FAIL**"
