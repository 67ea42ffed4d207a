from __future__ import annotations

from collections.abc import Callable

import pytest
from faker import Faker

from privacy.recognizers.checksums import gb11643_check_char, gb11643_valid

_fake = Faker("zh_CN")
_fake.seed_instance(11643)
VALID = [_fake.ssn() for _ in range(4)]


def _failing(id18: str) -> str:
    """Same number with a wrong check character: what a customer mistyping one digit sends."""
    good = gb11643_check_char(id18[:17])
    return id18[:17] + next(c for c in "0123456789X" if c != good)


FAILING = [_failing(v) for v in VALID]

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


def test_faker_ids_pass_and_mutated_ids_fail_the_checksum() -> None:
    assert all(gb11643_valid(v) for v in VALID)
    assert not any(gb11643_valid(v) for v in FAILING)


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"我的身份证号是{VALID[0]}，帮我查一下", [("CN_ID_CARD", VALID[0])]),
        (VALID[1], [("CN_ID_CARD", VALID[1])]),
        (f"{VALID[2]}是我老婆的", [("CN_ID_CARD", VALID[2])]),
        (f"my id {VALID[3].lower()}", [("CN_ID_CARD", VALID[3].lower())]),
        (f"证件号码：{FAILING[0]}", [("CN_ID_CARD", FAILING[0])]),
        (f"身份证{FAILING[1]}，好像输错了", [("CN_ID_CARD", FAILING[1])]),
        (f"ID: {FAILING[2]}", [("CN_ID_CARD", FAILING[2])]),
        ("身份证号是110105900307123", [("CN_ID_CARD", "110105900307123")]),
    ],
)
def test_id_numbers_are_found(text: str, expected: list[tuple[str, str]], find: Find, spans: Spans) -> None:
    assert find(text) == spans(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        f"订单号{FAILING[1]}",
        f"订单号{VALID[0]}的物流到哪了",  # order context nearer than any ID context
        "110105199013071234",  # month 13
        "身份证号是110105901307123",  # 15 digits, month 13
        "11010519900307123",  # 17 digits
    ],
)
def test_id_shaped_numbers_without_id_context_are_not_flagged(text: str, find: Find) -> None:
    assert find(text) == []


@pytest.mark.parametrize("text", [FAILING[0], f"姓名：张伟，{FAILING[1]}，电话13812345678"])
def test_mistyped_ids_with_real_birth_date_and_province_are_found_without_context(
    text: str, find: Find
) -> None:
    """A form-style message with a mistyped ID and no 身份证 word: the ID still must not leak."""
    assert "CN_ID_CARD" in [e for e, _, _ in find(text)]


@pytest.mark.parametrize("number", ["991303199401291310", "110005199401291310", "211303199413291310"])
def test_id_shapes_without_a_real_province_city_or_date_need_context(number: str, find: Find) -> None:
    assert find(number) == []
