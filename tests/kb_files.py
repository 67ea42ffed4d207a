"""Knowledge-admin test helpers: upload files made in code (a tiny PDF written by hand, a DOCX written
with python-docx) and customer questions stored as the pipeline stores them."""

from __future__ import annotations

import io
import uuid

from core.wiring import Services
from storage.models import Conversation, Message


def seed_questions(services: Services, unanswered: list[str], answered: tuple[str, ...] = ()) -> None:
    """Redacted customer questions in one new conversation: `unanswered` ended in a fallback,
    `answered` were answered confidently (and so are no gap)."""
    rows = [(text, "fallback", 0.1) for text in unanswered] + [(text, "answer", 0.9) for text in answered]
    with services.sessions() as session:
        conv = Conversation(channel="web", customer_ref=f"cust-{uuid.uuid4().hex[:8]}")
        session.add(conv)
        session.flush()
        for seq, (text, action, confidence) in enumerate(rows, start=1):
            session.add(
                Message(
                    conversation_id=conv.id,
                    seq=seq,
                    role="customer",
                    text=text,
                    intent="faq",
                    action=action,
                    confidence=confidence,
                )
            )
        session.commit()


def tiny_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A one-page PDF with Helvetica text (ASCII only: the standard fonts have no CJK glyphs)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
    for line in lines:
        ops.append(f"({escape(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    info = f"<< /Title ({escape(title)}) >>" if title else "<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info.encode("latin-1"),
    ]
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
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def docx_bytes(title: str, sections: list[tuple[str, str]]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=0)
    for heading, text in sections:
        doc.add_heading(heading, level=1)
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
