"""Mainland licence plates (粤B·12345, 京A12345, new-energy 沪AD12345)."""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_BEFORE_ALNUM, ContextPatternRecognizer

_PROVINCE = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"


class LicencePlateRecognizer(ContextPatternRecognizer):
    """Case matters: a lowercase letter after 京 is not a plate."""

    ENTITY = "LICENSE_PLATE"
    FLAGS = re.DOTALL | re.MULTILINE  # not IGNORECASE
    PATTERNS = [
        Pattern(
            "cn_plate",
            rf"[{_PROVINCE}][{_LETTER}]\s?[·•\-]?\s?(?=[{_LETTER}0-9]*\d)[{_LETTER}0-9]{{5,6}}"
            + NOT_BEFORE_ALNUM,
            0.6,
        )
    ]
    CONTEXT = ["车牌", "车号", "牌照", "车辆", "plate"]
