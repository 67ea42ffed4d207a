"""Structured logs: one JSON object per line, never a customer's unredacted words.

Code logs ids, codes and counts, not message text. As a second line of defence every record passes a
scrubber that masks what personal data looks like in free text (long digit runs: ID, card, phone and
account numbers; e-mail addresses) — in the message, its arguments and any `extra` string fields.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

_DIGITS = re.compile(r"(?<![\w-])\+?\d[\d -]{4,}\d[\dXx]?(?![\w-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def scrub(text: str) -> str:
    """`text` with digit runs of 6+ characters and e-mail addresses masked."""
    text = _EMAIL.sub("<email>", text)
    return _DIGITS.sub(lambda m: "<digits>" if sum(c.isdigit() for c in m.group()) >= 6 else m.group(), text)


class ScrubFilter(logging.Filter):
    """Masks personal-data-like text in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, scrub(value))
        return True


class _Formatter(JsonFormatter):
    def add_fields(
        self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["level"] = record.levelname
        log_record["logger"] = record.name
        if record.exc_info and "exc_info" in log_record:
            log_record["exc_info"] = scrub(str(log_record["exc_info"]))


def configure_logging(level: str = "INFO", stream: Any = None) -> logging.Handler:
    """Send the root logger's records, scrubbed, as JSON lines to `stream` (stderr by default)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Formatter("{asctime}{message}", style="{", timestamp=True))
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_bankcs", False)]:
        root.removeHandler(old)
    handler._bankcs = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
