from __future__ import annotations

import pytest

from knowledge.bm25 import BM25Index, tokenize
from knowledge.vocabulary import BANK_TERMS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的信用卡丢了怎么挂失", {"信用卡", "挂失"}),
        ("大额存单利率是多少", {"大额存单", "利率"}),
        ("手机银行转账限额", {"手机银行", "转账限额"}),
        ("房贷提前还款要违约金吗", {"房贷", "提前还款", "违约金"}),
        ("信用卡免息期和最低还款", {"免息期", "最低还款"}),
        ("理财产品风险评估", {"理财", "风险评估"}),
        ("怎么查征信", {"征信"}),
    ],
)
def test_bank_vocabulary_is_kept_whole(text: str, expected: set[str]) -> None:
    assert expected <= set(tokenize(text))


def test_stopwords_and_punctuation_are_dropped_and_text_lowercased() -> None:
    tokens = tokenize("请问，我的ATM卡的密码怎么改？")
    assert "atm" in tokens
    assert not {"请问", "我", "的", "怎么", "，", "？"} & set(tokens)


def test_traditional_chinese_tokenizes_like_simplified() -> None:
    assert tokenize("我的信用卡丟了怎麼掛失") == tokenize("我的信用卡丢了怎么挂失")
    assert tokenize("手機銀行轉帳限額") == tokenize("手机银行转账限额")
    assert {"大额存单", "征信"} <= set(tokenize("大額存單會影響徵信嗎"))


def test_full_width_letters_and_digits_are_normalised() -> None:
    assert tokenize("ＡＴＭ取款２万") == tokenize("ATM取款2万")


def test_vocabulary_has_no_duplicates() -> None:
    assert len(BANK_TERMS) == len(set(BANK_TERMS))


def test_bm25_ranks_the_document_sharing_rare_terms_first() -> None:
    index = BM25Index(
        [
            ("loss", "借记卡丢失后请立即挂失"),
            ("rate", "大额存单一年期利率1.30%"),
            ("limit", "手机银行转账限额为单笔5万元"),
        ]
    )
    scores = index.scores("卡丢了怎么挂失")
    assert max(scores, key=scores.__getitem__) == "loss"
    assert index.scores("的了吗") == {}
    assert BM25Index([]).scores("挂失") == {}
