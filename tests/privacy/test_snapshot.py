"""What the redactor makes of 80 fixed messages, compared with the recorded fixture.

A speed change must leave the output alone; a change of output must be intended, re-recorded with
`python -m tests.privacy.snapshot fixture` and explained in its commit. The messages are stored in
the fixture itself, so a new Faker release cannot change them.
"""

from __future__ import annotations

import json

from evals.privacy import build_redactor
from tests.privacy.snapshot import FIXTURE, snapshot


def test_redaction_output_matches_the_recorded_snapshot() -> None:
    expected = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    assert len(expected) == 80
    got = list(snapshot(build_redactor(), [row["text"] for row in expected]))
    differing = [
        json.dumps({"want": want, "got": have}, ensure_ascii=False)
        for want, have in zip(expected, got, strict=True)
        if want != have
    ]
    assert not differing, f"{len(differing)} messages differ, first:\n" + "\n".join(differing[:3])


def test_the_snapshot_holds_every_kind_of_find() -> None:
    """The fixture exercises what it should: placeholders of many types and the residual guard's path."""
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    types = {entity[0] for row in rows for entity in row["entities"]}
    assert {"PERSON", "CN_ID_CARD", "BANK_CARD", "PHONE_NUMBER", "EMAIL_ADDRESS", "ADDRESS"} <= types
    assert any(not row["entities"] for row in rows)  # messages with nothing to redact stay as written
