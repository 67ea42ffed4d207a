"""The 微信客服 callback path: answer WeCom at once, pull in the background.

WeCom waits only a few seconds for the callback's answer and retries otherwise, so the endpoint does
the cheap part (signature, decryption, parsing) and queues the event; one worker thread pulls. Several
callbacks for the same kf account while a pull is queued collapse into one (the newest token wins).

A failed pull never loses a message: the cursor only moves after items are handled. An outage is
retried with backoff; a refusal (an `errcode`) waits for the next callback. Counters feed the console
and metrics.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from channels.wecom.client import WeComApiError
from channels.wecom.crypto import CallbackCrypto
from channels.wecom.inbound import KfCallbackEvent, KfInbox, parse_callback

log = logging.getLogger(__name__)


@dataclass
class KfStats:
    callbacks: int = 0
    pulls: int = 0
    items: int = 0
    retries: int = 0
    failures: int = 0
    last_error: str | None = None
    last_error_at: float | None = None


class KfCallbackWorker:
    def __init__(
        self,
        crypto: CallbackCrypto,
        inbox: KfInbox,
        *,
        max_attempts: int = 5,
        backoff_base_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._crypto = crypto
        self._inbox = inbox
        self._max_attempts = max_attempts
        self._backoff_base_s = backoff_base_s
        self._sleep = sleep
        self._clock = clock
        self._pending: dict[str, KfCallbackEvent] = {}
        self._busy = False
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.stats = KfStats()

    @property
    def queued(self) -> int:
        """Kf accounts waiting for a pull."""
        with self._cond:
            return len(self._pending)

    # -- the endpoint's side (fast) -------------------------------------------------------------------

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        return self._crypto.verify_url(msg_signature, timestamp, nonce, echostr)

    def receive(self, body: bytes | str, msg_signature: str, timestamp: str, nonce: str) -> bool:
        """Check and queue one callback; raises `CallbackError` (→ 4xx) for a forged or foreign one."""
        plaintext = self._crypto.decrypt(body, msg_signature, timestamp, nonce)
        event = parse_callback(plaintext)
        if event is None:
            return False
        with self._cond:
            self.stats.callbacks += 1
            self._pending[event.open_kfid] = event
            self._cond.notify()
        return True

    # -- the worker ------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="wecom-kf-pull", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is queued or being pulled (tests, graceful shutdown)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def run_once(self) -> bool:
        """Pull for one queued event in the calling thread; False when nothing was queued."""
        with self._cond:
            if not self._pending:
                return False
            _, event = self._pending.popitem()
            self._busy = True
        try:
            self._pull_with_retries(event)
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
        return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
            self.run_once()

    def _pull_with_retries(self, event: KfCallbackEvent) -> None:
        for attempt in range(self._max_attempts):
            if attempt:
                self.stats.retries += 1
                self._sleep(min(60.0, self._backoff_base_s * 2 ** (attempt - 1)))
            try:
                self.stats.items += self._inbox.pull(event)
                self.stats.pulls += 1
                return
            except WeComApiError as exc:
                self._failed(exc)
                return  # refused: the next callback pulls again from the stored cursor
            except Exception as exc:  # outage or a handler fault: nothing was lost, try again
                self._failed(exc)
        log.error(
            "wecom kf: pull for an account failed %d times; waiting for the next callback", self._max_attempts
        )

    def _failed(self, exc: Exception) -> None:
        self.stats.failures += 1
        self.stats.last_error = f"{type(exc).__name__}: {exc}"
        self.stats.last_error_at = self._clock()
        log.warning("wecom kf: pull failed (%s)", self.stats.last_error)
