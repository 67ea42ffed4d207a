"""Uploaded files → validated `Document`s: Markdown and FAQ (YAML/CSV) through the folder loaders, plus
PDF (pypdf), DOCX (python-docx) and HTML (stdlib parser) turned into Markdown-like text with headings.

Everything is parsed and validated before anything is stored, so a bad upload changes nothing. Errors
are `UploadError`s whose `code` the API returns as is. `ParseLimits` bounds what a small file may expand
to (pages, paragraphs, rows, unpacked bytes, text); `knowledge.sandbox` adds time and memory limits by
running this module in a separate process.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

from knowledge.errors import IngestError, LimitExceeded
from knowledge.loaders import CATEGORIES, FAQ_SUFFIXES, Document, load_faq, load_markdown

RICH_SUFFIXES: frozenset[str] = frozenset({".pdf", ".docx", ".html", ".htm"})
SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".md", *FAQ_SUFFIXES, *RICH_SUFFIXES})
DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
SOURCE_PREFIX = "upload:"

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")
_BLANKS = re.compile(r"\n{3,}")


class UploadError(IngestError):
    """An upload that cannot become documents; `code` names the problem for API clients."""

    def __init__(self, code: str, source: object, problem: str) -> None:
        super().__init__(source, problem)
        self.code = code


@dataclass(frozen=True)
class ParseLimits:
    """How far one upload may expand once parsed; past any of these it is refused as `file_too_complex`."""

    max_pages: int = 1_000  # PDF
    max_paragraphs: int = 50_000  # DOCX, tables' paragraphs included
    max_table_cells: int = 100_000  # DOCX
    max_unpacked_bytes: int = 100 * 1024 * 1024  # DOCX: the zip's members once inflated
    max_rows: int = 5_000  # FAQ items (CSV rows, YAML list entries)
    max_text_chars: int = 5_000_000  # extracted text of one document


DEFAULT_LIMITS = ParseLimits()


@dataclass(frozen=True)
class UploadMeta:
    """What the editor types next to a PDF/DOCX/HTML file (those formats carry no front matter)."""

    category: str = "policy"
    doc_id: str | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()


def parse_upload(
    filename: str, data: bytes, meta: UploadMeta | None = None, limits: ParseLimits = DEFAULT_LIMITS
) -> list[Document]:
    """The documents in one uploaded file; a FAQ file gives one document per question."""
    meta = meta or UploadMeta()
    name = Path(filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UploadError(
            "unsupported_format", name, f"unsupported file type {suffix or '(none)'}; use {allowed}"
        )
    if not data.strip():
        raise UploadError("empty_file", name, "the file is empty")
    if suffix in RICH_SUFFIXES:
        documents = [_rich_document(name, suffix, data, meta, limits)]
    else:
        documents = _loader_documents(name, suffix, data)
        if not documents:
            raise UploadError("empty_faq", name, "the FAQ file holds no question/answer rows")
        if len(documents) > limits.max_rows:
            raise _too_complex(name, f"{len(documents):,} FAQ items; at most {limits.max_rows:,} per file")
    for doc in documents:
        if len(doc.body) > limits.max_text_chars:
            raise _too_complex(name, f"more than {limits.max_text_chars:,} characters of text in {doc.id!r}")
    seen: set[str] = set()
    for doc in documents:
        if not DOC_ID.match(doc.id):
            raise UploadError("invalid_id", name, f"id {doc.id!r} must be 1-64 of A-Z a-z 0-9 . _ -")
        if doc.id in seen:
            raise UploadError("duplicate_id", name, f"id {doc.id!r} appears twice in the file")
        seen.add(doc.id)
    return documents


def _loader_documents(name: str, suffix: str, data: bytes) -> list[Document]:
    """Reuse the folder loaders (they read paths) on a temporary copy, then name the upload as source."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            docs = [load_markdown(path)] if suffix == ".md" else load_faq(path)
        except UploadError:
            raise
        except LimitExceeded as exc:
            raise _too_complex(name, exc.problem) from exc
        except IngestError as exc:
            raise UploadError("invalid_content", name, exc.problem) from exc
    return [replace(doc, source=SOURCE_PREFIX + name) for doc in docs]


def _too_complex(name: str, problem: str) -> UploadError:
    return UploadError(LimitExceeded.code, name, problem)


