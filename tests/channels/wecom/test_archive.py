"""Archive feed → redacted group messages (real redactor; the feed is the JSON Lines export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from channels.wecom.archive import JsonlArchiveFeed, RedactingArchiveReader
from privacy import Redactor

GROUP = "wrQingheGroup01"


def entry(seq: int, sender: str, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "msgid": f"arch{seq}",
        "action": "send",
        "from": sender,
        "tolist": ["li.na"],
        "roomid": GROUP,
        "msgtime": 1_780_000_000_000 + seq * 1000,
        "msgtype": "text",
        "text": {"content": content},
        **extra,
    }


def write_feed(folder: Path, entries: list[dict[str, Any]], name: str = "export.jsonl") -> None:
    with (folder / name).open("w", encoding="utf-8") as out:
        for item in entries:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


def test_messages_are_redacted_before_they_are_returned(tmp_path: Path, redactor: Redactor) -> None:
    write_feed(
        tmp_path,
        [
            entry(1, "wmCustA", "@小禾 我的手机号13812345678，信用卡怎么提额？"),
            entry(2, "li.na", "请大家不要在群里发身份证号"),
        ],
    )
    messages, cursor = RedactingArchiveReader(JsonlArchiveFeed(tmp_path), redactor).read(after_seq=0)
    assert cursor == 2
    first = messages[0]
    assert "13812345678" not in first.text and "<PHONE_1>" in first.text
    assert first.pii_types == {"PHONE_NUMBER"}
    assert first.mentions == ("小禾",)
    assert first.from_customer and not messages[1].from_customer
    assert first.sent_at.year == 2026


def test_cursor_ordering_and_filtering(tmp_path: Path, redactor: Redactor) -> None:
    write_feed(tmp_path, [entry(3, "wmCustA", "第三条"), entry(1, "wmCustB", "第一条")], "a.jsonl")
    write_feed(
        tmp_path,
        [
            entry(2, "wmCustA", "第二条"),
            entry(4, "wmCustA", "私聊", roomid=""),  # one-to-one: not a group message
            entry(5, "wmCustA", "", msgtype="image", image={"md5sum": "x"}),
            entry(6, "wmCustA", "撤回", action="recall"),
            entry(7, "wmCustB", "第七条"),
        ],
        "b.jsonl",
    )
    reader = RedactingArchiveReader(JsonlArchiveFeed(tmp_path), redactor)
    page, cursor = reader.read(after_seq=0, limit=3)
    assert [m.text for m in page] == ["第一条", "第二条", "第三条"] and cursor == 3
    page, cursor = reader.read(after_seq=cursor)
    assert [m.seq for m in page] == [7] and cursor == 7  # skipped entries still move the cursor
    assert reader.read(after_seq=cursor) == ([], 7)


def test_a_malformed_export_line_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text('{"msgid": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:1"):
        JsonlArchiveFeed(tmp_path).fetch(0)
