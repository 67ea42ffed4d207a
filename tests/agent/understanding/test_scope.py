from __future__ import annotations

import pytest

from agent.understanding.scope import Gazetteer

ANNUAL_FEE = "青禾标准卡年费100元，首年免年费。"


@pytest.mark.parametrize(
    ("question", "passage", "subject", "kind"),
    [
        ("工商银行的信用卡年费多少", ANNUAL_FEE, "工商银行", "bank"),
        ("借呗怎么提额", "持卡满6个月可申请信用卡提额。", "借呗", "company_product"),
        ("医保卡丢了怎么补", "借记卡补卡工本费10元。", "医保卡", "government"),
        ("宁夏银行的卡年费多少", ANNUAL_FEE, "宁夏银行", "bank"),
        ("What is the annual fee of an ICBC credit card?", ANNUAL_FEE, "ICBC", "bank"),
    ],
)
def test_subjects_that_are_not_ours(
    gazetteer: Gazetteer, question: str, passage: str, subject: str, kind: str
) -> None:
    check = gazetteer.check(question, passage)
    assert (check.verdict, check.subject, check.kind) == ("not_ours", subject, kind)


def test_a_product_the_base_never_mentions_is_not_offered(gazetteer: Gazetteer) -> None:
    check = gazetteer.check("你们有纸黄金吗", "大额存单20万元起存。")
    assert (check.verdict, check.subject) == ("not_offered", "纸黄金")


@pytest.mark.parametrize(
    ("question", "passage"),
    [
        ("青禾银行信用卡年费多少", ANNUAL_FEE),
        ("从工商银行转账到你们行要手续费吗", "跨行转账免手续费。"),
        ("在其他银行的ATM取钱收费吗", "在境内其他银行ATM取现每月前3笔免费。"),
        ("黄金周网点营业吗", "节假日网点营业时间。"),
        ("征信报告在中国人民银行怎么查", "可登录中国人民银行征信中心查询。"),
        ("手机银行登录不了", "忘记登录密码可在登录页重置。"),
        ("社保卡丢了", "社保卡挂失请联系社保卡服务网点。"),  # the passage covers it
    ],
)
def test_questions_about_our_services(gazetteer: Gazetteer, question: str, passage: str) -> None:
    assert gazetteer.check(question, passage).ours


@pytest.mark.parametrize(
    "question",
    [
        "我刚才在你们银行的ATM存钱，钱没到账",
        "想给老人办银行卡要带什么",
        "汇5千到别的银行要多久",
        "短信里说是银行发的链接能点吗",
        "下周我要去银行办业务几点开门",
    ],
)
def test_the_words_before_bank_are_no_bank_name(gazetteer: Gazetteer, question: str) -> None:
    """"在你们银行", "办银行卡", "到别的银行": the sentence before 银行 is not the name of another bank."""
    assert gazetteer.mentions(question) == []


@pytest.mark.parametrize(
    ("question", "name"), [("我在长沙银行有张卡", "长沙银行"), ("贵州银行年费", "贵州银行")]
)
def test_an_unlisted_bank_is_still_found(gazetteer: Gazetteer, question: str, name: str) -> None:
    assert gazetteer.mentions(question) == [(name, "bank")]
