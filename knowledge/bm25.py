"""Keyword search: Okapi BM25 over jieba search-mode tokens with bank vocabulary, as a sparse matrix.

Text is NFKC-normalised (full-width letters and digits), lowercased and mapped from Traditional to
Simplified characters before segmentation, so 轉帳限額 and 转账限额 give the same tokens; everyday
synonyms (取款机 → atm, 工资卡 → 借记卡) are then mapped to the knowledge base's own word.

Scoring is rank-bm25's `BM25Okapi` (k1 1.5, b 0.75, negative idf floored at 0.25 × mean idf), score for
score: the calibrated confidence model uses the BM25 score as a feature, so it must not move. The index is
a term-major sparse matrix of precomputed `idf × tf-weight`, so a query touches only the postings of its
own terms (rank-bm25 walks a dict per document per query term: 657 ms at 100k chunks). Rows are tokenised
once (`TokenRows`) and reused when the index is rebuilt after a write; only the O(postings) weights are
recomputed, because every weight depends on the corpus' document count and mean length.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import numpy as np
import numpy.typing as npt
from scipy import sparse as sp

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


K1 = 1.5
B = 0.75
EPSILON = 0.25
# Above this share of postings per row, one float32 accumulation into a score per row beats sorting the
# query's postings by row (np.unique).
_DENSE_ACCUMULATE = 0.02
# Top-k over many scores: the k-th best of every SAMPLE_STRIDE-th score is a score at least k rows reach,
# so only rows at or above it are ranked (one comparison pass instead of a partition of all rows).
SAMPLE_STRIDE = 16
# float32 accumulation error bound per added term, relative to the sum of the terms' magnitudes (2^-24 is
# float32's unit roundoff; twice that, for the rounding of each weight and of each sum).
_F32_ERROR = 2.0**-23

IntArray = npt.NDArray[np.int64]
RowArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
WeightArray = npt.NDArray[np.float32]

try:  # scipy's compiled sparse matrix × vector (y += A x), called on one posting list without a copy
    from scipy.sparse import _sparsetools

    _csc_matvec: Any = _sparsetools.csc_matvec
except (ImportError, AttributeError):  # pragma: no cover - a scipy without it: numpy's unbuffered add
    _csc_matvec = None


def _accumulate(totals: WeightArray, rows: RowArray, weights: WeightArray, times: int) -> None:
    """totals[rows] += weights × times, in place (rows are distinct: one posting list)."""
    if _csc_matvec is not None:
        # A one-column CSC matrix whose column is the posting list: y += A × [times].
        column = np.array([0, len(rows)], dtype=rows.dtype)
        _csc_matvec(len(totals), 1, column, rows, weights, np.array([times], dtype=np.float32), totals)
    else:  # pragma: no cover
        np.add.at(totals, rows, weights * np.float32(times))


# One tokenised row: an int32 array of shape (2, distinct terms), term ids over their counts. One small
# array per row (not an object holding several) keeps the cache at ~100 bytes plus data per row.
TokenRow = npt.NDArray[np.int32]


# One posting list of a query term: (rows ascending, float32 weights, the term's count in the query, its
# largest |weight|).
Postings = tuple[RowArray, WeightArray, int, float]


class TokenRows:
    """Term ids for tokens, and tokenised rows cached by text, so jieba runs once per distinct row.

    The vocabulary only grows (ids stay valid for every cached row); terms no row uses any more are
    ignored by the index. Safe to share between an index and the one built from it after a write, as
    long as one writer at a time encodes (the knowledge base serialises writes).
    """

    def __init__(self) -> None:
        self._vocabulary: dict[str, int] = {}
        self._rows: dict[str, TokenRow] = {}
        self._lock = threading.Lock()  # encoding extends the vocabulary (ids must stay unique)

    @property
    def cached(self) -> int:
        return len(self._rows)

    def vocabulary(self) -> dict[str, int]:
        """A copy of term → id (an index keeps its own: later rows may add terms)."""
        with self._lock:
            return dict(self._vocabulary)

    def encode(self, text: str) -> TokenRow:
        row = self._rows.get(text)
        if row is None:
            tokens = tokenize(text)  # jieba, outside the lock
            with self._lock:
                row = self._encode_tokens(tokens)
                self._rows[text] = row
        return row

    def encode_tokens(self, tokens: Sequence[str]) -> TokenRow:
        with self._lock:
            return self._encode_tokens(tokens)

    def _encode_tokens(self, tokens: Sequence[str]) -> TokenRow:
        vocabulary = self._vocabulary
        counts: dict[int, int] = {}
        for token in tokens:
            term = vocabulary.setdefault(token, len(vocabulary))
            counts[term] = counts.get(term, 0) + 1
        row = np.empty((2, len(counts)), dtype=np.int32)
        row[0] = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        row[1] = np.fromiter(counts.values(), dtype=np.int32, count=len(counts))
        return row

    def forget_except(self, texts: Iterable[str]) -> None:
        """Drop cached rows whose text is no longer indexed (bounded memory across many writes)."""
        keep = set(texts)
        with self._lock:
            self._rows = {text: row for text, row in self._rows.items() if text in keep}


class BM25Index:
    """BM25 over `(key, text)` rows; scores are raw BM25 (0 when no query token matches).

    Build with `BM25Index(documents)`, or `BM25Index.from_rows(keys, rows, token_rows)` to reuse rows
    tokenised for a previous index. Immutable once built: searches need no lock.

    Weights are stored as float32 (half the memory; scores equal rank-bm25's to about 1e-7 relative); a
    row's score is the float64 sum, in query-term order, of count × weight over the query's terms, the same
    number whichever path computed it.
    """

    def __init__(self, documents: Sequence[tuple[str, str]], token_rows: TokenRows | None = None) -> None:
        rows = token_rows or TokenRows()
        keys = [key for key, _ in documents]
        self._init(keys, [rows.encode(text) for _, text in documents], rows)

    @classmethod
    def from_rows(cls, keys: Sequence[str], rows: Sequence[TokenRow], token_rows: TokenRows) -> BM25Index:
        index = cls.__new__(cls)
        index._init(list(keys), rows, token_rows)
        return index

    def _init(self, keys: list[str], rows: Sequence[TokenRow], token_rows: TokenRows) -> None:
        if len(keys) != len(rows):
            raise ValueError(f"{len(keys)} keys but {len(rows)} rows")
        self.keys = keys
        self._token_rows = token_rows
        self._vocabulary = token_rows.vocabulary()
        n = len(rows)
        terms_total = len(self._vocabulary)
        if n == 0:
            self._indptr: IntArray = np.zeros(terms_total + 1, dtype=np.int64)
            self._docs: RowArray = np.zeros(0, dtype=np.int32)
            self._weights: WeightArray = np.zeros(0, dtype=np.float32)
            self._largest: FloatArray = np.zeros(terms_total, dtype=np.float64)
            return
        sizes = np.fromiter((r.shape[1] for r in rows), dtype=np.int64, count=n)
        packed = np.concatenate(rows, axis=1)
        terms = packed[0]
        tf = packed[1].astype(np.float64)
        docs = np.repeat(np.arange(n, dtype=np.int32), sizes)
        lengths = np.bincount(docs, weights=tf, minlength=n)  # tokens per row
        # rank-bm25's idf: log(N - df + 0.5) - log(df + 0.5) over the terms present in the corpus; negative
        # values are replaced by EPSILON × the mean idf (the mean taken before the replacement).
        df = np.bincount(terms, minlength=terms_total).astype(np.float64)
        present = df > 0
        idf = np.zeros(terms_total, dtype=np.float64)
        idf[present] = np.log(n - df[present] + 0.5) - np.log(df[present] + 0.5)
        if present.any():
            floor = EPSILON * (float(idf[present].sum()) / int(present.sum()))
            idf[present & (idf < 0)] = floor
        avgdl = float(lengths.sum()) / n or 1.0  # 0 only when no row has a token (then nothing matches)
        norm = K1 * (1 - B + B * lengths / avgdl)
        weights = idf[terms] * (tf * (K1 + 1) / (tf + norm[docs]))
        # Term-major (CSR of terms × documents, built by scipy's counting sort): a query term's postings
        # are one contiguous slice, rows ascending.
        matrix = sp.csr_matrix((weights.astype(np.float32), (terms, docs)), shape=(terms_total, n))
        matrix.sort_indices()
        self._indptr = matrix.indptr.astype(np.int64)
        self._docs = matrix.indices.astype(np.int32, copy=False)
        self._weights = matrix.data
        # Each term's largest |weight|: bounds the float32 accumulation's rounding error.
        self._largest = np.zeros(terms_total, dtype=np.float64)
        used = np.flatnonzero(df > 0)
        self._largest[used] = np.maximum.reduceat(np.abs(self._weights), self._indptr[used])

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def token_rows(self) -> TokenRows:
        return self._token_rows

    @property
    def postings(self) -> int:
        return len(self._docs)

    def scores(self, query: str) -> dict[str, float]:
        """Every document with a positive score (prefer `top`: this builds a dict of all matches)."""
        lists = self._postings(tokenize(query))
        docs, values = _positive(*_sum_postings(lists)) if lists else (_NO_ROWS, _NO_SCORES)
        keys = self.keys
        return {keys[d]: float(v) for d, v in zip(docs.tolist(), values.tolist(), strict=True)}

    def top(self, query: str, k: int) -> list[tuple[str, float]]:
        """The k best documents with a positive score, best first (ties: earlier rows first)."""
        return self.top_tokens(tokenize(query), k)

    def top_tokens(self, tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
        lists = self._postings(tokens)
        if k <= 0 or not lists:
            return []
        if len(lists) > 1 and sum(len(rows) for rows, _, _, _ in lists) > _DENSE_ACCUMULATE * len(self.keys):
            docs, values = self._dense_candidates(lists, k)
        else:
            docs, values = _positive(*_sum_postings(lists))
            if len(docs) >= SAMPLE_STRIDE * k:
                docs, values = _at_least_kth_of_sample(docs, values, k)
        if len(docs) > k:
            part = np.argpartition(values, len(values) - k)[len(values) - k :]  # the k largest, unordered
            kth = values[part].min()
            above = np.flatnonzero(values > kth)
            ties = np.flatnonzero(values == kth)  # in row order, like a stable sort
            chosen = np.concatenate([above, ties[: k - len(above)]])
            docs, values = docs[chosen], values[chosen]
        order = np.lexsort((docs, -values))
        keys = self.keys
        return [
            (keys[d], float(v)) for d, v in zip(docs[order].tolist(), values[order].tolist(), strict=True)
        ]

    def _postings(self, tokens: Sequence[str]) -> list[Postings]:
        """The posting list of each query term present in the index, with its count, in query order."""
        counts: dict[int, int] = {}
        for token in tokens:
            term = self._vocabulary.get(token)
            if term is not None:
                counts[term] = counts.get(term, 0) + 1
        indptr, docs, weights = self._indptr, self._docs, self._weights
        out = []
        for term, count in counts.items():
            start, end = int(indptr[term]), int(indptr[term + 1])
            if end > start:
                out.append((docs[start:end], weights[start:end], count, float(self._largest[term])))
        return out

    def _dense_candidates(self, lists: list[Postings], k: int) -> tuple[RowArray, FloatArray]:
        """(rows, exact scores) of a superset of the k best rows, ties included, ascending row.

        The query's postings are a sizeable share of the index: every row's score is accumulated in
        float32 (compiled, no copy of the postings: a few ms for two million postings at a million rows),
        the rows within float32's error of the k-th best are kept, and only those are scored exactly.
        """
        totals = np.zeros(len(self.keys), dtype=np.float32)
        for rows, weights, times, _ in lists:
            _accumulate(totals, rows, weights, times)
        # |float32 sum - exact sum| ≤ error for every row; the exact k-th best is ≥ the float32 k-th best
        # minus error, so a row of the exact top k (or tied with its k-th) has a float32 score ≥ the
        # float32 k-th best minus 2 × error ≥ the sample's k-th best minus 2 × error.
        error = _F32_ERROR * (len(lists) + 2) * sum(times * largest for _, _, times, largest in lists)
        sample = totals[::SAMPLE_STRIDE]
        floor = 0.0
        if int(np.count_nonzero(sample > 0)) >= k:
            floor = float(np.partition(sample, len(sample) - k)[len(sample) - k])
        tiny = float(np.finfo(np.float32).tiny)
        candidates = np.flatnonzero(totals >= max(floor - 2 * error, tiny)).astype(np.int32)
        if len(candidates) > k:  # the float32 k-th best itself: fewer rows to score exactly
            near = totals[candidates]
            kth = float(np.partition(near, len(near) - k)[len(near) - k])
            candidates = candidates[near >= max(kth - 2 * error, tiny)]
        return _positive(candidates, _exact_scores(lists, candidates))


_NO_ROWS: RowArray = np.zeros(0, dtype=np.int32)
_NO_SCORES: FloatArray = np.zeros(0, dtype=np.float64)


def _sum_postings(lists: list[Postings]) -> tuple[RowArray, FloatArray]:
    """(rows sharing a term with the query, ascending; their scores): float64 sums of times × weight."""
    if len(lists) == 1:
        rows, weights, times, _ = lists[0]
        return rows, weights.astype(np.float64) * times
    docs = np.concatenate([rows for rows, _, _, _ in lists])
    values = np.concatenate([weights.astype(np.float64) * times for _, weights, times, _ in lists])
    unique, inverse = np.unique(docs, return_inverse=True)
    sums = np.bincount(inverse, weights=values).astype(np.float64, copy=False)  # in query-term order
    return unique.astype(np.int32, copy=False), sums


def _exact_scores(lists: list[Postings], candidates: RowArray) -> FloatArray:
    """The scores of `candidates` (ascending rows), summed as `_sum_postings` sums them."""
    totals = np.zeros(len(candidates), dtype=np.float64)
    for rows, weights, times, _ in lists:
        at = np.searchsorted(rows, candidates)
        at[at == len(rows)] = 0
        hit = rows[at] == candidates
        totals += np.where(hit, weights[at].astype(np.float64) * times, 0.0)
    return totals


def _positive(docs: RowArray, values: FloatArray) -> tuple[RowArray, FloatArray]:
    positive = values > 0
    return docs[positive], values[positive]


def _at_least_kth_of_sample(docs: RowArray, values: FloatArray, k: int) -> tuple[RowArray, FloatArray]:
    """The (rows, scores) scoring at least the k-th best of a strided sample: a superset of the k best
    (the sample's k-th best is reached by k rows), ties included, in the same order."""
    sample = values[::SAMPLE_STRIDE]
    if len(sample) < k:
        return docs, values
    keep = values >= np.partition(sample, len(sample) - k)[len(sample) - k]
    return docs[keep], values[keep]
