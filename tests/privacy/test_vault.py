from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from privacy import SqlVault, VaultKeyError, generate_key


def test_same_value_gets_the_same_placeholder_across_turns(vault: SqlVault) -> None:
    first = vault.placeholder_for("c1", "PHONE_NUMBER", "13812345678")
    again = vault.placeholder_for("c1", "PHONE_NUMBER", "+86 138-1234-5678")
    assert first == again == "<PHONE_1>"


def test_different_values_get_numbered_placeholders_per_prefix(vault: SqlVault) -> None:
    assert vault.placeholder_for("c1", "PHONE_NUMBER", "13812345678") == "<PHONE_1>"
    assert vault.placeholder_for("c1", "PHONE_NUMBER", "010-12345678") == "<PHONE_2>"
    assert vault.placeholder_for("c1", "PERSON", "张伟") == "<NAME_1>"
    assert vault.placeholder_for("c1", "CN_ID_CARD", "11010519491231002x") == "<ID_CARD_1>"
    assert vault.placeholder_for("c1", "CN_ID_CARD", "11010519491231002X") == "<ID_CARD_1>"
    assert vault.placeholder_for("c1", "LOCATION", "建国路88号") == "<ADDRESS_1>"
    assert vault.placeholder_for("c1", "ADDRESS", "文三路478号") == "<ADDRESS_2>"
    assert vault.placeholders("c1") == [
        ("<PHONE_1>", "PHONE_NUMBER"),
        ("<PHONE_2>", "PHONE_NUMBER"),
        ("<NAME_1>", "PERSON"),
        ("<ID_CARD_1>", "CN_ID_CARD"),
        ("<ADDRESS_1>", "LOCATION"),
        ("<ADDRESS_2>", "ADDRESS"),
    ]


def test_conversations_are_independent(vault: SqlVault) -> None:
    assert vault.placeholder_for("a", "PHONE_NUMBER", "13812345678") == "<PHONE_1>"
    assert vault.placeholder_for("b", "PHONE_NUMBER", "13999999999") == "<PHONE_1>"
    assert vault.placeholder_for("b", "PHONE_NUMBER", "13812345678") == "<PHONE_2>"
    assert vault.reveal("a", "<PHONE_1>") == "13812345678"
    assert vault.reveal("b", "<PHONE_1>") == "13999999999"
    assert vault.reveal("a", "<PHONE_2>") is None


def test_reveal_returns_the_original_as_first_written(vault: SqlVault) -> None:
    placeholder = vault.placeholder_for("c1", "EMAIL_ADDRESS", "Zhang.Wei@Example.com")
    assert vault.reveal("c1", placeholder) == "Zhang.Wei@Example.com"
    assert vault.reveal("c1", "<EMAIL_9>") is None


def test_database_holds_no_original_value(vault: SqlVault, engine: Engine) -> None:
    originals = ["13812345678", "张伟", "11010519491231002X", "zhang.wei@example.com"]
    for value, kind in zip(originals, ["PHONE_NUMBER", "PERSON", "CN_ID_CARD", "EMAIL_ADDRESS"], strict=True):
        vault.placeholder_for("c1", kind, value)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM pii_vault")).all()
    dump = repr(rows)
    assert len(rows) == 4
    assert not [value for value in originals if value in dump or value.lower() in dump]


def test_wrong_key_cannot_decrypt(vault: SqlVault, engine: Engine) -> None:
    placeholder = vault.placeholder_for("c1", "PHONE_NUMBER", "13812345678")
    other = SqlVault(engine, generate_key())
    with pytest.raises(VaultKeyError):
        other.reveal("c1", placeholder)


def test_invalid_key_is_refused(engine: Engine) -> None:
    with pytest.raises(VaultKeyError):
        SqlVault(engine, "not-a-fernet-key")


