"""One warm turn, step by step, and what wrapping the steps in LangChain runnables cost.

Before this layout (main up to issue 8) the pipeline was eight `RunnableLambda`s chained over a mutable
`Turn` and invoked with a run config; now the conversation service calls plain functions over values.
Both are timed in the same run: the per-step times of the real pipeline on the sample questions, and the
wrapper alone — the same eight-step chain as before around steps that do nothing, against eight plain
calls — which is exactly the overhead the old shape added to every turn.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from agent.state import IncomingMessage
from agent.understanding.query_vectors import QueryVectors
from benchmarks.result import BenchResult, Table
from benchmarks.server import SAMPLE_KB

QUESTIONS = (
    "信用卡丢了怎么办",
    "定期存款一年期的利率是多少？",
    "大额存单多少钱起存？",
    "我要投诉，你们乱扣费！",
    "你好",
    "How long does a domestic transfer take to arrive?",
)
STEPS = (
    "open",
    "redact",
    "store_message",
    "understand",
    "embed",
    "classify",
    "route",
    "retrieve",
    "check_scope",
    "respond",
    "hand_off",
    "reply",
    "store_outcome",
)


@dataclass
class _Carrier:
    """Stands in for the old mutable `Turn`."""

    n: int = 0


def _identity(carrier: _Carrier) -> _Carrier:
    carrier.n += 1
    return carrier


def wrapper_overhead_ms(turns: int = 2000) -> tuple[float, float]:
    """(ms per turn through the old eight-runnable chain, ms per turn for eight plain calls)."""
    steps: list[Callable[[_Carrier], _Carrier]] = [_identity] * 8
    chain: Runnable[_Carrier, _Carrier] = RunnableLambda(steps[0])
    for step in steps[1:]:
        chain = chain | RunnableLambda(step)
    for _ in range(50):
        chain.invoke(_Carrier(), config={"run_name": "turn"})
    start = time.perf_counter()
    for _ in range(turns):
        chain.invoke(_Carrier(), config={"run_name": "turn"})
    wrapped = (time.perf_counter() - start) / turns * 1000
    start = time.perf_counter()
    for _ in range(turns):
        carrier = _Carrier()
        for step in steps:
            carrier = step(carrier)
    plain = (time.perf_counter() - start) / turns * 1000
    return wrapped, plain


def run(*, rounds: int = 3, kb_dir: Path = SAMPLE_KB) -> BenchResult:
    from core.settings import Settings
    from core.wiring import build_services
    from privacy import generate_key

    data = Path(tempfile.mkdtemp(prefix="bench-turn-"))
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data, vault_key=generate_key(), kb_dir=kb_dir, environment="test"
    )
    services = build_services(settings)
    services.knowledge.ingest_folder(kb_dir)
    conv, agent = services.conversations, services.agent
    timings: dict[str, list[float]] = {name: [] for name in STEPS}

    def timed(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        value = fn(*args)
        timings[name].append((time.perf_counter() - start) * 1000)
        return value

    for question in QUESTIONS:  # warm-up: models loaded, caches filled
        conv.handle(IncomingMessage(text=question, sender_id="warm-up"))
    for key in timings:
        timings[key].clear()
    for r in range(rounds):
        for i, question in enumerate(QUESTIONS):
            message = IncomingMessage(text=question, sender_id=f"bench-{r}-{i}")
            ref = conv.pseudonymizer.customer_ref(message.channel, message.sender_id)
            cid = timed("open", conv._open, message, ref)
            red = timed("redact", agent.redact, message.text, cid)
            ctx, mid = timed("store_message", conv._store_customer_message, cid, message, ref, red)
            # The steps of `Agent.run` (a fresh conversation: no offer to follow), one timer each.
            terms = agent.terms.current()
            vectors = QueryVectors(agent.knowledge.embedder)  # the turn's one embedding, shared below
            question = timed("understand", agent.understand, ctx, red, terms, vectors)
            timed("embed", vectors, question.text)
            c = timed("classify", agent.classifier.classify, question.text, vectors)
            route = timed("route", agent.route, ctx, question, c, vectors)
            route = timed("retrieve", agent.retrieve, ctx, question, c, route, terms, vectors)
            route = timed("check_scope", agent.check_scope, question, c, route, terms)
            route, answer = timed("respond", agent.respond, ctx, question, route)
            timed("hand_off", agent.hand_off, ctx, question, c, route, vectors)
            timed("reply", agent.reply, ctx, question, c, route, answer)
            outcome = agent.run(ctx, red)  # the same decisions, to store them as the service does
            timed("store_outcome", conv._store_outcome, ctx, mid, outcome)
    services.close()
    wrapped, plain = wrapper_overhead_ms()
    rows = [[name, f"{statistics.median(v):.2f}", f"{max(v):.2f}"] for name, v in timings.items() if v]
    total = sum(statistics.median(v) for v in timings.values() if v)
    rows.append(["total (sum of medians)", f"{total:.2f}", ""])
    return BenchResult(
        name="turn_profile",
        title="One warm turn, per step",
        tables=[
            Table(["step", "median ms", "max ms"], rows, f"{rounds} rounds × {len(QUESTIONS)} questions"),
            Table(
                ["shape", "ms per turn"],
                [
                    ["before: 8 RunnableLambda steps chained, invoke(run config)", f"{wrapped:.3f}"],
                    ["after: 8 plain function calls", f"{plain:.4f}"],
                ],
                "wrapper alone (steps that do nothing), 2,000 turns",
            ),
        ],
        baseline=f"the old runnable chain costs {wrapped:.3f} ms per turn of pure wrapping; "
        f"plain calls {plain:.4f} ms ({wrapped / max(plain, 1e-9):.0f}×)",
        metrics={
            "steps_ms": {k: statistics.median(v) for k, v in timings.items() if v},
            "wrapper_ms": wrapped,
            "plain_ms": plain,
        },
    )
