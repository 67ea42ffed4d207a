"""Redaction snapshots: what the redactor outputs on a fixed message set, to prove a speed change
changed nothing else.

    python -m tests.privacy.snapshot record out.jsonl.gz [--public]   # before the change
    python -m tests.privacy.snapshot compare out.jsonl.gz [--public]  # after it

Messages run in conversations of four, so values met in an earlier turn (the vault's known
values) are exercised too. `--public` adds CLUENER and Presidio's synth set from the eval data.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from evals.pii_data import generate
from privacy import Redactor

TURNS_PER_CONVERSATION = 4


def messages(public: bool = False) -> list[str]:
    texts = [m.text for m in generate(400)] + [m.text for m in generate(200, seed=99)]
    if public:
        from evals.pii_data import load_cluener, load_presidio_synth
        from evals.report import SHARED_EVALDATA

        pii = SHARED_EVALDATA / "pii"
        texts += [m.text for m in load_cluener(pii / "cluener2020_train.json", 300)]
        texts += [m.text for m in load_presidio_synth(pii / "synth_dataset_v2.json", 400)]
    return texts


def snapshot(redactor: Redactor, texts: Sequence[str]) -> Iterator[dict[str, object]]:
    for i, text in enumerate(texts):
        redaction = redactor.redact(text, f"snapshot-{i // TURNS_PER_CONVERSATION}")
        detected = redactor.detect(text)
        yield {
            "text": text,
            "redacted": redaction.text,
            "entities": [
                [e.entity_type, e.placeholder, e.start, e.end, round(e.score, 6)] for e in redaction.entities
            ],
            "residual": redaction.residual_masked,
            "detected": [[r.entity_type, r.start, r.end, round(r.score, 6)] for r in detected],
        }


def write(path: Path, rows: Iterator[dict[str, object]]) -> int:
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def read(path: Path) -> list[dict[str, object]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def main(argv: Sequence[str]) -> int:
    from evals.privacy import build_redactor

    command, path = argv[0], Path(argv[1])
    texts = messages(public="--public" in argv)
    rows = snapshot(build_redactor(), texts)
    if command == "record":
        print(f"recorded {write(path, rows)} messages")
        return 0
    expected = read(path)
    differing = 0
    for want, got in zip(expected, rows, strict=True):
        if want != got:
            differing += 1
            if differing <= 10:
                print(json.dumps({"want": want, "got": got}, ensure_ascii=False))
    print(f"{differing} of {len(expected)} messages differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
