"""Chinese street addresses by shape: (省/市/区/县…) + road + house number (+ building, flat)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

# A place-name character: any CJK character but those that start or glue a sentence around an
# address ("我住在", "寄到", "地址是"), so a match starts at the place name, not at "我".
_NAME = (
    r"(?:(?![我你他她它们住在是的到址为从往去和与及或请帮把给寄送搬了吗呢吧啊就要想：:，,。])[\u4e00-\u9fff])"
)
_NUM = r"[0-9０-９一二三四五六七八九十百零〇]"
_ADMIN = rf"(?:{_NAME}{{2,7}}?(?:省|自治区|特别行政区|自治州|市|地区|区|县|旗|镇|乡|街道))"
_ROAD = rf"(?:{_NAME}{{1,8}}?(?:大道|大街|路|街|巷|弄|胡同))"
_HOUSE = rf"(?:(?:[东南西北中]|{_NUM}+)段)?(?:{_NUM}+\s?(?:号院|号|弄)|[A-Za-z0-9]{{1,4}}\s?(?:座|栋|幢))"
_UNIT_PART = rf"\s?(?:{_NUM}+|[A-Za-z])\s?(?:号楼|栋|幢|座|单元|楼|层|室|号|弄)"
_UNIT = rf"(?:{_UNIT_PART}|[\-－]{_NUM}+)*(?:\s?{_NUM}{{1,6}}室?)?"
_COMPOUND = rf"(?:{_NAME}{{2,8}}?(?:小区|花园|公寓|新村|家园))"
# A landmark (mall, tower, estate) followed by a building and a room: "万达广场B座1203室".
_LANDMARK = rf"(?:{_NAME}{{2,8}}?(?:广场|大厦|中心|大楼|商城|写字楼|苑|园|府|公馆|城|村|里|湾))"
_BUILDING_ROOM = rf"(?:{_UNIT_PART}){{2,}}|(?:{_UNIT_PART})[\-－]?{_NUM}{{2,5}}"


class ChineseAddressPatternRecognizer(ContextPatternRecognizer):
    """Catches addresses LAC splits or mis-tags; overlapping finds are merged by the redactor."""

    ENTITY = "ADDRESS"
    # Every pattern needs a road, an estate or a building/unit word: most messages have none.
    PREFILTER = r"[路街巷弄号栋幢座楼层室]|大道|胡同|小区|花园|公寓|新村|家园|单元"
    PATTERNS = [
        Pattern("cn_street_address", rf"{_ADMIN}{{0,4}}{_ROAD}{_HOUSE}{_UNIT}", 0.7),
        Pattern("cn_compound_address", rf"{_ADMIN}{{0,4}}{_COMPOUND}{_UNIT}", 0.6),
        Pattern("cn_landmark_address", rf"{_ADMIN}{{0,4}}{_LANDMARK}(?:{_BUILDING_ROOM})", 0.6),
    ]
    CONTEXT = ["地址", "住址", "住在", "寄到", "邮寄", "收货"]
