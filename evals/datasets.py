"""Readers for the public data sets in evals/data/public (see its README for sources and licences).

Each reader returns plain Python values; the evals decide how to feed them to the product.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evals.report import SHARED_EVALDATA


@dataclass(frozen=True)
class FaqItem:
    """One question–answer item of an E.SUN document (a document, `pid`, holds one or more)."""

    pid: str
    index: int
    question: str
    answer: str


@dataclass(frozen=True)
class Query:
    text: str
    expected: str  # the gold key: an E.SUN pid or a BQ cluster id


def esun_items(root: Path = SHARED_EVALDATA) -> list[FaqItem]:
    raw = json.loads((root / "esun_faq" / "pid_map_content.json").read_text(encoding="utf-8"))
    items = []
    for pid, entries in raw.items():
        for i, entry in enumerate(entries):
            question = str(entry["question"]).strip()
            answer = "\n".join(str(a).strip() for a in entry.get("answers", []) if str(a).strip())
            items.append(FaqItem(pid=str(pid), index=i, question=question, answer=answer or question))
    return items


def esun_faq_questions(root: Path = SHARED_EVALDATA) -> list[Query]:
    """The example questions with `category: faq`, each with its gold document id."""
    folder = root / "esun_faq"
    questions = json.loads((folder / "questions_example.json").read_text(encoding="utf-8"))["questions"]
    truths = json.loads((folder / "ground_truths_example.json").read_text(encoding="utf-8"))["ground_truths"]
    gold = {t["qid"]: str(t["retrieve"]) for t in truths}
    return [Query(q["query"], gold[q["qid"]]) for q in questions if q["category"] == "faq"]


def bq_clusters(root: Path = SHARED_EVALDATA) -> list[list[str]]:
    """Paraphrase clusters: the label-1 pairs of bq_dev.csv joined by union-find, in order of first use."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with (root / "bq" / "bq_dev.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label"].strip() == "1":
                a, b = row["sentence1"].strip(), row["sentence2"].strip()
                if a and b and a != b:
                    parent[find(a)] = find(b)
    clusters: dict[str, list[str]] = {}
    for sentence in parent:  # dict order: order of first appearance
        clusters.setdefault(find(sentence), []).append(sentence)
    return list(clusters.values())


def twitter_complaints(root: Path = SHARED_EVALDATA) -> list[tuple[str, bool, str]]:
    """(text, is_complaint, domain) for the English complaint tweets (the CSV has no header)."""
    with (root / "complaints" / "twitter_complaints_en.csv").open(encoding="utf-8", newline="") as fh:
        return [(row[1], row[2].strip() == "1", row[3].strip()) for row in csv.reader(fh) if len(row) >= 4]


def waimai_reviews(root: Path = SHARED_EVALDATA) -> list[tuple[str, bool]]:
    """(review, is_negative) for the food-delivery reviews (label 0 is negative)."""
    with (root / "complaints" / "waimai_10k_sentiment_zh.csv").open(encoding="utf-8", newline="") as fh:
        return [(row["review"], row["label"].strip() == "0") for row in csv.DictReader(fh) if row["review"]]


@lru_cache(maxsize=1)
def to_simplified() -> Callable[[str], str]:
    """Taiwan Traditional → mainland Simplified, words included (網路 → 网络), as a mainland bank would."""
    from opencc import OpenCC  # the `evals` extra: opencc-python-reimplemented

    converter = OpenCC("tw2sp")
    return converter.convert  # type: ignore[no-any-return]
