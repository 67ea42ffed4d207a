"""Load over real HTTP: N widget customers chatting for a while across one or more workers, optionally
while an editor uploads a large document; every message sent must be stored, and nothing may be a 5xx.

    python -m benchmarks.load --url http://127.0.0.1:8001 --url http://127.0.0.1:8002 \\
        --customers 64 --duration 300 --upload big.html --editor editor:password

Or let it start the deployment itself, as the tests do (tests/processes.py: a throw-away PostgreSQL,
Redis and Chroma server on loopback, two uvicorn workers), and upload a generated document of N MB:

    python -m benchmarks.load --start postgres --customers 64 --duration 120 --upload-mb 5
    python -m benchmarks.load --start sqlite ...     # the embedded defaults shared by the two workers

The started workers run with RATE_LIMITS=false: every simulated customer comes from 127.0.0.1, and the
per-IP limits would refuse them as one abusive address.

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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    sent: int = 0  # messages posted, whatever the answer
    acknowledged: dict[str, int] = field(default_factory=dict)  # widget token → messages stored (2xx)

    refusals: dict[str, int] = field(default_factory=dict)  # "503 database_unavailable" → count

    def count(self, status: int, body: bytes = b"") -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 400:
            try:
                code = json.loads(body)["error"]["code"]
            except (ValueError, KeyError, TypeError):
                code = "?"
            key = f"{status} {code}"
            self.refusals[key] = self.refusals.get(key, 0) + 1


async def _customer(client: httpx.AsyncClient, base: str, until: float, think_s: float, tally: Tally) -> None:
    r = await client.post(f"{base}/v1/widget/sessions", json={})
    tally.count(r.status_code, r.content)
    if r.status_code != 201:
        return
    token = r.json()["token"]
    tally.acknowledged[token] = 0
    headers = {"x-widget-token": token}
    while time.monotonic() < until:
        started = time.perf_counter()
        tally.sent += 1
        try:
            async with client.stream(
                "POST", f"{base}/v1/widget/messages", json={"text": random.choice(QUESTIONS)}, headers=headers
            ) as response:
                body = await response.aread()
                tally.count(response.status_code, body)
                if response.status_code == 200:
                    tally.acknowledged[token] += 1
                    tally.latencies.append(time.perf_counter() - started)
        except httpx.HTTPError:
            tally.errors += 1
        await asyncio.sleep(random.uniform(0, 2 * think_s))


async def _editor(base: str, credentials: str, upload: Path, delay_s: float, until: float) -> str:
    """Uploads 5 s into the run and follows the job until it ends or the run does (then its progress)."""
    await asyncio.sleep(delay_s)
    user, _, password = credentials.partition(":")
    async with httpx.AsyncClient(timeout=120) as client:
        login = await client.post(f"{base}/v1/auth/login", json={"username": user, "password": password})
        if login.status_code != 200:
            return f"editor sign-in refused: {login.status_code} {login.text[:200]}"
        auth = {"authorization": f"Bearer {login.json()['token']}"}
        started = time.perf_counter()
        r = await client.post(
            f"{base}/v1/kb/uploads", files={"file": (upload.name, upload.read_bytes())}, headers=auth
        )
        if r.status_code != 202:
            return f"upload refused: {r.status_code} {r.text[:200]}"
        job = r.json()
        while job["status"] not in ("done", "failed") and time.monotonic() < until:
            await asyncio.sleep(1)
            job = (await client.get(f"{base}/v1/kb/jobs/{job['id']}", headers=auth)).json()
        took = time.perf_counter() - started
        size = f"{upload.stat().st_size / 1e6:.1f} MB"
        return f"upload of {size} {job['status']} ({job['done']}/{job['total']} documents) after {took:.0f} s"


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
        editor = [_editor(args.url[0], args.editor, Path(args.upload), 5, until)] if args.upload else []
        results = await asyncio.gather(*customers, *editor)
        lost = await _stored(client, args.url, tally)
    lat = sorted(tally.latencies)

    def pct(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 1) if lat else float("nan")

    return {
        "customers": args.customers,
        "workers": len(args.url),
        "duration_s": args.duration,
        "sent": tally.sent,
        "turns": len(lat),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "status_counts": dict(sorted(tally.statuses.items())),
        "refusals": dict(sorted(tally.refusals.items())),
        "server_errors": sum(n for s, n in tally.statuses.items() if s >= 500),
        "transport_errors": tally.errors,
        "lost_messages": lost,
        "upload": [r for r in results if isinstance(r, str)],
    }


def write_document(path: Path, megabytes: float, seed: int = 7) -> Path:
    """A Markdown article of `megabytes` of bank-word Chinese text under many headings (as a long
    policy manual would be), written by benchmarks.synthetic's generator."""
    from benchmarks.synthetic import chunk_text

    rng = random.Random(seed)
    front = "---\nid: load-handbook\ntitle: 青禾银行业务手册（压力测试用合成文本）\ncategory: policy\n---\n"
    parts = [front, "# 青禾银行业务手册（压力测试用合成文本）\n"]
    size, section = 0, 0
    while size < megabytes * 1_000_000:
        section += 1
        part = f"\n## 第{section}节\n\n" + "\n\n".join(chunk_text(rng, 120) for _ in range(4)) + "\n"
        parts.append(part)
        size += len(part.encode("utf-8"))
    path.write_text("".join(parts), encoding="utf-8")
    return path


