from __future__ import annotations

from collections.abc import Callable

import pytest

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("邮箱是zhang.wei@example.com谢谢", [("EMAIL_ADDRESS", "zhang.wei@example.com")]),
        ("发到li_na+bank@mail.qq.com。", [("EMAIL_ADDRESS", "li_na+bank@mail.qq.com")]),
        ("my email: John.Smith@Example.co.uk, thanks", [("EMAIL_ADDRESS", "John.Smith@Example.co.uk")]),
        ("邮箱（wang@163.com）", [("EMAIL_ADDRESS", "wang@163.com")]),
        ("护照号E12345678", [("PASSPORT", "E12345678")]),
        ("passport EA1234567 expires soon", [("PASSPORT", "EA1234567")]),
        ("护照G12345678过期了", [("PASSPORT", "G12345678")]),
        ("护照号码：D1234567", [("PASSPORT", "D1234567")]),
    ],
)
def test_emails_and_passports_are_found(
    text: str, expected: list[tuple[str, str]], find: Find, spans: Spans
) -> None:
    assert find(text) == spans(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "name@localhost 不是邮箱",
        "foo@bar.notarealtld",
        "产品型号G12345678",  # the old G form needs passport context
        "编号S1234567",
        "@客服 你好",
    ],
)
def test_email_and_passport_lookalikes_are_not_flagged(text: str, find: Find) -> None:
    assert find(text) == []
