"""A background loop that runs one step every `interval_s`: the app's one scheduler (the copilot, upload
jobs, SLA alerts and KB validity dates, the WeCom reply retries and group jobs).

A step that raises is logged and the loop goes on: a background job never dies of one bad row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class PeriodicWorker:
    def __init__(
        self, name: str, step: Callable[[], object], interval_s: float, *, wait_first: bool = False
    ) -> None:
        """`wait_first`: the first step runs after one interval, not at start (nothing is due yet)."""
        self.name = name
        self._step = step
        self._interval_s = interval_s
        self._wait_first = wait_first
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0
        self.failures = 0

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        if self._wait_first:
            self._stop.wait(self._interval_s)
        while not self._stop.is_set():
            try:
                self._step()
                self.runs += 1
            except Exception:
                self.failures += 1
                log.exception("%s: a background step failed; trying again next time", self.name)
            self._stop.wait(self._interval_s)
