"""微信客服 inbound: callback event → `kf/sync_msg` pull → normalised messages and session events.

The callback carries no message, only "pull now" and a short-lived token. We page through `sync_msg`
from the cursor stored per kf account, claim each `msgid` (callbacks and pages are retried, so the same
message can arrive twice: it is handled once), hand each item to the caller's handler, and store the
cursor only after the page is handled. A handler that raises releases its claim and stops the pull: the
cursor is not advanced, so the next callback fetches the message again — never a lost customer message.
"""

from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from channels.wecom.client import KfApi

log = logging.getLogger(__name__)

KF_EVENT = "kf_msg_or_event"
MAX_PAGES_PER_PULL = 50  # a safety stop; WeCom keeps the rest for the next callback

# What a customer sees when they send something we cannot read yet (images, voice, files, …).
UNSUPPORTED_REPLY = (
    "抱歉，目前我只能阅读文字消息，暂时无法查看图片、语音或文件。请用文字描述您的问题，我会尽快为您解答。"
)


class Origin(StrEnum):
    """`origin` of a synced message: who wrote it."""

    CUSTOMER = "customer"  # 3: the WeChat customer
    SYSTEM = "system"  # 4: an event WeCom pushes
    SERVICER = "servicer"  # 5: a staff member replying from the WeCom client

    @classmethod
    def from_code(cls, code: object) -> Origin:
        return {3: cls.CUSTOMER, 4: cls.SYSTEM, 5: cls.SERVICER}.get(_int(code), cls.SYSTEM)


@dataclass(frozen=True)
class KfCallbackEvent:
    """The decrypted callback: pull with `token` for `open_kfid`."""

    token: str
    open_kfid: str
    create_time: int


@dataclass(frozen=True)
class KfMessage:
    """A message in a 微信客服 session. `text` is None for kinds we do not read (`msgtype` says which)."""

    msgid: str
    open_kfid: str
    external_userid: str
    origin: Origin
    msgtype: str
    text: str | None
    sent_at: datetime
    servicer_userid: str | None = None

    @property
    def supported(self) -> bool:
        return self.text is not None


@dataclass(frozen=True)
class KfSessionEvent:
    """A system event (`enter_session`, `session_status_change`, `msg_send_fail`, …)."""

    msgid: str
    open_kfid: str
    external_userid: str
    event_type: str
    sent_at: datetime
    code: str | None = None  # welcome_code or msg_code: lets us send one message tied to the event
    change_type: int | None = None  # session_status_change: 1 claimed, 2 transferred, 3 ended, 4 reopened
    servicer_userid: str | None = None  # the new servicer, when the event names one
    old_servicer_userid: str | None = None
    fail_msgid: str | None = None  # msg_send_fail: which of our messages did not arrive


KfItem = KfMessage | KfSessionEvent


class CursorStore(Protocol):
    """The `sync_msg` cursor per kf account (SQL-backed in production)."""

    def get(self, open_kfid: str) -> str | None: ...

    def set(self, open_kfid: str, cursor: str) -> None: ...


class SeenIdStore(Protocol):
    """Which `msgid`s were handled. `claim` is atomic: True for the one caller that may handle it."""

    def claim(self, msgid: str) -> bool: ...

    def release(self, msgid: str) -> None: ...


class InMemoryCursorStore:
    def __init__(self) -> None:
        self._cursors: dict[str, str] = {}

    def get(self, open_kfid: str) -> str | None:
        return self._cursors.get(open_kfid)

    def set(self, open_kfid: str, cursor: str) -> None:
        self._cursors[open_kfid] = cursor