def _rich_document(name: str, suffix: str, data: bytes, meta: UploadMeta, limits: ParseLimits) -> Document:
    if suffix == ".pdf":
        found_title, body = _pdf_text(name, data, limits)
    elif suffix == ".docx":
        found_title, body = _docx_text(name, data, limits)
    else:
        found_title, body = _html_text(name, data)
    body = _BLANKS.sub("\n\n", body).strip()
    if not body:
        raise UploadError("no_text", name, "no text could be extracted (a scanned PDF needs OCR first)")
    category = meta.category.strip().lower()
    if category not in CATEGORIES:
        raise UploadError("invalid_category", name, f"category must be one of {'/'.join(sorted(CATEGORIES))}")
    stem = _SLUG.sub("-", Path(name).stem).strip("-._")[:64] or "document"
    return Document(
        id=(meta.doc_id or stem).strip(),
        title=(meta.title or found_title or Path(name).stem).strip(),
        category=category,
        tags=tuple(dict.fromkeys(t.strip() for t in meta.tags if t.strip())),
        source=SOURCE_PREFIX + name,
        body=body,
        kind="doc",
    )


def _pdf_text(name: str, data: bytes, limits: ParseLimits) -> tuple[str | None, str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import DictionaryObject

    try:
        reader = PdfReader(io.BytesIO(data))
        # The page tree's declared count first (reading it is cheap; flattening 5,000 pages is not),
        # then the real count, which a forged /Count cannot hide (the sandbox's time limit bounds it).
        tree = reader.root_object.get("/Pages")
        tree = tree.get_object() if tree is not None else None
        declared = tree.get("/Count", 0) if isinstance(tree, DictionaryObject) else 0
        _check_pages(name, declared if isinstance(declared, int) else 0, limits)
        _check_pages(name, len(reader.pages), limits)
        pages: list[str] = []
        chars = 0
        for page in reader.pages:
            pages.append((page.extract_text() or "").strip())
            chars += len(pages[-1])
            if chars > limits.max_text_chars:
                raise _too_complex(name, f"more than {limits.max_text_chars:,} characters of text")
        title = reader.metadata.title if reader.metadata else None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise UploadError("unreadable_file", name, f"not a readable PDF ({type(exc).__name__})") from exc
    return (str(title) if title else None), "\n\n".join(pages)


def _check_pages(name: str, count: int, limits: ParseLimits) -> None:
    if count > limits.max_pages:
        raise _too_complex(name, f"{count:,} pages; at most {limits.max_pages:,}")


def _docx_text(name: str, data: bytes, limits: ParseLimits) -> tuple[str | None, str]:
    import zipfile

    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from lxml.etree import LxmlError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.max_unpacked_bytes:
            raise _too_complex(name, f"unpacks to {unpacked:,} bytes; at most {limits.max_unpacked_bytes:,}")
        doc = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as exc:
        raise UploadError("unreadable_file", name, f"not a readable DOCX ({type(exc).__name__})") from exc
    body_xml = doc.element.body
    paragraphs = sum(1 for _ in body_xml.iter(qn("w:p")))
    if paragraphs > limits.max_paragraphs:
        raise _too_complex(name, f"{paragraphs:,} paragraphs; at most {limits.max_paragraphs:,}")
    cells = sum(1 for _ in body_xml.iter(qn("w:tc")))
    if cells > limits.max_table_cells:
        raise _too_complex(name, f"{cells:,} table cells; at most {limits.max_table_cells:,}")
    lines: list[str] = []
    title: str | None = doc.core_properties.title or None
    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = _heading_level(style)
        if style == "Title" or (level == 1 and title is None):
            title = title or text
            continue
        # The title is the document's H1, so Word's "Heading N" sits one level below it.
        lines.append(f"{'#' * min(level + 1, 6)} {text}" if level else text)
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return title, "\n\n".join(lines)


def _heading_level(style: str) -> int:
    """N for Word's "Heading N", 0 for any other style."""
    match = re.match(r"Heading (\d)", style)
    return int(match.group(1)) if match else 0


def _html_text(name: str, data: bytes) -> tuple[str | None, str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError("unreadable_file", name, "HTML must be UTF-8 encoded") from exc
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return parser.title, parser.markdown()


class _TextExtractor(HTMLParser):
    """Visible text with h1-h6 as Markdown headings; script, style, nav and the like are dropped."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "svg"})
    _BLOCK = frozenset({"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol", "dd", "dt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self._blocks: list[str] = []
        self._current: list[str] = []
        self._skip = 0
        self._heading = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = int(tag[1])
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) or tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip() or None
        elif not self._skip:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        self._current = []
        if text:
            if self._heading == 1 and self.title is None:
                self.title = text
            elif self._heading:
                self._blocks.append(f"{'#' * min(self._heading + 1, 6)} {text}")
            else:
                self._blocks.append(text)
        self._heading = 0

    def markdown(self) -> str:
        self._flush()
        return "\n\n".join(self._blocks)
