from __future__ import annotations

from collections.abc import Callable

import pytest

from privacy.recognizers.checksums import luhn_valid

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


def _with_check_digit(body: str) -> str:
    return body + next(d for d in "0123456789" if luhn_valid(body + d))


def _grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


CARD_19 = _with_check_digit("622202123456789012")  # UnionPay debit, 19 digits
CARD_16 = "4111111111111111"
CARD_16_CN = _with_check_digit("625807123456789")
BAD_19 = CARD_19[:-1] + str((int(CARD_19[-1]) + 1) % 10)
BAD_16 = "6222021234567891"


def test_fixture_cards_have_the_intended_checksums() -> None:
    assert luhn_valid(CARD_19) and luhn_valid(CARD_16) and luhn_valid(CARD_16_CN)
    assert not luhn_valid(BAD_19) and not luhn_valid(BAD_16)


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"卡号{CARD_19}", [("BANK_CARD", CARD_19)]),
        (CARD_16, [("BANK_CARD", CARD_16)]),
        (f"我的卡是{_grouped(CARD_19, ' ')}，被冻结了", [("BANK_CARD", _grouped(CARD_19, " "))]),
        (f"card {_grouped(CARD_16, '-')} please", [("BANK_CARD", _grouped(CARD_16, "-"))]),
        (f"信用卡{_grouped(CARD_16_CN, ' ')}还款", [("BANK_CARD", _grouped(CARD_16_CN, " "))]),
        (f"转到{CARD_19[:6]} {CARD_19[6:]}", [("BANK_CARD", f"{CARD_19[:6]} {CARD_19[6:]}")]),
        (f"卡号是{BAD_19}", [("BANK_CARD", BAD_19)]),
        (f"银行卡：{_grouped(BAD_16, ' ')}", [("BANK_CARD", _grouped(BAD_16, " "))]),
        (f"my card number is {BAD_16}", [("BANK_CARD", BAD_16)]),
    ],
)
def test_card_numbers_are_found(text: str, expected: list[tuple[str, str]], find: Find, spans: Spans) -> None:
    assert find(text) == spans(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        BAD_19,
        f"编码{_grouped(BAD_16, ' ')}",
        f"流水号{CARD_19}",  # Luhn passes by chance, but it is a transaction number
        f"订单号 {_grouped(CARD_16, ' ')}",
        "1111111111111111",
    ],
)
def test_card_number_failing_luhn_or_in_order_context_is_not_redacted(text: str, find: Find) -> None:
    assert find(text) == []


def test_luhn_valid_18_digits_shaped_like_an_id_is_an_id_unless_card_context(find: Find) -> None:
    id_shaped = "211303199401201311"  # a mistyped ID (checksum fails) that happens to pass Luhn
    assert luhn_valid(id_shaped)
    assert [e for e, _, _ in find(id_shaped)] == ["CN_ID_CARD"]
    assert [e for e, _, _ in find(f"卡号{id_shaped}")] == ["BANK_CARD"]
