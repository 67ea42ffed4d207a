"""E-mail addresses, also when glued to Chinese text ("邮箱是zhang.wei@example.com谢谢")."""

from __future__ import annotations

from functools import lru_cache

import tldextract
from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

# ASCII-only classes so that the Chinese characters around an address are never part of it
# (Presidio's EmailRecognizer relies on `\b`, which does not fall between 是 and z).
_LOCAL = r"[A-Za-z0-9._%+\-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"


@lru_cache(maxsize=1)
def _tld_extract() -> tldextract.TLDExtract:
    """The bundled public-suffix snapshot: no download, no cache directory."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class CnEmailRecognizer(ContextPatternRecognizer):
    """Addresses whose domain ends in a known public suffix."""

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        Pattern(
            "email",
            rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,24}}",
            0.5,
        )
    ]
    CONTEXT = ["邮箱", "邮件", "电邮", "email", "e-mail", "mail"]

    def validate_result(self, pattern_text: str) -> bool:
        return bool(_tld_extract()(pattern_text.rsplit("@", 1)[1]).suffix)
