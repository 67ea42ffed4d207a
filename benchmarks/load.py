"""Load over real HTTP: N widget customers chatting for a while across one or more workers, optionally
while an editor uploads a large document; every message sent must be stored, and nothing may be a 5xx.

    python -m benchmarks.load --url http://127.0.0.1:8001 --url http://127.0.0.1:8002 \\
        --customers 64 --duration 300 --upload big.html --editor editor:password

Customers are spread over the URLs round-robin (as a load balancer would); each sends a message, reads
the streamed reply to its end, waits a little and sends the next. At the end each customer's stored
conversation is read back and its customer messages counted against the ones acknowledged.
Prints p50/p95/p99 turn latency, 5xx and other errors, and lost messages; exits 1 on any 5xx or loss.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

QUESTIONS = (
    "信用卡年费怎么收？",
    "大额存单起存金额是多少",
    "手机银行转账限额",
    "借记卡丢了怎么办",
    "How do I report a lost card?",
    "房贷提前还款要手续费吗",
    "跨境汇款需要多久到账",
)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    acknowledged: dict[str, int] = field(default_factory=dict)  # widget token → messages stored (2xx)

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


async def _customer(client: httpx.AsyncClient, base: str, until: float, think_s: float, tally: Tally) -> None:
    r = await client.post(f"{base}/v1/widget/sessions", json={})
    tally.count(r.status_code)
    if r.status_code != 201:
        return
    token = r.json()["token"]
    tally.acknowledged[token] = 0
    headers = {"x-widget-token": token}
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            async with client.stream(
                "POST", f"{base}/v1/widget/messages", json={"text": random.choice(QUESTIONS)}, headers=headers
            ) as response:
                async for _ in response.aiter_lines():
                    pass
                tally.count(response.status_code)
                if response.status_code == 200:
                    tally.acknowledged[token] += 1
                    tally.latencies.append(time.perf_counter() - started)
        except httpx.HTTPError:
            tally.errors += 1
        await asyncio.sleep(random.uniform(0, 2 * think_s))


async def _editor(base: str, credentials: str, upload: Path, delay_s: float) -> str:
    await asyncio.sleep(delay_s)
    user, _, password = credentials.partition(":")
    async with httpx.AsyncClient(timeout=120) as client:
        login = await client.post(f"{base}/v1/auth/login", json={"username": user, "password": password})
        login.raise_for_status()
        auth = {"authorization": f"Bearer {login.json()['token']}"}
        started = time.perf_counter()
        r = await client.post(
            f"{base}/v1/kb/uploads", files={"file": (upload.name, upload.read_bytes())}, headers=auth
        )
        if r.status_code != 202:
            return f"upload refused: {r.status_code} {r.text[:200]}"
        job = r.json()
        while job["status"] not in ("done", "failed"):
            await asyncio.sleep(1)
            job = (await client.get(f"{base}/v1/kb/jobs/{job['id']}", headers=auth)).json()
        took = time.perf_counter() - started
        return f"upload {job['status']} ({job['done']}/{job['total']} documents) in {took:.0f} s"


async def _stored(client: httpx.AsyncClient, bases: list[str], tally: Tally) -> int:
    """Messages acknowledged but not found in the stored conversation."""
    lost = 0
    for i, (token, sent) in enumerate(tally.acknowledged.items()):
        r = await client.get(
            f"{bases[i % len(bases)]}/v1/widget/conversation", headers={"x-widget-token": token}
        )
        stored = sum(1 for m in r.json().get("messages", []) if m.get("role") == "customer")
        lost += max(0, sent - stored)
    return lost


async def run(args: argparse.Namespace) -> dict[str, object]:
    tally = Tally()
    until = time.monotonic() + args.duration
    limits = httpx.Limits(max_connections=args.customers + 8)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60), limits=limits) as client:
        customers = [
            _customer(client, args.url[i % len(args.url)], until, args.think, tally)
            for i in range(args.customers)
        ]
        editor = [_editor(args.url[0], args.editor, Path(args.upload), 5)] if args.upload else []
        results = await asyncio.gather(*customers, *editor)
        lost = await _stored(client, args.url, tally)
    lat = sorted(tally.latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else float("nan")

    return {
        "customers": args.customers,
        "workers": len(args.url),
        "duration_s": args.duration,
        "turns": len(lat),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "status_counts": dict(sorted(tally.statuses.items())),
        "server_errors": sum(n for s, n in tally.statuses.items() if s >= 500),
        "transport_errors": tally.errors,
        "lost_messages": lost,
        "upload": [r for r in results if isinstance(r, str)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", required=True, help="a worker's base URL (repeat)")
    parser.add_argument("--customers", type=int, default=64)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a customer's messages")
    parser.add_argument("--upload", help="a file an editor uploads 5 s into the run")
    parser.add_argument("--editor", default="editor:editor-password", help="user:password of an editor")
    args = parser.parse_args(argv)
    report = asyncio.run(run(args))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if report["server_errors"] or report["lost_messages"] else 0


if __name__ == "__main__":
    sys.exit(main())
