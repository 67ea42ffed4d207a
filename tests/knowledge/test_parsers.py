"""DOCX uploads: the title comes from the document, and headings keep their level."""

from __future__ import annotations

import io

from knowledge.parsers import parse_upload


def _docx(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """(text, heading level or None for a plain paragraph); no Title style, no core-properties title."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = ""
    for text, level in paragraphs:
        if level is None:
            doc.add_paragraph(text)
        else:
            doc.add_heading(text, level=level)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_first_heading_1_is_the_title_not_the_file_name() -> None:
    data = _docx([("外汇兑换须知", 1), ("营业时间", 2), ("工作日九点至五点。", None)])
    [doc] = parse_upload("fx-rules.docx", data)
    assert doc.title == "外汇兑换须知"
    assert "外汇兑换须知" not in doc.body


def test_docx_headings_sit_below_the_title_in_the_body() -> None:
    data = _docx([("保管箱", 1), ("租金", 2), ("小号每年三百元。", None), ("大号", 3), ("八百元。", None)])
    [doc] = parse_upload("box.docx", data)
    assert doc.title == "保管箱"
    assert "### 租金" in doc.body and "#### 大号" in doc.body


def test_docx_with_a_title_style_keeps_heading_1_as_sections() -> None:
    from docx import Document

    word = Document()
    word.add_heading("保管箱租用须知", level=0)
    word.add_heading("租金", level=1)
    word.add_paragraph("小号保管箱年租金三百元。")
    out = io.BytesIO()
    word.save(out)
    [doc] = parse_upload("rules.docx", out.getvalue())
    assert doc.title == "保管箱租用须知"
    assert "## 租金" in doc.body
