"""External-group messages from WeCom's chat archive (会话内容存档), redacted before anything else.

WeCom gives no API that pushes external-group text to a bot. The only source is the chat archive: a
paid feature, with each customer's consent, pulled in batches through the vendor's C/Java SDK
(`GetChatData` → RSA-wrapped keys → `DecryptData`). Banks run that SDK where their security team
allows; this module takes its output through a small `ArchiveFeed` interface:

- `JsonlArchiveFeed` reads the decrypted messages as JSON Lines (one SDK message object per line plus
  its `seq`): what a bank's archive exporter writes, and what tests use.
- A bank with the SDK installed implements `ArchiveFeed.fetch(after_seq, limit)` by calling
  `GetChatData(sdk, after_seq, limit, …)`, unwrapping each `encrypt_random_key` with its RSA private key
  (PKCS#1 v1.5, by `publickey_ver`), calling `DecryptData`, and returning the JSON objects — the same
  shape this module parses (README, "Connecting WeCom").

`RedactingArchiveReader` is the only way the rest of the app reads the feed: it parses, keeps group
text messages, and replaces personal data with vault placeholders before returning anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from privacy.redactor import Redaction

_MENTION = re.compile(r"@([^\s@\u2005]+)")  # WeCom separates an @name from the text with U+2005


def mentions_in(text: str) -> tuple[str, ...]:
    return tuple(_MENTION.findall(text))


class ArchiveFeed(Protocol):
    """Decrypted archive messages (the SDK's JSON objects, each with its `seq`), oldest first."""

    def fetch(self, after_seq: int, limit: int = 100) -> list[dict[str, Any]]: ...


class TextRedactor(Protocol):
    def redact(self, text: str, conversation_id: str) -> Redaction: ...


class JsonlArchiveFeed:
    """Reads `*.jsonl` files in a folder (one decrypted archive message per line), ordered by seq."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def fetch(self, after_seq: int, limit: int = 100) -> list[dict[str, Any]]:
        newer = (entry for entry in self._entries() if int(entry["seq"]) > after_seq)
        return sorted(newer, key=lambda entry: int(entry["seq"]))[:limit]

    def _entries(self) -> Iterator[dict[str, Any]]:
        for path in sorted(self._folder.glob("*.jsonl")):
            with path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, 1):
                    if not line.strip():
                        continue
                    entry = json.loads(line)
                    if not isinstance(entry, dict) or "seq" not in entry or "msgid" not in entry:
                        raise ValueError(f"{path.name}:{number}: not an archive message with seq and msgid")
                    yield entry


@dataclass(frozen=True)
class GroupMessage:
    """A text message in an external group, personal data already replaced by placeholders."""

    seq: int
    msgid: str
    chat_id: str  # the archive's roomid
    sender: str  # a staff userid or a customer's external_userid (wm…/wo…)
    sent_at: datetime
    text: str  # redacted
    mentions: tuple[str, ...]
    pii_types: frozenset[str]

    @property
    def from_customer(self) -> bool:
        return self.sender.startswith(("wm", "wo"))


def group_conversation_id(chat_id: str) -> str:
    """The vault scope for one group's placeholders."""
    return f"wecom-group:{chat_id}"


class RedactingArchiveReader:
    """Pages through the feed after a cursor; returns redacted group text messages and the new cursor."""

    def __init__(self, feed: ArchiveFeed, redactor: TextRedactor) -> None:
        self._feed = feed
        self._redactor = redactor

    def read(self, after_seq: int, limit: int = 100) -> tuple[list[GroupMessage], int]:
        entries = self._feed.fetch(after_seq, limit)
        cursor = max((int(e["seq"]) for e in entries), default=after_seq)
        return [m for m in (self._message(e) for e in entries) if m is not None], cursor

    def _message(self, entry: dict[str, Any]) -> GroupMessage | None:
        roomid = str(entry.get("roomid") or "")
        if not roomid or entry.get("action", "send") != "send" or entry.get("msgtype") != "text":
            return None  # one-to-one chats, recalls and non-text are not the group copilot's business
        raw = str((entry.get("text") or {}).get("content", ""))
        redaction = self._redactor.redact(raw, group_conversation_id(roomid))
        return GroupMessage(
            seq=int(entry["seq"]),
            msgid=str(entry["msgid"]),
            chat_id=roomid,
            sender=str(entry.get("from", "")),
            sent_at=datetime.fromtimestamp(int(entry.get("msgtime", 0)) / 1000, tz=UTC),
            text=redaction.text,
            mentions=tuple(_MENTION.findall(redaction.text)),  # a mentioned name is PII too
            pii_types=redaction.found_types,
        )
