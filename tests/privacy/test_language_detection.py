from __future__ import annotations

from collections.abc import Callable

import pytest

from privacy import detect_language

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


@pytest.mark.parametrize(
    "text, language",
    [
        ("我的信用卡被冻结了", "zh"),
        ("我的email是john.smith@gmail.com", "zh"),
        ("My card was blocked", "en"),
        ("My name is 张伟", "en"),
        ("13812345678", "en"),
        ("", "en"),
    ],
)
def test_language_is_chinese_when_chinese_characters_outnumber_english_words(
    text: str, language: str
) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "我叫张伟，my email is zhang.wei@example.com，手机+86 138 1234 5678",
            [
                ("PERSON", "张伟"),
                ("EMAIL_ADDRESS", "zhang.wei@example.com"),
                ("PHONE_NUMBER", "+86 138 1234 5678"),
            ],
        ),
        (
            "Hi, I'm Alice Brown, 身份证号11010519491231002X",
            [("PERSON", "Alice Brown"), ("CN_ID_CARD", "11010519491231002X")],
        ),
        (
            "请联系Tom Hanks，他住在北京市海淀区中关村大街27号",
            [("PERSON", "Tom Hanks"), ("ADDRESS", "北京市海淀区中关村大街27号")],
        ),
    ],
)
def test_mixed_chinese_english_messages_are_covered(
    text: str, expected: list[tuple[str, str]], find: Find, spans: Spans
) -> None:
    assert find(text) == spans(text, expected)