class InMemorySeenIds:
    """Process-local dedup; fine for one worker and tests (the SQL store serves several)."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, msgid: str) -> bool:
        with self._lock:
            if msgid in self._seen:
                return False
            self._seen.add(msgid)
            return True

    def release(self, msgid: str) -> None:
        with self._lock:
            self._seen.discard(msgid)


def parse_callback(plaintext_xml: str) -> KfCallbackEvent | None:
    """The 微信客服 event in a decrypted callback, or None for any other event (ignored, still 200)."""
    root = ET.fromstring(plaintext_xml)
    if (root.findtext("Event") or "").strip() != KF_EVENT:
        return None
    token = (root.findtext("Token") or "").strip()
    open_kfid = (root.findtext("OpenKfId") or "").strip()
    if not token or not open_kfid:
        raise ValueError("kf_msg_or_event without Token or OpenKfId")
    return KfCallbackEvent(token=token, open_kfid=open_kfid, create_time=_int(root.findtext("CreateTime")))


def normalise(raw: dict[str, Any]) -> KfItem:
    """One `msg_list` entry as a `KfMessage` or a `KfSessionEvent`."""
    msgtype = str(raw.get("msgtype", ""))
    sent_at = datetime.fromtimestamp(_int(raw.get("send_time")), tz=UTC)
    if msgtype == "event":
        return _event(raw, sent_at)
    text = None
    if msgtype == "text":
        text = str((raw.get("text") or {}).get("content", ""))
    return KfMessage(
        msgid=str(raw["msgid"]),
        open_kfid=str(raw.get("open_kfid", "")),
        external_userid=str(raw.get("external_userid", "")),
        origin=Origin.from_code(raw.get("origin")),
        msgtype=msgtype,
        text=text,
        sent_at=sent_at,
        servicer_userid=raw.get("servicer_userid") or None,
    )


def _event(raw: dict[str, Any], sent_at: datetime) -> KfSessionEvent:
    event = raw.get("event") or {}
    change = event.get("change_type")
    return KfSessionEvent(
        msgid=str(raw["msgid"]),
        open_kfid=str(event.get("open_kfid") or raw.get("open_kfid", "")),
        external_userid=str(event.get("external_userid") or raw.get("external_userid", "")),
        event_type=str(event.get("event_type", "")),
        sent_at=sent_at,
        code=event.get("welcome_code") or event.get("msg_code") or None,
        change_type=_int(change) if change is not None else None,
        servicer_userid=event.get("new_servicer_userid") or event.get("servicer_userid") or None,
        old_servicer_userid=event.get("old_servicer_userid") or None,
        fail_msgid=event.get("fail_msgid") or None,
    )


class KfInbox:
    """Pulls, deduplicates and dispatches; replies to unsupported media itself (a channel concern)."""

    def __init__(
        self,
        api: KfApi,
        cursors: CursorStore,
        seen: SeenIdStore,
        handle: Callable[[KfItem], None],
        accounts: frozenset[str] | None = None,
    ) -> None:
        self._api = api
        self._cursors = cursors
        self._seen = seen
        self._handle = handle
        self._accounts = accounts
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def pull(self, event: KfCallbackEvent) -> int:
        """Fetch and handle everything new for the event's kf account; returns how many items were new."""
        if self._accounts is not None and event.open_kfid not in self._accounts:
            log.warning("wecom: callback for a kf account we do not serve; ignored")
            return 0
        with self._lock_for(event.open_kfid):  # one pull per account at a time keeps the cursor linear
            handled = 0
            cursor = self._cursors.get(event.open_kfid)
            for _ in range(MAX_PAGES_PER_PULL):
                page = self._api.sync_msg(open_kfid=event.open_kfid, token=event.token, cursor=cursor)
                handled += sum(self._dispatch(normalise(raw)) for raw in page.msg_list)
                cursor = page.next_cursor
                self._cursors.set(event.open_kfid, cursor)
                if not page.has_more:
                    break
            return handled

    def _dispatch(self, item: KfItem) -> bool:
        if not self._seen.claim(item.msgid):
            return False
        try:
            if isinstance(item, KfMessage) and item.origin is Origin.CUSTOMER and not item.supported:
                self._api.send_text(
                    open_kfid=item.open_kfid, external_userid=item.external_userid, content=UNSUPPORTED_REPLY
                )
            self._handle(item)
        except BaseException:
            self._seen.release(item.msgid)
            raise
        return True

    def _lock_for(self, open_kfid: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(open_kfid, threading.Lock())


def _int(value: object) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0
