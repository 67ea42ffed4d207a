"""Hostile uploads made in code: small files that expand into huge work (the findings of issue 12)."""

from __future__ import annotations

import io
import zipfile


def yaml_alias_bomb_markdown() -> bytes:
    """Markdown whose front matter nests 9 anchors nine-fold: about 550 bytes, 9⁹ strings once expanded
    (the value lands in `category`, which the loader turns into text)."""
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines += ["id: bomb", "title: Bomb", "category: *i", "---", "", "body text"]
    return "\n".join(lines).encode()


def _docx_with_body(body_xml: str, *, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A DOCX from python-docx's own template with `word/document.xml`'s body replaced."""
    from docx import Document

    template = io.BytesIO()
    Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w", compress, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode()
                start = text.index("<w:body>") + len("<w:body>")
                end = text.index("</w:body>")
                data = (text[:start] + body_xml + text[end:]).encode()
            dst.writestr(info.filename, data)
    return out.getvalue()


def docx_many_paragraphs(count: int = 200_000) -> bytes:
    """A ~20 kB DOCX with `count` one-word paragraphs (it froze the server for 106 s)."""
    return _docx_with_body("<w:p><w:r><w:t>x</w:t></w:r></w:p>" * count)


def docx_malformed_xml() -> bytes:
    """A DOCX whose document.xml is not well-formed XML (an uncaught XMLSyntaxError before)."""
    good = _docx_with_body("<w:p><w:r><w:t>ok</w:t></w:r></w:p>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p><unclosed></w:body>")
            dst.writestr(info.filename, data)
    return out.getvalue()


def docx_zip_bomb(unpacked_mib: int) -> bytes:
    """A valid DOCX plus a custom part of `unpacked_mib` MiB of spaces (about 5 kB per MiB compressed)."""
    good = _docx_with_body("<w:p><w:r><w:t>ok</w:t></w:r></w:p>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                # Filler inside the body part itself, so python-docx must read it whole.
                data = data.replace(b"<w:body>", b"<w:body><!--" + b" " * (unpacked_mib << 20) + b"-->")
            dst.writestr(info.filename, data, compresslevel=1)
    return out.getvalue()


def pdf_many_pages(count: int = 5_000) -> bytes:
    """A PDF with `count` pages that each show one line of text (5,000 pages took 14 s)."""
    content = b"BT /F1 12 Tf 72 720 Td (page text) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + i) for i in range(count)) + b"] /Count %d >>"
        % count,
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    )
    objects += [page] * count
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def faq_csv(rows: int) -> bytes:
    lines = ["id,question,answer,category,tags"]
    lines += [f"q{i},Question {i}?,Answer {i}.,fee,bulk" for i in range(rows)]
    return "\n".join(lines).encode()
