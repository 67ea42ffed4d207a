"""Reading a private survey answer as a 1-5 score: digits and the usual words; anything else is no score."""

from __future__ import annotations

import pytest

from services.csat import score_from_text


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("5", 5), ("４", 4), ("4分", 4), ("我打3分", 3), ("1 star", 1), ("非常满意", 5), ("满意！", 4),
        ("一般吧", 3), ("不满意", 2), ("不太满意", 2), ("非常不满意", 1), ("Very satisfied", 5),
        ("dissatisfied", 2), ("not satisfied", 2),
    ],
)  # fmt: skip
def test_scores(text: str, score: int) -> None:
    assert score_from_text(text) == score


@pytest.mark.parametrize("text", ["6", "12", "0", "信用卡年费怎么收？", "我的卡号是6222 0000", "", "你好"])
def test_not_a_score(text: str) -> None:
    assert score_from_text(text) is None
