"""E-mail addresses, also glued to Chinese text ("邮箱是zhang.wei@example.com谢谢") and written
to dodge filters ("name at qq dot com", "name(at)163.com", "name [at] …", "…@qq。com")."""

from __future__ import annotations

from functools import lru_cache

import regex as re
import tldextract
from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

# ASCII-only classes so that the Chinese characters around an address are never part of it
# (Presidio's EmailRecognizer relies on `\b`, which does not fall between 是 and z).
_LOCAL = r"[A-Za-z0-9._%+\-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_AT = r"(?:\s*(?:\(at\)|\[at\]|\{at\}|<at>|（at）|#)\s*|\s+at\s+|\s*艾特\s*|\s*@\s+|\s+@\s*)"
_DOT = r"(?:\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|。|点)\s*|\s+dot\s+|\s*\.\s+|\s+\.\s*|\.)"
_PLAIN_AT = re.compile(r"\sat\s", re.I)
_PLAIN_DOT = re.compile(r"\sdot\s", re.I)
# The word before " at " in prose ("is at home dot com"), never an address's local part.
_PROSE_WORDS = frozenset(
    "is are was were be been me us you him her them it we i meet look available here there arrive arrived "
    "stay staying live lives work works home back up out find found".split()
)
_CANONICAL_AT = re.compile(_AT, re.I)
_CANONICAL_DOT = re.compile(_DOT, re.I)
_KNOWN_MAIL_DOMAINS = ("qq", "163", "126", "gmail", "outlook", "hotmail", "yahoo", "sina", "sohu", "foxmail",
                       "icloud", "aliyun", "139", "yeah")


@lru_cache(maxsize=1)
def _tld_extract() -> tldextract.TLDExtract:
    """The bundled public-suffix snapshot: no download, no cache directory."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def canonical_email(text: str) -> str:
    """`name at qq dot com` → `name@qq.com` (the form the vault compares)."""
    if "@" in text:
        local, domain = text.split("@", 1)
    else:
        match = _CANONICAL_AT.search(text)
        if match is None:
            return text
        local, domain = text[: match.start()], text[match.end() :]
    return f"{local.strip()}@{_CANONICAL_DOT.sub('.', domain.strip())}"


class CnEmailRecognizer(ContextPatternRecognizer):
    """Addresses whose domain ends in a known public suffix."""

    ENTITY = "EMAIL_ADDRESS"
    PREFILTER = r"@|\sat\s|[(\[{<（]at|艾特|#"
    PATTERNS = [
        Pattern(
            "email",
            rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,24}}",
            0.5,
        ),
        Pattern(
            "email_obfuscated",
            rf"(?<![A-Za-z0-9._%+\-]){_LOCAL}(?:@|{_AT}){_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?:com|net|org|cn|edu|gov|io|me|hk|tw|co|uk|us|de|fr|jp|info|biz)(?![A-Za-z])",
            0.5,
        ),
    ]
    CONTEXT = ["邮箱", "邮件", "电邮", "email", "e-mail", "mail"]

    def validate_result(self, pattern_text: str) -> bool:
        address = canonical_email(pattern_text)
        local, _, domain = address.partition("@")
        if not local or not domain or not _tld_extract()(domain).suffix:
            return False
        if address == pattern_text or not _PLAIN_AT.search(pattern_text):
            return True
        if local.strip().lower() in _PROSE_WORDS:
            return False
        if _PLAIN_DOT.search(pattern_text):
            return True
        # "available at example.com" is prose; "zhang at qq dot com" and "zhang at qq.com" are addresses.
        return domain.split(".")[0].lower() in _KNOWN_MAIL_DOMAINS
