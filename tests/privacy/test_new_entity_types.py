"""The entity types added for issue 10, in Presidio's style: what each finds and what it leaves."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("微信号：zhangwei_88", [("WECHAT_ID", "zhangwei_88")]),
        ("加我wxid_abc123def456", [("WECHAT_ID", "wxid_abc123def456")]),
        ("加V：wei-lee2020", [("WECHAT_ID", "wei-lee2020")]),
        ("有事加微信 lucky_star", [("WECHAT_ID", "lucky_star")]),
        ("QQ号 123456789", [("QQ_NUMBER", "123456789")]),
        ("我的qq是 88886666", [("QQ_NUMBER", "88886666")]),
        ("对公账户 1234567890123456789", [("BANK_ACCOUNT", "1234567890123456789")]),
        ("存折账号：310066726018010012345", [("BANK_ACCOUNT", "310066726018010012345")]),
        ("港澳通行证C12345678", [("TRAVEL_PERMIT", "C12345678")]),
        ("回乡证H12345678", [("TRAVEL_PERMIT", "H12345678")]),
        ("台胞证 12345678", [("TRAVEL_PERMIT", "12345678")]),
        ("往来台湾通行证L12345678", [("TRAVEL_PERMIT", "L12345678")]),
        ("护照号 123456789", [("PASSPORT", "123456789")]),
        ("passport no. K1234567", [("PASSPORT", "K1234567")]),
        ("车牌粤B·12345", [("LICENSE_PLATE", "粤B·12345")]),
        ("我的车京AD12345停在楼下", [("LICENSE_PLATE", "京AD12345")]),
        ("zhang at qq dot com", [("EMAIL_ADDRESS", "zhang at qq dot com")]),
    ],
)
def test_new_types_are_found(text: str, expected: list[tuple[str, str]], find: Find, spans: Spans) -> None:
    assert find(text) == spans(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "我的微信绑定了这张卡",  # WeChat without an id
        "QQ音乐会员怎么开",
        "账户余额不足",
        "型号C1234567的读卡器",  # one letter and seven digits: not a permit shape
        "The meeting is at home dot com time",  # prose, not an address
        "available at example.com",  # "at" before a domain in prose
        "京东白条可以还吗",
    ],
)
def test_look_alikes_are_not_found(text: str, find: Find) -> None:
    assert find(text) == []
