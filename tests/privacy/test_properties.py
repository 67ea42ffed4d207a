"""Property tests (hypothesis): personal values in any written form never survive, redaction is
idempotent, and text without personal data comes back unchanged."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from privacy import Redactor, SqlVault, generate_key
from privacy.recognizers.checksums import gb11643_check_char, luhn_valid
from privacy.vault import VAULT_METADATA
from privacy.view import DetectionView

_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
_LOWER = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
_UPPER = dict(zip("0123456789", "零壹贰叁肆伍陆柒捌玖", strict=True))


@pytest.fixture(scope="module")
def redactor(analyzer: AnalyzerEngine) -> Redactor:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    VAULT_METADATA.create_all(engine)  # a throw-away database: the vault's table alone
    return Redactor(analyzer, SqlVault(engine, generate_key()))


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


@st.composite
def ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "310104", "440305", "510107", "330106"]))
    born = draw(st.dates(min_value=date(1940, 1, 1), max_value=date(2005, 12, 31)))
    body = region + born.strftime("%Y%m%d") + draw(st.text("0123456789", min_size=3, max_size=3))
    return body + gb11643_check_char(body)


@st.composite
def cards(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(["622202", "622848", "621700", "436742"])) + draw(
        st.text("0123456789", min_size=9, max_size=12)
    )
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@st.composite
def written(draw: st.DrawFn, value: str) -> str:
    """One of the forms customers type: groups with any separator, full-width, Chinese numerals."""
    form = draw(st.sampled_from(["plain", "groups", "fullwidth", "numerals", "capital", "mixed"]))
    if form == "groups":
        sep = draw(st.sampled_from([" ", "-", ".", "/", "\n", "  "]))
        cuts = sorted(draw(st.sets(st.integers(1, len(value) - 1), min_size=1, max_size=4)))
        parts = [value[a:b] for a, b in zip([0, *cuts], [*cuts, len(value)], strict=True)]
        return sep.join(parts)
    if form == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in value)
    if form == "numerals":
        return "".join(_LOWER.get(c, c) for c in value)
    if form == "capital":
        return "".join(_UPPER.get(c, c) for c in value)
    if form == "mixed":
        flags = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
        return "".join(_LOWER.get(c, c) if f else c for c, f in zip(value, flags, strict=True))
    return value


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["mobile", "id", "card"]))
    value = draw({"mobile": mobiles(), "id": ids(), "card": cards()}[kind])
    shown = draw(written(value))
    lead = draw(st.sampled_from(["", "你好，", "麻烦查一下，", "我的是", "Hi, "]))
    word = draw(st.sampled_from(["", "手机", "电话", "身份证", "卡号", "号码"]))
    tail = draw(st.sampled_from(["", "，谢谢", "。", " 急", "，昨天办的"]))
    return f"{lead}{word}{shown}{tail}", value


@_SETTINGS
@given(messages())
def test_no_personal_number_survives_in_any_written_form(redactor: Redactor, case: tuple[str, str]) -> None:
    message, value = case
    redacted = redactor.redact(message, "prop").text
    assert value not in DetectionView.of(redacted).text.replace(" ", "")


@_SETTINGS
@given(messages())
def test_redaction_is_idempotent(redactor: Redactor, case: tuple[str, str]) -> None:
    once = redactor.redact(case[0], "prop-idem").text
    assert redactor.redact(once, "prop-idem").text == once


_CLEAN_WORDS = [
    "信用卡", "年费", "怎么", "收取", "网点", "几点", "开门", "转账", "失败", "请问", "余额", "查询",
    "理财", "到期", "利率", "是多少", "我想", "办理", "挂失", "密码", "忘记", "手机银行", "登录", "不了",
    "。", "，", "？",
]  # fmt: skip
_CLEAN_NUMBERS = st.one_of(
    st.integers(1, 99999).map(lambda n: f"{n}元"),
    st.integers(1, 36).map(lambda n: f"{n}个月"),
    st.integers(1, 28).map(lambda d: f"3月{d}日"),
    st.integers(1000, 9999).map(lambda n: f"尾号{n}"),
)


@_SETTINGS
@given(st.lists(st.one_of(st.sampled_from(_CLEAN_WORDS), _CLEAN_NUMBERS), min_size=1, max_size=12))
def test_text_without_personal_data_is_unchanged(redactor: Redactor, parts: list[str]) -> None:
    text = "".join(parts)
    assert redactor.redact(text, "prop-clean").text == text
