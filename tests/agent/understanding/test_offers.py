from __future__ import annotations

import pytest

from agent.understanding.offers import Choice, declines_all, pick, yes_or_no


@pytest.mark.parametrize(
    "text", ["好的", "需要", "yes", "好的，谢谢", "嗯嗯", "麻烦了", "Yes please", "ok", "可以的", "转吧"]
)
def test_accepting_an_offer(text: str) -> None:
    assert yes_or_no(text) == "yes"


@pytest.mark.parametrize(
    "text", ["不用了", "不需要", "不用了谢谢", "算了", "no", "No thanks", "没事了", "先不用"]
)
def test_declining_an_offer(text: str) -> None:
    assert yes_or_no(text) == "no"


@pytest.mark.parametrize("text", ["信用卡年费多少", "好的那借记卡呢", "what is the fee?", "", "你好"])
def test_other_messages_are_not_replies(text: str) -> None:
    assert yes_or_no(text) is None


CHOICES = [
    Choice("faq-credit-card-annual-fee", "信用卡年费是多少？"),
    Choice("faq-debit-card-fees", "借记卡要收年费吗？"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 0), ("第二个", 1), ("后者", 1), ("the first one", 0), ("信用卡的", 0), ("借记卡", 1), ("2.", 1)],
)
def test_picking_among_choices(text: str, expected: int) -> None:
    assert pick(text, CHOICES) == expected


def test_an_unclear_pick_is_none() -> None:
    assert pick("年费", CHOICES) is None  # both titles say 年费
    assert pick("3", CHOICES) is None
    assert declines_all("都不是") and not declines_all("第一个")


def test_a_new_question_sharing_words_with_a_choice_is_not_a_pick() -> None:
    """Asked again after a clarifying question, a question about another product is a new turn, not a pick."""
    choices = [
        Choice("faq-cd-early-withdraw", "大额存单可以提前支取吗？"),
        Choice("faq-deposit-early-withdraw", "定期存款提前支取怎么算利息？"),
    ]
    assert pick("青禾银行的晨露定存可以提前支取吗？", choices) is None
    assert pick("我想问问信用卡年费是多少，还有借记卡的年费呢，一共要交多少", CHOICES) is None
    assert pick("大额存单那个", choices) == 0
