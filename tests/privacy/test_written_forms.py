"""Personal numbers in every written form customers use (issue 10): none survives redaction."""

from __future__ import annotations

import pytest

from privacy import Redactor
from privacy.view import DetectionView

FORMS = [
    ("手机１３９０００１２３４５", "１３９０００１２３４５"),  # full-width digits (Chinese IME)
    ("身份证１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２３１００２Ｘ"),
    ("邮箱zhang＠qq．com", "zhang＠qq．com"),
    ("电话139.0001.2345", "139.0001.2345"),
    ("电话139 00 01 23 45", "139 00 01 23 45"),
    ("(135)12345678 打我", "135)12345678"),
    ("1 3 9 0 0 0 1 2 3 4 5", "1 3 9 0 0 0 1 2 3 4 5"),
    ("身份证110105 19491231 002X", "110105 19491231 002X"),
    ("卡号6222.0212.3456.7890.123", "6222.0212.3456.7890.123"),
    ("卡号622 20212 3456 7890", "622 20212 3456 7890"),
    ("座机6543 2109", "6543 2109"),
    ("一三九零零零一二三四五", "一三九零零零一二三四五"),  # voice input
    ("幺三五零零零一二三四五是我手机", "幺三五零零零一二三四五"),
    ("13九0001二345", "13九0001二345"),
    ("卡号陆贰贰贰零贰壹贰叁肆伍陆柒捌玖零壹贰叁", "陆贰贰贰零贰壹贰叁肆伍陆柒捌玖零壹贰叁"),
    ("手机139\n0001\n2345", "139\n0001\n2345"),  # pasted from a form
    ("zhang at qq dot com", "zhang at qq dot com"),
    ("name(at)163.com", "name(at)163.com"),
    ("name [at] gmail [dot] com", "name [at] gmail [dot] com"),
    ("wei@qq。com", "wei@qq。com"),
    ("身份证110105194912310021 手机13812345678", "110105194912310021"),
    ("身份证110105194912310021 手机13812345678", "13812345678"),
]


@pytest.mark.parametrize("message, value", FORMS)
def test_no_written_form_survives(redactor: Redactor, message: str, value: str) -> None:
    redacted = redactor.redact(message, "conv-1").text
    assert value not in redacted
    assert DetectionView.of(value).text not in DetectionView.of(redacted).text


def test_two_numbers_side_by_side_stay_two(redactor: Redactor) -> None:
    assert redactor.redact("13812345678 13900001111", "conv-1").text == "<PHONE_1> <PHONE_2>"


def test_the_original_span_with_its_separators_is_replaced(redactor: Redactor) -> None:
    message = "电话139.0001.2345，谢谢"
    redaction = redactor.redact(message, "conv-1")
    assert redaction.text == "电话<PHONE_1>，谢谢"
    assert message[redaction.entities[0].start : redaction.entities[0].end] == "139.0001.2345"


def test_the_same_number_in_another_form_gets_the_same_placeholder(redactor: Redactor) -> None:
    first = redactor.redact("手机13900012345", "conv-1")
    second = redactor.redact("是一三九零零零一二三四五吗", "conv-1")
    assert first.text == "手机<PHONE_1>"
    assert second.text == "是<PHONE_1>吗"


@pytest.mark.parametrize(
    "text, view",
    [
        ("１３９", "139"),
        ("139.0001.2345元", "13900012345元"),
        ("12345678.90元", "12345678.90元"),  # a decimal is never joined
        ("2024-03-15 14:30", "2024-03-15 14:30"),  # nor a date
        ("400-820-8888", "400-820-8888"),  # a hotline keeps its form (not personal)
        ("010-12345678", "010-12345678"),  # a landline after its area code is read as written
        ("第一二三条", "第一二三条"),  # short numeral runs are words
    ],
)
def test_detection_view(text: str, view: str) -> None:
    result = DetectionView.of(text)
    assert result.text == view
    assert len(result.origin) == len(result.text)
    assert result.to_original(0, len(result.text)) == (0, len(text))
