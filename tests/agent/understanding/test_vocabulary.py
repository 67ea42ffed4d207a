from __future__ import annotations

from agent.understanding.vocabulary import SlotVocabulary


def test_card_names_come_from_the_knowledge_base(vocabulary: SlotVocabulary) -> None:
    cards = set(vocabulary.words["card"])
    assert {"青禾白金卡", "白金卡", "金卡", "青春卡", "信用卡", "借记卡"} <= cards
    assert not {"补卡", "换卡"} & cards  # actions on a card are not card types


def test_words_the_base_never_uses_are_left_out() -> None:
    vocabulary = SlotVocabulary.from_texts(["信用卡年费100元，可在App办理。"])
    assert "信用卡" in vocabulary.words["card"]
    assert "年费" in vocabulary.words["attribute"]
    assert "App" in vocabulary.words["channel"]
    assert "定期存款" not in vocabulary.words["product"]
    assert "美元" not in vocabulary.words["currency"]


def test_open_classes_match_any_number(vocabulary: SlotVocabulary) -> None:
    found = {(v.slot, v.value) for v in vocabulary.find("定期存款5年利率，转账超过十万")}
    assert {("product", "定期存款"), ("term", "5年"), ("attribute", "利率"), ("amount", "十万")} <= found


def test_longer_words_win_and_latin_words_match_whole() -> None:
    vocabulary = SlotVocabulary.from_texts(["青禾白金卡 青禾白金卡 青禾金卡 annual fee, a separate rate"])
    assert [v.value for v in vocabulary.find("青禾白金卡年费")] == ["青禾白金卡"]
    assert [v.value for v in vocabulary.find("separately")] == []
    assert vocabulary.slots("what is the annual fee?") == {"attribute": "annual fee"}


def test_subjects_are_the_same_in_either_language_and_with_or_without_the_brand() -> None:
    vocabulary = SlotVocabulary.from_texts(
        ["青禾白金卡 青禾金卡 青禾青春卡 信用卡 Qinghe Platinum Card, Qinghe Gold Card, credit card"]
    )
    assert vocabulary.subjects("annual fee of the Qinghe Platinum Card") == {"白金卡"}
    assert vocabulary.subjects("青禾白金卡年费") == vocabulary.subjects("白金卡年费") == {"白金卡"}
    assert vocabulary.subjects("what about the gold card?") == {"金卡"}
    assert "金卡" not in vocabulary.subjects("青禾白金卡年费800元")  # a whole word, not a substring
    assert vocabulary.subjects("credit card fees") == vocabulary.subjects("信用卡收费") == {"信用卡"}
