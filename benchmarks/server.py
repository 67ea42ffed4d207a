"""A real uvicorn server in a subprocess on loopback: embedded defaults, a temporary DATA_DIR."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KB = REPO_ROOT / "knowledge" / "sample"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    """Resident memory of a process from /proc (VmRSS now, VmHWM the peak), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for pid {pid}")


class Server:
    """`with Server(kb_dir) as server:` starts `uvicorn api.app:app`, waits for /healthz, stops it after.

    The working directory is the temporary data directory, so no `.env` file of the checkout is read;
    the lifespan ingests `kb_dir` into the empty store before the first request is served.
    """

    def __init__(self, kb_dir: Path = SAMPLE_KB, start_timeout_s: float = 600.0, workers: int = 1) -> None:
        """`workers` > 1: one worker seeds the data directory first (the catalog is seeded on an empty
        database only), then `uvicorn --workers N` serves from it (SQLite and embedded Chroma shared;
        the benchmark only reads the knowledge, so no Chroma server is needed)."""
        self.kb_dir = kb_dir
        self.workers = workers
        self.start_timeout_s = start_timeout_s
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-server-")
        self.data_dir = Path(self._tmp.name)
        self._log = (self.data_dir / "server.log").open("w+b")
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_s = 0.0

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("server not started")
        return self.process.pid

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "RATE_LIMITS": "false",  # the load comes from one loopback address on purpose
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(
                os.pathsep
            ),
            "ENVIRONMENT": "development",
            "DATA_DIR": str(self.data_dir / "data"),
            "KB_DIR": str(self.kb_dir),
            "LLM_BACKEND": "extractive",
            "OMP_WAIT_POLICY": "PASSIVE",
        }
        for name in (
            "DATABASE_URL",
            "CHROMA_URL",
            "CHROMA_PATH",
            "VAULT_KEY",
            "EMBEDDER",
            "EMBEDDER_MODEL_PATH",
        ):
            env.pop(name, None)
        started = time.perf_counter()
        if self.workers > 1:
            self._launch(env, 1)
            self._ready_or_stop()
            self._terminate()
        self._launch(env, self.workers)
        self._ready_or_stop()
        self.startup_s = time.perf_counter() - started
        return self

    def _launch(self, env: dict[str, str], workers: int) -> None:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *(["--workers", str(workers)] if workers > 1 else []),
        ]
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"],
            cwd=self.data_dir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def _ready_or_stop(self) -> None:
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        with httpx.Client(timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_tail()}")
                try:
                    if client.get(f"{self.url}/healthz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        raise TimeoutError(f"server not ready after {self.start_timeout_s:.0f} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-chars:]

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        self._terminate()
        self._log.close()
        self._tmp.cleanup()
