"""The residual guard: the last line of defence before a message is stored.

After the recognizers, any run of seven or more digits left in the detection view that nothing
explains as non-personal (an amount, a date or time, a service number, an order or transaction
number with its context word) is masked as `OTHER_NUMBER`. Every mask is counted, so
over-redaction is visible in the metrics and the evals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import regex as re

MIN_RESIDUAL_DIGITS = 7
_RUN = re.compile(r"(?<!\d)\d{7,}(?!\d)")
_REFERENCE_WORDS = re.compile(
    r"订单|单号|流水|交易|合同|工单|编号|参考号|凭证|快递|物流|运单|会员|积分|批次|序列号|序号|型号|发票|票号|"
    r"申请号|受理号|业务号|案件号|回单|账单号|商户号|终端号|\border\b|\bref\b|reference|transaction|\btxn\b|"
    r"invoice|tracking|\bno\.|#",
    re.IGNORECASE,
)
_AMOUNT_AFTER = re.compile(
    r"\s?(?:\.\d|,\d{3}|元|块|圆|万|亿|千|百|%|‰|美元|港币|欧元|日元|英镑|rmb|cny|usd|hkd|yuan|dollars?)",
    re.I,
)
_AMOUNT_BEFORE = re.compile(
    r"(?:[¥￥$€£]|rmb|cny|usd|hkd|金额|余额|共|合计|总计|总额|额度|利息|本金|收益)\s?:?\s?$", re.I
)
_SERVICE = re.compile(r"(?:400|800)\d{7}|95\d{3,6}|10\d{3,6}|12\d{3}")
_LETTER_PREFIX = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,4}-?$")
_CONTEXT_CHARS = 12


def residual_spans(text: str, covered: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Digit runs in `text` (the detection view) outside `covered` that must be masked."""
    spans = []
    for match in _RUN.finditer(text):
        start, end = match.span()
        if any(start < c_end and c_start < end for c_start, c_end in covered):
            continue
        if not _explained(text, start, end):
            spans.append((start, end))
    return spans


def _explained(text: str, start: int, end: int) -> bool:
    digits = text[start:end]
    if is_date_digits(digits) or _SERVICE.fullmatch(digits):
        return True
    before = text[max(0, start - _CONTEXT_CHARS) : start]
    if _AMOUNT_AFTER.match(text, end) or _AMOUNT_BEFORE.search(before):
        return True
    # A reference number named by a word before it, or glued to a letter prefix ("DD2024…"); one letter
    # is not enough: permits and passports are a letter and eight digits.
    return bool(_REFERENCE_WORDS.search(before) or _LETTER_PREFIX.search(before))


def is_date_digits(digits: str) -> bool:
    """YYYYMMDD, optionally followed by hhmm or hhmmss (a timestamp); due dates may be in the future."""
    if len(digits) not in (8, 12, 14) or digits[:2] not in ("19", "20"):
        return False
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    if len(digits) == 8:
        return True
    hours, minutes = int(digits[8:10]), int(digits[10:12])
    return hours < 24 and minutes < 60 and (len(digits) == 12 or int(digits[12:14]) < 60)
