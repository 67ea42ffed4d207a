"""Chinese person names found by LAC's named-entity tags (PER)."""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.recognizers.base import ModelRecognizer
from privacy.recognizers.china.name_pattern import SURNAME
from privacy.recognizers.ner.lac import LacWord, has_cjk, lac_words

# "王经理" is tagged as one PER: redact the surname, keep the role so the reply still reads well.
TITLE_WORDS = (
    "先生|女士|小姐|经理|总监|老师|主任|行长|师傅|阿姨|同学|律师|医生|大夫|教授|总|姐|哥|所长|院长|处长"
    "|局长|科长|部长|厅长|市长|县长|镇长|村长|秘书长|书记|主席|董事长|总裁|教练|博士|大爷|大妈|叔|婶|设计师"
    "|工程师|警官|法官"
)
_TITLES = re.compile(rf"副?(?:{TITLE_WORDS})$")
_JOINERS = {" ", "·", "•", "-"}
# Words LAC tags PER in bank messages and our knowledge base that are never a person: form labels,
# how customers name the bank, the cards they hold. A bank adds its own product names here.
DENY_WORDS = frozenset(
    {"姓名", "户名", "本人", "贵行", "客户", "客服", "小禾", "张卡", "visa", "Visa", "VISA", "银联", "万事达"}
)
# A name never starts with a conjunction or a question particle ("和地址", "否正确" are LAC cuts).
_NOT_NAME_START = frozenset("和与跟及或否吗呢")
# What follows an organisation, a team or a place, not a person ("马拉加也是本赛季…" is a club,
# "埃托沙国家公园" a park) and what comes before a team ("vs莱切"). Measured on CLUENER's non-held-out
# sentences: spans with these cues were a person 2 times in 44.
_ORG_AFTER = re.compile(
    r"\s*(?:vs|VS|主场|客场|队|主胜|客胜|本赛季|\d+[胜平负]|公园|酒店|银行|集团|公司|系列|品牌|国家|大学|学院"
    r"|博物馆|教会|酒吧|主题|武装|政府|指数|家族|大桥|风光|组合|俱乐部|中心|信托|基金会|基地|艺术村|会议|神庙"
    r"|水坝|峡湾|山谷|国际|房地产|地产|战队|会所|别墅|画廊|拍卖|航母|级|型|导弹|法案|商务|商会|动画)"
)
# "张某", "高某某": already anonymised by whoever wrote the text.
_ANONYMISED = re.compile(r"[\u4e00-\u9fff]{1,2}某{1,2}")
# Bookmakers quoted beside their odds ("威廉：1.22/4.80", "立博提高赔付率") read as names to LAC.
_ODDS = re.compile(r"赔|盘|赔率|主胜|客胜|\d\.\d\d")
_BOOKMAKER = re.compile(r"威廉(?:·?希尔)?|伟德|立博|韦德|易胜博|明升|澳彩|必发|bwin|bet365|snai|skybet", re.I)
_ORG_BEFORE = re.compile(r"(?:vs|VS|迎战|对阵|负于|战胜|击败|做客)\s*$")
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'\-]*")
# The same person's Latin-script name right after the Chinese one: "约翰·摩尔（johnmoore）",
# "吕建明jimmylui" (on CLUENER's non-held-out sentences: 17 of 21 such runs were the person).
_LATIN_ALIAS = re.compile(
    r"[（(][A-Za-z][A-Za-z .\-]*[A-Za-z][)）]|(?-i:[A-Za-z][a-z]+(?:[A-Z][a-z]+)*)(?![A-Za-z])"
)


class LacNameRecognizer(ModelRecognizer):
    """LAC tags names well in running Chinese text (张伟, 欧阳娜娜, 王经理, even John Smith)."""

    ENTITY = "PERSON"
    SCORE = 0.85

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities or not has_cjk(text):
            return []
        # In an English message keep only Chinese-script names: spaCy handles the Latin ones.
        cjk_only = self.supported_language != "zh"
        results = []
        for start, end in _person_spans(lac_words(text)):
            start, end = _strip_title(text, start, end)
            name = text[start:end]
            if any(ch.isdigit() for ch in name) or (cjk_only and not has_cjk(name)):
                continue
            if not _looks_like_a_person(text, start, end):
                continue
            end = _with_latin_alias(text, end) if has_cjk(name) else end
            results.append(self.result(start, end, "Tagged PER by LAC"))
        return results


def _person_spans(words: list[LacWord]) -> list[tuple[int, int]]:
    """PER words, with "John" + " " + "Smith" joined into one name."""
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if word.tag != "PER":
            continue
        joined = (
            spans
            and i >= 2
            and words[i - 1].text in _JOINERS
            and words[i - 2].tag == "PER"
            and spans[-1][1] == words[i - 1].start
        )
        if joined:
            spans[-1] = (spans[-1][0], word.end)
        else:
            spans.append((word.start, word.end))
    return spans


def _looks_like_a_person(text: str, start: int, end: int) -> bool:
    """Drops LAC's PER tags that the words around them contradict (see `_ORG_AFTER`)."""
    name = text[start:end]
    if name in DENY_WORDS or name[0] in _NOT_NAME_START or _ANONYMISED.fullmatch(name):
        return False
    if _ODDS.search(text) and _BOOKMAKER.fullmatch(name):
        return False
    if _LATIN.fullmatch(name) and name.lower() in _english_words():
        return False  # "login", "answer": English words in a Chinese message
    if _ORG_AFTER.match(text, end) or _ORG_BEFORE.search(text, 0, start):
        return False
    return not _inside_title(text, start, end)


def _with_latin_alias(text: str, end: int) -> int:
    alias = _LATIN_ALIAS.match(text, end)
    if alias is None:
        return end
    word = alias.group().strip("（()）")
    if word.lower() in _english_words() or word in DENY_WORDS or len(word) < 3:
        return end
    return alias.end()


def _inside_title(text: str, start: int, end: int) -> bool:
    """Inside 《…》: a book, film or game title, not a person."""
    opening = text.rfind("《", 0, start)
    return opening >= 0 and text.rfind("》", opening, start) < 0 and text.find("》", end) >= 0


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """spaCy's English stop words plus the words of a banking app that LAC reads as names."""
    from spacy.lang.en.stop_words import STOP_WORDS

    bank = {"login", "password", "answer", "limit", "expiry", "reply", "check", "result", "annual", "app"}
    return frozenset(STOP_WORDS) | bank


def _strip_title(text: str, start: int, end: int) -> tuple[int, int]:
    name = text[start:end]
    match = _TITLES.search(name)
    if match and match.start() > 0:
        return start, start + match.start()
    if len(name) > 1 and name.endswith("副") and _TITLE_AFTER.match(text, end):
        return start, end - 1  # LAC cuts "陈副|处长"
    return start, end


_TITLE_AFTER = re.compile(rf"副?(?:{TITLE_WORDS})")
_FAMILIAR = re.compile(rf"[小老]{SURNAME}")


def lone_surname(text: str, start: int, end: int) -> str | None:
    """The surname when text[start:end] names a person by surname alone: "王" in "王经理", "小王",
    "老郑". Said alone it identifies nobody (CLUENER, news text, leaves them unlabelled 742 times in
    829); the redactor keeps it only for a person whose full name is known (see `Redactor`)."""
    name = text[start:end]
    if len(name) == 1 and "\u4e00" <= name <= "\u9fff" and _TITLE_AFTER.match(text, end):
        return name
    if _FAMILIAR.fullmatch(name):
        return name[1:]
    return None
