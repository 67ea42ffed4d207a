"""Keyword search: BM25 (rank-bm25 `BM25Okapi`) over jieba search-mode tokens with bank vocabulary.

Text is NFKC-normalised (full-width letters and digits), lowercased and mapped from Traditional to
Simplified characters before segmentation, so 轉帳限額 and 转账限额 give the same tokens; everyday
synonyms (取款机 → atm, 工资卡 → 借记卡) are then mapped to the knowledge base's own word.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
from rank_bm25 import BM25Okapi

from knowledge.vocabulary import BANK_TERMS, STOPWORDS, SYNONYMS

_T2S_FILE = Path(__file__).with_name("data") / "t2s_chars.txt"
_init_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, int]:
    lines = [ln for ln in _T2S_FILE.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    traditional, simplified = lines[0], lines[1]
    return str.maketrans(traditional, simplified)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """A private jieba tokenizer (the global one may be shared with other code), built once, quietly."""
    with _init_lock:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for term in (*BANK_TERMS, *SYNONYMS):
            tokenizer.add_word(term.lower(), freq=200_000)
        return tokenizer


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_t2s_table())


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (long words plus their sub-words), without stopwords and punctuation."""
    tokens = _tokenizer().lcut_for_search(normalize(text))
    words = (SYNONYMS.get(t, t) for t in (tok.strip() for tok in tokens))
    return [t for t in words if t and t not in STOPWORDS and _is_word(t)]


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


class BM25Index:
    """BM25 over `(key, text)` pairs; scores are raw BM25 (0 when no query token matches)."""

    def __init__(self, documents: Sequence[tuple[str, str]]) -> None:
        self.keys = [key for key, _ in documents]
        corpus = [tokenize(text) for _, text in documents]
        self._bm25: BM25Okapi | None = BM25Okapi(corpus) if corpus else None

    def __len__(self) -> int:
        return len(self.keys)

    def scores(self, query: str) -> dict[str, float]:
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return {}
        raw = self._bm25.get_scores(tokens)
        return {key: float(score) for key, score in zip(self.keys, raw, strict=True) if score > 0}
