"""Bank account numbers that are not card numbers (corporate and passbook accounts): 12–25 digits
right after 账号/账户/存折 — without the word, a long number is an order as often as an account."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_BEFORE_ALNUM, ContextPatternRecognizer, after_words

_WORDS = r"账号|帐号|账户|帐户|存折号?|户号|account(?: number| no\.?)?|a/c(?: no\.?)?"


class BankAccountRecognizer(ContextPatternRecognizer):
    ENTITY = "BANK_ACCOUNT"
    PREFILTER = r"\d{12}"
    PATTERNS = [
        Pattern(
            "account_after_word",
            after_words(_WORDS, r"[^\d\n]{0,8}?") + r"\d{12,25}" + NOT_BEFORE_ALNUM,
            0.7,
        )
    ]
    CONTEXT = ["账号", "账户", "帐号", "存折", "account"]
