from __future__ import annotations

from collections.abc import Callable

import pytest

from privacy import Redactor

Find = Callable[[str], list[tuple[str, int, int]]]
Spans = Callable[[str, list[tuple[str, str]]], list[tuple[str, int, int]]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我叫张伟，想办信用卡", [("PERSON", "张伟")]),
        ("王经理说王伟明天给我回电话", [("PERSON", "王"), ("PERSON", "王伟")]),
        ("李秀英女士您好", [("PERSON", "李秀英")]),
        ("欧阳娜娜的卡丢了", [("PERSON", "欧阳娜娜")]),
        ("任玉英经理说额度可以提高", [("PERSON", "任玉英")]),
        ("姓名：刘洋", [("PERSON", "刘洋")]),
        ("张三丰和李四去了招商银行", [("PERSON", "张三丰"), ("PERSON", "李四")]),
        ("My name is John Smith, my card was stolen", [("PERSON", "John Smith")]),
        ("Please ask Mary Johnson to call me back", [("PERSON", "Mary Johnson")]),
        ("我的客户经理是John Smith，他说可以", [("PERSON", "John Smith")]),
        ("请转告David Lee我明天来", [("PERSON", "David Lee")]),
        ("我的English name是Peggy Rivera，想开户", [("PERSON", "Peggy Rivera")]),
        ("My name is 张伟", [("PERSON", "张伟")]),
    ],
)
def test_names_are_found_in_chinese_english_and_mixed_text(
    text: str, expected: list[tuple[str, str]], find: Find, spans: Spans
) -> None:
    assert find(text) == spans(text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "王经理说明天给我回电话",  # a surname alone, no full name known: identifies nobody
        "陈副处长证实了这件事",
        "昨天小王帮我办的卡",
        "法院判决张某赔偿三万元",  # already anonymised
        "赔率统计：威廉：1.22/4.80/10.00",  # a bookmaker beside its odds
        "盖蒂中心是游客必访的景点",  # an institution named after a person
    ],
)
def test_what_only_looks_like_a_name_is_left(text: str, find: Find) -> None:
    assert [kind for kind, _, _ in find(text)] == []


def test_a_surname_alone_is_redacted_when_the_full_name_is_known(redactor: Redactor) -> None:
    redactor.redact("我叫李秀英", "c-surname")
    later = redactor.redact("李女士的卡什么时候寄到", "c-surname")
    assert "李" not in later.text
    assert redactor.redact("李女士的卡什么时候寄到", "c-other").text == "李女士的卡什么时候寄到"


@pytest.mark.parametrize(
    "text, address",
    [
        ("我住在北京市朝阳区建国路88号院3号楼2单元501室", "北京市朝阳区建国路88号院3号楼2单元501室"),
        ("寄到上海市浦东新区张江镇科苑路123弄45号", "上海市浦东新区张江镇科苑路123弄45号"),
        ("地址：成都市武侯区人民南路四段12号", "成都市武侯区人民南路四段12号"),
        ("账单寄到广东省深圳市南山区深南大道10000号就行", "广东省深圳市南山区深南大道10000号"),
        ("杭州市西湖区文三路478号华星时代广场A座1502", "杭州市西湖区文三路478号华星时代广场A座1502"),
        ("我家在阳光花园3栋2单元501", "阳光花园3栋2单元501"),
        ("I live at 221B Baker Street, London.", "221B Baker Street"),
        ("ship it to 12 Queen's Road Central, Flat 3", "12 Queen's Road Central, Flat 3"),
    ],
)
def test_street_addresses_are_found(text: str, address: str, find: Find, spans: Spans) -> None:
    assert find(text) == spans(text, [("ADDRESS", address)])


@pytest.mark.parametrize(
    "text",
    [
        "北京",
        "我在北京工作，想办信用卡",
        "我在北京市朝阳区",  # district level: not worth a placeholder
        "我在人民路支行办的卡",
        "招商银行深南大道支行几点关门",
        "我是想问一下信用卡的年费",
        "高级经理说可以",
        "大堂经理让我填表",
        "用Visa卡在London消费了",
        "Apple Pay绑卡失败",
        "I was in Shanghai last week",
    ],
)
def test_cities_branches_and_roles_are_not_flagged(text: str, find: Find) -> None:
    assert find(text) == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("姜山：这张卡的年费怎么算", "姜山"),  # LAC reads 姜山 as a place
        ("我先问完。\n金石开：我的信用卡被盗刷了", "金石开"),
    ],
)
def test_a_speaker_label_at_the_start_of_a_line_is_a_name(
    text: str, name: str, find: Find, spans: Spans
) -> None:
    assert find(text) == spans(text, [("PERSON", name)])


@pytest.mark.parametrize(
    "text",
    [
        "主持人：请介绍一下这张卡",  # a role, no surname
        "请填写姓名和地址",  # 和 is a surname too, but not after 姓名
        "请核对户名是否正确",
        "login一直失败怎么办",  # English words LAC tags PER in a Chinese message
        "请问answer在哪里",
        "我在看《叶问》，顺便问下理财",
        "周末去埃托沙国家公园刷卡有优惠吗",
    ],
)
def test_labels_english_words_titles_and_places_are_not_names(text: str, find: Find) -> None:
    assert [f for f in find(text) if f[0] == "PERSON"] == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("约翰·摩尔（johnmoore）说可以", "约翰·摩尔（johnmoore）"),  # the Latin form is the same person
        ("吕建明jimmylui昨天来过", "吕建明jimmylui"),
        ("（记者左艾甫）昨天走访了网点", "左艾甫"),
    ],
)
def test_a_name_keeps_its_latin_form_and_bylines_are_names(
    text: str, name: str, find: Find, spans: Spans
) -> None:
    assert find(text) == spans(text, [("PERSON", name)])


def test_a_product_word_after_a_name_stays(find: Find, spans: Spans) -> None:
    text = "王芳visa卡丢了"
    assert find(text) == spans(text, [("PERSON", "王芳")])
