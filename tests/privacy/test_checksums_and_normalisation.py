from __future__ import annotations

from datetime import date

import pytest

from privacy.recognizers.checksums import gb11643_valid, luhn_valid, plausible_birth_date
from privacy.vault import normalise


@pytest.mark.parametrize(
    "number, valid",
    [("11010519491231002X", True), ("11010519491231002x", True), ("110105194912310021", False)],
)
def test_gb11643_check_character(number: str, valid: bool) -> None:
    assert gb11643_valid(number) is valid


@pytest.mark.parametrize(
    "number, valid", [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True)]
)
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    "yyyymmdd, plausible",
    [("19900307", True), ("19900230", False), ("20991231", False), ("18500101", False)],
)
def test_birth_date_must_be_a_real_past_date_within_a_lifetime(yyyymmdd: str, plausible: bool) -> None:
    assert plausible_birth_date(yyyymmdd, today=date(2025, 1, 1)) is plausible


@pytest.mark.parametrize(
    "entity_type, forms",
    [
        ("PHONE_NUMBER", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "(+86)13812345678"]),
        ("PHONE_NUMBER", ["010-12345678", "(010)12345678", "+86 10 1234 5678"]),
        ("CN_ID_CARD", ["11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"]),
        ("BANK_CARD", ["6222021234567890123", "6222 0212 3456 7890 123", "622202-1234567890123"]),
        ("EMAIL_ADDRESS", ["Zhang.Wei@Example.com", "zhang.wei@example.com"]),
        ("PERSON", ["John Smith", "john  smith"]),
    ],
)
def test_written_forms_of_one_value_normalise_alike(entity_type: str, forms: list[str]) -> None:
    assert len({normalise(entity_type, form) for form in forms}) == 1


@pytest.mark.parametrize(
    "entity_type, first, second",
    [
        ("EMAIL_ADDRESS", "li_na@example.com", "lina@example.com"),
        ("PHONE_NUMBER", "13812345678", "13812345679"),
    ],
)
def test_different_values_stay_different(entity_type: str, first: str, second: str) -> None:
    assert normalise(entity_type, first) != normalise(entity_type, second)