def test_concurrent_writers_get_distinct_placeholders(vault: SqlVault) -> None:
    values = [f"1381234{n:04d}" for n in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        placeholders = list(pool.map(lambda v: vault.placeholder_for("c1", "PHONE_NUMBER", v), values * 2))
    first, second = placeholders[: len(values)], placeholders[len(values) :]
    assert first == second
    assert sorted(first) == sorted(f"<PHONE_{n}>" for n in range(1, 25))
    assert [vault.reveal("c1", p) for p in first] == values


def test_a_whole_message_is_stored_in_one_batch_with_stable_placeholders(vault: SqlVault) -> None:
    first = vault.placeholders_for("conv-b", [("PHONE_NUMBER", "13812345678"), ("PERSON", "张伟")])
    again = vault.placeholders_for(
        "conv-b", [("PERSON", "张伟"), ("PHONE_NUMBER", "138 1234 5678"), ("PHONE_NUMBER", "13900001111")]
    )
    assert first == ["<PHONE_1>", "<NAME_1>"]
    assert again == ["<NAME_1>", "<PHONE_1>", "<PHONE_2>"]
    assert vault.placeholder_for("conv-b", "PHONE_NUMBER", "一三九零零零零一一一一") == "<PHONE_2>"
    assert [(v.placeholder, v.original) for v in vault.known_values("conv-b")] == [
        ("<PHONE_1>", "13812345678"),
        ("<NAME_1>", "张伟"),
        ("<PHONE_2>", "13900001111"),
    ]


def test_a_batch_from_a_stale_snapshot_retries_and_keeps_placeholders_distinct(vault: SqlVault) -> None:
    """`known=[]` is a snapshot taken before another writer's rows: the insert breaks a unique
    constraint (raised by the driver itself), and the retry reads the table afresh."""
    assert vault.placeholders_for("conv-s", [("PHONE_NUMBER", "13812345678")], []) == ["<PHONE_1>"]
    assert vault.placeholders_for("conv-s", [("PHONE_NUMBER", "13900001111")], []) == ["<PHONE_2>"]
    assert vault.placeholders_for("conv-s", [("PHONE_NUMBER", "138 1234 5678")], []) == ["<PHONE_1>"]
    assert [v.original for v in vault.known_values("conv-s")] == ["13812345678", "13900001111"]


# -- key rotation, erasure, retention (issue 12: PIPL rights) -------------------------------------------
def test_rotation_rewrites_every_row_under_the_new_key_while_both_keep_working(
    engine: Engine, vault_key: str
) -> None:
    old = SqlVault(engine, vault_key)
    phone = old.placeholder_for("c1", "PHONE_NUMBER", "13812345678")
    old.placeholder_for("c2", "PERSON", "张伟")
    new_key = generate_key()
    rotating = SqlVault(engine, new_key, old_keys=[vault_key])  # every worker during the rotation
    assert rotating.pending_rotation() == 2
    # Before the rows are rotated the same value still maps to its placeholder, and reads work.
    assert rotating.placeholder_for("c1", "PHONE_NUMBER", "+86 138 1234 5678") == phone
    assert rotating.placeholders_for("c1", [("PHONE_NUMBER", "13812345678"), ("PERSON", "李娜")]) == [
        phone,
        "<NAME_1>",
    ]
    assert rotating.reveal("c1", phone) == "13812345678"
    assert rotating.rotate(batch=1) == 1  # batches: short transactions
    assert rotating.rotate() == 1
    assert rotating.rotate() == 0 and rotating.pending_rotation() == 0
    done = SqlVault(engine, new_key)  # the old key dropped
    assert done.reveal("c1", phone) == "13812345678"
    assert done.reveal("c2", "<NAME_1>") == "张伟"
    assert done.placeholder_for("c1", "PHONE_NUMBER", "13812345678") == phone  # re-digested
    with pytest.raises(VaultKeyError):
        SqlVault(engine, vault_key).reveal("c1", phone)


def test_erase_removes_the_originals_of_the_named_conversations_only(vault: SqlVault) -> None:
    vault.placeholder_for("c1", "PHONE_NUMBER", "13812345678")
    vault.placeholder_for("c1", "PERSON", "张伟")
    vault.placeholder_for("c2", "PERSON", "张伟")
    assert vault.erase(["c1"]) == 2
    assert vault.reveal("c1", "<PHONE_1>") is None and vault.placeholders("c1") == []
    assert vault.reveal("c2", "<NAME_1>") == "张伟"


def test_purge_before_a_date_keeps_newer_originals(vault: SqlVault, engine: Engine) -> None:
    vault.placeholder_for("old", "PHONE_NUMBER", "13812345678")
    with engine.begin() as connection:
        connection.execute(text("UPDATE pii_vault SET created_at = '2020-01-01 00:00:00'"))
    vault.placeholder_for("new", "PHONE_NUMBER", "13812345678")
    assert vault.purge_before(datetime(2021, 1, 1, tzinfo=UTC)) == 1
    assert vault.reveal("old", "<PHONE_1>") is None
    assert vault.reveal("new", "<PHONE_1>") == "13812345678"
