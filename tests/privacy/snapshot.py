"""Redaction snapshots: what the redactor outputs on a fixed message set, to prove a speed change
changed nothing else.

    python -m tests.privacy.snapshot record out.jsonl.gz [--public]   # before the change
    python -m tests.privacy.snapshot compare out.jsonl.gz [--public]  # after it
    python -m tests.privacy.snapshot fixture                          # re-record the test fixture

The fixture (`tests/privacy/fixtures/redaction_snapshot.jsonl`, plain JSON lines to read in a review)
holds 80 messages with what the redactor made of them; `test_snapshot.py` checks every run against
it. Re-record it only for an intended change of output, and say in the commit what changed.

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
FIXTURE = Path(__file__).parent / "fixtures" / "redaction_snapshot.jsonl"


def messages(public: bool = False) -> list[str]:
    texts = [m.text for m in generate(400)] + [m.text for m in generate(200, seed=99)]
    if public:
        from evals.pii_data import load_cluener, load_presidio_synth
        from evals.report import SHARED_EVALDATA

        pii = SHARED_EVALDATA / "pii"
        texts += [m.text for m in load_cluener(pii / "cluener2020_train.json", 300)]
        texts += [m.text for m in load_presidio_synth(pii / "synth_dataset_v2.json", 400)]
    return texts


def fixture_messages() -> list[str]:
    """Chat messages in every written form and type, and profile paragraphs (names said twice)."""
    from evals.pii_data import generate_profiles

    return [m.text for m in generate(60, seed=31)] + [m.text for m in generate_profiles(20, seed=31)]


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

    if argv[0] == "fixture":
        FIXTURE.parent.mkdir(exist_ok=True)
        rows = snapshot(build_redactor(), fixture_messages())
        FIXTURE.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"recorded {FIXTURE}")
        return 0
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
