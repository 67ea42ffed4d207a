from __future__ import annotations

from collections.abc import Callable

import pytest

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


@pytest.mark.parametrize(
    "text, phone",
    [
        ("我的手机13812345678", "13812345678"),
        ("电话：138 1234 5678，谢谢", "138 1234 5678"),
        ("打138-1234-5678找我", "138-1234-5678"),
        ("+86 13812345678", "+86 13812345678"),
        ("+8613812345678", "+8613812345678"),
        ("0086 139 1234 5678", "0086 139 1234 5678"),
        ("(+86)15912345678是我老婆的号", "(+86)15912345678"),
        ("call me on 19912345678", "19912345678"),
        ("座机010-12345678", "010-12345678"),
        ("0755 1234 5678 找前台", "0755 1234 5678"),
        ("(021)12345678", "(021)12345678"),
        ("公司电话021-87654321转123", "021-87654321转123"),
        ("+86 10 8765 4321", "+86 10 8765 4321"),
        ("座机号码01087654321", "01087654321"),
    ],
)
def test_personal_phone_numbers_are_found(text: str, phone: str, find: Find, spans: Spans) -> None:
    assert find(text) == spans(text, [("PHONE_NUMBER", phone)])


@pytest.mark.parametrize(
    "text",
    [
        "客服电话400-860-1234打不通",
        "请拨打4008208888",
        "800-820-1234",
        "+86 400 820 8888",
        "打95588问过了",
        "验证码是123456",
        "01087654321",  # twelve digits starting with 0 and nothing says phone
        "12345678901",  # 12x is not a mobile prefix
    ],
)
def test_hotlines_and_other_numbers_are_not_personal_phones(text: str, find: Find) -> None:
    assert find(text) == []
