"""Real servers for tests, on loopback and free ports: PostgreSQL, Redis, a Chroma server, uvicorn workers.

Each `Server` starts one process in the foreground (so a test can kill it mid-run with `kill()` and bring
it back with `start()`), waits until it answers, and stops it at the end. Nothing is installed here:
`scripts/test` installs Debian's `postgresql` and `redis-server`; a test whose binary is missing skips.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


class ServerError(RuntimeError):
    pass


class Server:
    """One foreground server process; `ready()` says when it answers."""

    name = "server"
    start_timeout_s = 30.0

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"{self.name}-{self.port}.log"

    # subclasses say how to run and probe the server
    def argv(self) -> Sequence[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str] | None:
        return None

    def user(self) -> str | None:
        return None

    def ready(self) -> bool:
        return port_open(self.port)

    def start(self) -> None:
        if self.running:
            return
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                list(self.argv()),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env(),
                user=self.user(),
                cwd=self.workdir,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        self.stop()
        waited = f"{self.start_timeout_s:.0f} s"
        raise ServerError(f"{self.name} did not answer within {waited}:\n{self.log_tail()}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL to the server and its children, as a crash or an operator's `kill -9` would."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only its processes
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PostgresServer(Server):
    """A throw-away cluster (initdb, trust auth on loopback, fsync off) with a `bankcs` database.
    As root it runs as the `postgres` system user (PostgreSQL refuses root)."""

    name = "postgres"
    database = "bankcs"
    role = "bankcs"

    def __init__(self, port: int | None = None) -> None:
        # Under /tmp itself: pytest's own tmp dirs are private to the user running the tests.
        workdir = Path(tempfile.mkdtemp(prefix="bankcs-pg-"))
        super().__init__(workdir, port)
        self.data = workdir / "data"
        self._user = "postgres" if os.geteuid() == 0 else None
        if self._user:
            entry = pwd.getpwnam(self._user)
            os.chown(workdir, entry.pw_uid, entry.pw_gid)
        initdb = _postgres_bin("initdb")
        if initdb is None:
            raise ServerError("initdb not found (apt-get install postgresql)")
        subprocess.run(
            [initdb, "-D", str(self.data), "-U", self.role, "--auth=trust", "-E", "UTF8", "--locale=C",
             "--no-sync"],
            check=True,
            capture_output=True,
            user=self._user,
            cwd=workdir,
        )
        self._created = False

    @staticmethod
    def available() -> bool:
        return _postgres_bin("initdb") is not None and _postgres_bin("postgres") is not None

    def argv(self) -> Sequence[str]:
        return [
            _postgres_bin("postgres") or "postgres", "-D", str(self.data), "-p", str(self.port),
            "-k", str(self.workdir), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "full_page_writes=off", "-c", "shared_buffers=32MB",
            "-c", "max_connections=60",
        ]  # fmt: skip

    def user(self) -> str | None:
        return self._user

    def ready(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.dsn("postgres"), connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def start(self) -> None:
        super().start()
        if not self._created:
            import psycopg

            with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {self.database}")
            self._created = True

    def stop(self, sig: int = signal.SIGINT, timeout_s: float = 15.0) -> None:
        super().stop(sig, timeout_s)  # SIGINT: PostgreSQL's "fast" shutdown (SIGTERM waits for clients)

    def dsn(self, database: str | None = None) -> str:
        return f"postgresql://{self.role}@127.0.0.1:{self.port}/{database or self.database}"

    @property
    def url(self) -> str:
        """For SQLAlchemy (psycopg 3 driver)."""
        return f"postgresql+psycopg://{self.role}@127.0.0.1:{self.port}/{self.database}"

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class RedisServer(Server):
    name = "redis"

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def argv(self) -> Sequence[str]:
        return [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.workdir), "--protected-mode", "yes",
        ]  # fmt: skip

    def ready(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class ChromaServer(Server):
    name = "chroma"
    start_timeout_s = 60.0

    @staticmethod
    def available() -> bool:
        return shutil.which("chroma") is not None

    def argv(self) -> Sequence[str]:
        chroma = shutil.which("chroma") or "chroma"
        db = str(self.workdir / "db")
        return [chroma, "run", "--path", db, "--host", "127.0.0.1", "--port", str(self.port)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class UvicornWorker(Server):
    """`uvicorn api.app:app` with `environ` (DATA_DIR, DATABASE_URL, VAULT_KEY, …), ready at /healthz."""

    name = "uvicorn"
    start_timeout_s = 420.0  # loads the embedding model and the recognizers (slow on a busy machine)

    def __init__(self, workdir: Path, environ: dict[str, str], port: int | None = None) -> None:
        super().__init__(workdir, port)
        self.environ = environ

    def argv(self) -> Sequence[str]:
        return [
            sys.executable, "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(self.port),
            "--no-access-log", "--timeout-graceful-shutdown", "5",
        ]  # fmt: skip

    def env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "HF_HOME", "OMP_WAIT_POLICY")
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update({"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "ENVIRONMENT": "test"})
        env.update(self.environ)
        return env

    def ready(self) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
