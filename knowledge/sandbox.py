"""Parse an upload in a separate, short-lived process with time and memory limits.

Parsing untrusted PDF/DOCX/HTML/YAML is CPU- and memory-hungry in ways no byte limit predicts (a 20 kB
DOCX with 200,000 paragraphs, a 553-byte YAML alias bomb). In the server's own process that freezes the
event loop or exhausts memory for every customer. Here each parse runs in a child process that:

- imports only the parsers (not chromadb or the models), so it starts in a fraction of a second;
- gets `RLIMIT_AS` (memory), `RLIMIT_CPU` and a wall-clock timeout, and is killed past them;
- sees no environment (no keys, no database URL) and answers with JSON (never pickle) on stdout.

A refused file comes back as the same `UploadError` the in-process parser raises (`file_too_complex`
when a limit stops it); `parser_busy` when too many parses already run. Blocking: call it from a
worker thread (`run_in_threadpool`), never on the event loop.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from knowledge.errors import LimitExceeded
from knowledge.loaders import Document
from knowledge.parsers import DEFAULT_LIMITS, ParseLimits, UploadError, UploadMeta, parse_upload

log = logging.getLogger(__name__)
T = TypeVar("T")

_ROOT = Path(__file__).resolve().parent.parent
# The child imports `knowledge.sandbox` without running `knowledge/__init__.py` (which loads chromadb
# and the embedders, ~2 s and hundreds of MB): a bare package object with the right __path__ stands in.
_BOOT = (
    "import sys, types\n"
    "pkg = types.ModuleType('knowledge'); pkg.__path__ = [sys.argv[1] + '/knowledge']\n"
    "sys.modules['knowledge'] = pkg\n"
    "from knowledge.sandbox import child_main\n"
    "child_main()\n"
)


@dataclass(frozen=True)
class SandboxLimits:
    """Per-parse process limits, and how many parses may run at once (the rest wait, then get busy)."""

    timeout_s: float = 30.0
    memory_bytes: int = 1024 * 1024 * 1024
    max_concurrent: int = 2
    queue_wait_s: float = 10.0
    content: ParseLimits = field(default_factory=lambda: DEFAULT_LIMITS)


class ParserSandbox:
    """Runs `parse_upload` in child processes; `close()` kills any still running (fast shutdown)."""

    def __init__(self, limits: SandboxLimits | None = None) -> None:
        self.limits = limits or SandboxLimits()
        self._slots = threading.BoundedSemaphore(self.limits.max_concurrent)
        self._running: set[subprocess.Popen[bytes]] = set()
        self._lock = threading.Lock()
        self._closed = False

    def parse(self, filename: str, data: bytes, meta: UploadMeta | None = None) -> list[Document]:
        """The documents in the file, or the `UploadError` the parser (or a limit) raised."""
        name = Path(filename).name
        if not self._slots.acquire(timeout=self.limits.queue_wait_s):
            raise UploadError("parser_busy", name, "too many uploads are being parsed; try again shortly")
        try:
            out, returncode = self._run(name, _request(name, data, meta or UploadMeta(), self.limits))
        finally:
            self._slots.release()
        return _answer(name, out, returncode, self.limits)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            running = list(self._running)
        for proc in running:
            _kill(proc)

    def _run(self, name: str, request: bytes) -> tuple[bytes, int]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}
        with self._lock:
            if self._closed:
                raise UploadError("parser_busy", name, "the server is shutting down")
            proc = subprocess.Popen(
                [sys.executable, "-E", "-c", _BOOT, str(_ROOT)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=str(_ROOT),
                start_new_session=True,
            )
            self._running.add(proc)
        try:
            out, err = proc.communicate(request, timeout=self.limits.timeout_s)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise UploadError(
                LimitExceeded.code, name, f"parsing took longer than {self.limits.timeout_s:g} s"
            ) from None
        finally:
            with self._lock:
                self._running.discard(proc)
        if err:
            log.warning("upload parser wrote %d bytes to stderr (exit %s)", len(err), proc.returncode)
        return out, proc.returncode


def _request(name: str, data: bytes, meta: UploadMeta, limits: SandboxLimits) -> bytes:
    header = {
        "filename": name,
        "meta": asdict(meta),
        "limits": asdict(limits.content),
        "memory_bytes": limits.memory_bytes,
        "cpu_s": int(limits.timeout_s) + 1,
    }
    return json.dumps(header).encode() + b"\n" + data


def _answer(name: str, out: bytes, returncode: int, limits: SandboxLimits) -> list[Document]:
    try:
        answer: dict[str, Any] = json.loads(out) if out else {}
    except ValueError:
        answer = {}
    if answer.get("ok") is True:
        return [_document(item) for item in answer["documents"]]
    if "code" in answer:
        raise UploadError(str(answer["code"]), name, str(answer.get("problem", "")))
    if returncode < 0:  # killed by a signal: the CPU limit, or memory exhausted inside a C library
        sig = signal.Signals(-returncode).name
        mib = limits.memory_bytes // (1024 * 1024)
        raise UploadError(LimitExceeded.code, name, f"parsing was stopped ({sig}; limits {mib} MiB, CPU)")
    raise UploadError("unreadable_file", name, f"the file could not be parsed (parser exit {returncode})")


def _document(item: dict[str, Any]) -> Document:
    return _rebuild(Document, item)


def _rebuild(cls: type[T], data: dict[str, Any]) -> T:
    """A dataclass back from `asdict` JSON: tuples and nested dataclasses restored from their field types
    (so a field added to `Document` later travels without changes here)."""
    hints = get_type_hints(cls)
    values = {f.name: _convert(hints[f.name], data[f.name]) for f in fields(cls) if f.name in data}  # type: ignore[arg-type]
    return cls(**values)


def _convert(hint: Any, value: Any) -> Any:
    origin, args = get_origin(hint), get_args(hint)
    if value is None:
        return None
    if isinstance(hint, type) and is_dataclass(hint):
        return _rebuild(hint, value)
    if origin is tuple:
        item = args[0] if args else Any
        return tuple(_convert(item, v) for v in value)
    if origin is dict and len(args) == 2:
        return {k: _convert(args[1], v) for k, v in value.items()}
    if origin in (Union, UnionType):
        for arg in args:
            if isinstance(arg, type) and is_dataclass(arg) and isinstance(value, dict):
                return _rebuild(arg, value)
    return value


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    try:
        proc.communicate(timeout=5)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


# --- the child side -----------------------------------------------------------------------------------


def child_main() -> None:
    """Read `header JSON line + file bytes` on stdin, parse under limits, write one JSON answer."""
    header = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    _limit_resources(int(header["memory_bytes"]), int(header["cpu_s"]))
    meta_fields = dict(header["meta"])
    meta_fields["tags"] = tuple(meta_fields["tags"])
    answer = _child_parse(
        header["filename"], data, UploadMeta(**meta_fields), ParseLimits(**header["limits"])
    )
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()


def _child_parse(filename: str, data: bytes, meta: UploadMeta, limits: ParseLimits) -> dict[str, Any]:
    # The answer is built after the except block, once the traceback (and what it holds) is released.
    code, problem = "", ""
    try:
        documents = parse_upload(filename, data, meta, limits)
        return {"ok": True, "documents": [asdict(doc) for doc in documents]}
    except UploadError as exc:
        code, problem = exc.code, exc.problem
    except MemoryError:
        code, problem = LimitExceeded.code, "parsing needs more memory than uploads are allowed"
    except RecursionError:
        code, problem = LimitExceeded.code, "the file is nested too deeply"
    except Exception as exc:  # noqa: BLE001 - any parser crash on hostile input is the file's problem
        code, problem = "unreadable_file", f"the file could not be parsed ({type(exc).__name__})"
    return {"ok": False, "code": code, "problem": problem}


def _limit_resources(memory_bytes: int, cpu_s: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