@contextmanager
def started_deployment(
    backend: str, workdir: Path, editor: str, logs: Path | None = None
) -> Iterator[list[str]]:
    """Two uvicorn workers over a throw-away PostgreSQL (or a shared SQLite file), Redis and a Chroma
    server on loopback, started as the tests start them; an editor account; stopped at the end."""
    from privacy import generate_key
    from tests.processes import ChromaServer, PostgresServer, RedisServer, UvicornWorker

    servers: list[Any] = []
    try:
        redis, chroma = RedisServer(workdir), ChromaServer(workdir)
        servers += [redis, chroma]
        environ = {
            "REDIS_URL": redis.url, "CHROMA_URL": chroma.url, "VAULT_KEY": generate_key(),
            "DATA_DIR": str(workdir / "data"), "RATE_LIMITS": "false", "COPILOT_INTERVAL_S": "0",
        }  # fmt: skip
        if backend == "postgres":
            postgres = PostgresServer()
            servers.append(postgres)
            environ["DATABASE_URL"] = postgres.url
        for server in servers:
            server.start()
        workers = [UvicornWorker(workdir, environ), UvicornWorker(workdir, environ)]
        servers += workers
        for worker in workers:  # one at a time: the first migrates and seeds the knowledge base
            began = time.perf_counter()
            worker.start()
            print(f"worker {worker.url} ready in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        user, _, password = editor.partition(":")
        subprocess.run(
            [sys.executable, "-m", "core", "create-user", user, "--role", "editor", "--password-env", "PW"],
            env={**workers[0].env(), "PW": password}, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        yield [w.url for w in workers]
    finally:
        for server in reversed(servers):
            server.remove() if isinstance(server, PostgresServer) else server.stop()
        if logs is not None:  # the servers' logs outlive the temporary directory
            logs.mkdir(parents=True, exist_ok=True)
            for log in workdir.glob("*.log"):
                shutil.copy(log, logs / log.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append", default=[], help="a worker's base URL (repeat)")
    parser.add_argument("--start", choices=("postgres", "sqlite"), help="start two workers on this backend")
    parser.add_argument("--logs", type=Path, help="with --start: copy the servers' logs here at the end")
    parser.add_argument("--upload-mb", type=float, help="generate and upload a document of this size")
    parser.add_argument("--customers", type=int, default=64)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a customer's messages")
    parser.add_argument("--upload", help="a file an editor uploads 5 s into the run")
    parser.add_argument("--editor", default="editor:editor-password", help="user:password of an editor")
    args = parser.parse_args(argv)
    if bool(args.url) == bool(args.start):
        parser.error("give the workers' --url, or --start to start them")
    with tempfile.TemporaryDirectory(prefix="bankcs-load-") as tmp:
        workdir = Path(tmp)
        if args.upload_mb:
            args.upload = str(write_document(workdir / "handbook.md", args.upload_mb))
        if args.start:
            with started_deployment(args.start, workdir, args.editor, args.logs) as urls:
                args.url = urls
                report = asyncio.run(run(args))
                report["backend"] = args.start
        else:
            report = asyncio.run(run(args))
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 1 if report["server_errors"] or report["lost_messages"] else 0


if __name__ == "__main__":
    sys.exit(main())
