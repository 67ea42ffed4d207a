"""WeChat ids (微信号): `wxid_…` on their own, any other id only right after 微信号/vx/加V."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ContextPatternRecognizer, after_words

# A WeChat id: 6–20 letters, digits, `_` or `-`, starting with a letter.
_ID = r"[A-Za-z][-_A-Za-z0-9]{5,19}"
_WORDS = r"微信号?|薇信|威信|V信|(?<![A-Za-z])(?:vx|wx|weixin|wechat(?: id)?|[Vv]:)|加[Vv微]"


class WeChatIdRecognizer(ContextPatternRecognizer):
    ENTITY = "WECHAT_ID"
    PREFILTER = r"[a-z]{2}"
    PATTERNS = [
        Pattern("wxid", NOT_AFTER_ALNUM + r"wxid_[a-z0-9]{6,22}" + NOT_BEFORE_ALNUM, 0.85),
        Pattern("wechat_after_word", after_words(_WORDS) + _ID + NOT_BEFORE_ALNUM, 0.75),
    ]
    CONTEXT = ["微信", "vx", "wechat", "加v"]
