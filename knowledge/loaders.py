"""Read knowledge files (Markdown articles, FAQ as YAML or CSV) into validated `Document`s.

Layout of a knowledge folder: `docs/**/*.md` (YAML front matter `id, title, category, tags`) and
`faq/**/*.yaml|*.yml|*.csv` (fields `id, question, answer, category, tags`, optional `alt_questions`).
Every problem is raised as an `IngestError` naming the file, so an editor can fix it without reading code.

Other languages are optional versions of a Chinese item (Chinese stays required): an FAQ entry carries
`en: {question, answer, alt_questions}` (CSV: columns `question_en, answer_en, alt_questions_en`), and an
article `foo.md` may have `foo.en.md` beside it (its `title` in front matter or a `# heading`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge.chunk import Kind
from knowledge.errors import IngestError
from knowledge.safe_yaml import safe_load

CATEGORIES: frozenset[str] = frozenset({"product", "fee", "rate", "howto", "education", "policy"})
FAQ_SUFFIXES: frozenset[str] = frozenset({".yaml", ".yml", ".csv"})
CSV_LIST_SEPARATOR = "|"

# Versions besides Chinese a document may carry (ISO 639-1 codes).
LANGUAGES: tuple[str, ...] = ("en",)
_TRANSLATION_FILE = re.compile(r"\.(" + "|".join(LANGUAGES) + r")\.md$", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class Translation:
    """One language's version of a document: its title and body, and for an FAQ its question and answer."""

    title: str
    body: str
    question: str | None = None
    answer: str | None = None
    alt_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One knowledge item: a Markdown article or one FAQ pair (its `body` is the answer)."""

    id: str
    title: str
    category: str
    tags: tuple[str, ...]
    source: str
    body: str
    kind: Kind
    question: str | None = None
    answer: str | None = None
    alt_questions: tuple[str, ...] = ()
    translations: dict[str, Translation] = field(default_factory=dict)  # language code → version

    def version(self, language: str) -> Translation | None:
        return self.translations.get(language)


def load_folder(folder: Path) -> list[Document]:
    """All documents under `folder/docs` and `folder/faq`, sorted by file; ids must be unique."""
    folder = Path(folder)
    docs_dir, faq_dir = folder / "docs", folder / "faq"
    if not docs_dir.is_dir() and not faq_dir.is_dir():
        raise IngestError(folder, "no docs/ or faq/ subfolder: nothing to ingest")
    documents: list[Document] = []
    for path in _files(docs_dir, {".md"}):
        if not _TRANSLATION_FILE.search(path.name):
            documents.append(load_markdown(path))
    for path in _files(faq_dir, FAQ_SUFFIXES):
        documents.extend(load_faq(path))
    _check_unique(documents)
    return documents


def load_markdown(path: Path) -> Document:
    text = _read(path)
    match = _FRONT_MATTER.match(text)
    meta: dict[str, object] = {}
    body = text
    if match:
        meta = _mapping(path, _parse_yaml(path, match.group(1)) or {}, "front matter")
        body = text[match.end() :]
    title = _optional_str(path, meta, "title")
    if not title:
        heading = _H1.search(body)
        if heading is None:
            raise IngestError(path, "no title: add `title:` to the front matter or a `# heading`")
        title = heading.group(1).strip()
    if not body.strip():
        raise IngestError(path, "the document has no body text")
    return Document(
        id=_optional_str(path, meta, "id") or path.stem,
        title=title,
        category=_category(path, meta.get("category")),
        tags=_tags(path, meta.get("tags")),
        source=str(path.resolve()),
        body=body.strip(),
        kind="doc",
        translations=_article_translations(path),
    )


def _article_translations(path: Path) -> dict[str, Translation]:
    """`foo.en.md` beside `foo.md`: the English version (title from its front matter or its heading)."""
    versions: dict[str, Translation] = {}
    for language in LANGUAGES:
        sibling = path.with_name(f"{path.stem}.{language}.md")
        if not sibling.is_file():
            continue
        text = _read(sibling)
        match = _FRONT_MATTER.match(text)
        meta = _mapping(sibling, _parse_yaml(sibling, match.group(1)) or {}, "front matter") if match else {}
        body = text[match.end() :] if match else text
        title = _optional_str(sibling, meta, "title")
        heading = _H1.search(body)
        if not title and heading is None:
            raise IngestError(sibling, "no title: add `title:` to the front matter or a `# heading`")
        if not body.strip():
            raise IngestError(sibling, "the translation has no body text")
        versions[language] = Translation(
            title=title or (heading.group(1).strip() if heading else ""), body=body.strip()
        )
    return versions


def load_faq(path: Path) -> list[Document]:
    """A FAQ file: a YAML list of mappings, or a CSV with header `id,question,answer,category,tags`."""
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path)
    else:
        data = _parse_yaml(path, _read(path))
        if not isinstance(data, list):
            raise IngestError(
                path, "a FAQ YAML file must be a list of {id, question, answer, category, tags, ...}"
            )
        rows = [(f"item {i + 1}", _mapping(path, item, f"item {i + 1}")) for i, item in enumerate(data)]
    return [_faq_document(path, where, row) for where, row in rows]


def _faq_document(path: Path, where: str, row: dict[str, object]) -> Document:
    def required(key: str) -> str:
        value = _optional_str(path, row, key, where)
        if not value:
            raise IngestError(path, f"{where}: missing `{key}`")
        return value

    faq_id, question, answer = required("id"), required("question"), required("answer")
    alt = row.get("alt_questions")
    alt_questions = _string_list(path, alt, f"{where} (id {faq_id}): `alt_questions`")
    return Document(
        id=faq_id,
        title=question,
        category=_category(path, row.get("category"), f"{where} (id {faq_id})"),
        tags=_tags(path, row.get("tags"), f"{where} (id {faq_id})"),
        source=str(path.resolve()),
        body=answer,
        kind="faq",
        question=question,
        answer=answer,
        alt_questions=tuple(q for q in alt_questions if q != question),
        translations=_faq_translations(path, where, faq_id, row),
    )


def _faq_translations(path: Path, where: str, faq_id: str, row: dict[str, object]) -> dict[str, Translation]:
    """`en: {question, answer, alt_questions}` (YAML) or `question_en, answer_en, alt_questions_en` (CSV)."""
    versions: dict[str, Translation] = {}
    for language in LANGUAGES:
        nested = row.get(language)
        if nested is not None:
            fields = _mapping(path, nested, f"{where} (id {faq_id}): `{language}`")
        else:
            fields = {
                key: row[f"{key}_{language}"]
                for key in ("question", "answer", "alt_questions")
                if row.get(f"{key}_{language}") not in (None, "")
            }
        if not fields:
            continue
        label = f"{where} (id {faq_id}), {language}"
        question = _optional_str(path, fields, "question", label)
        answer = _optional_str(path, fields, "answer", label)
        if not question or not answer:
            raise IngestError(path, f"{label}: a translation needs both `question` and `answer`")
        alt = _string_list(path, fields.get("alt_questions"), f"{label}: `alt_questions`")
        versions[language] = Translation(
            title=question,
            body=answer,
            question=question,
            answer=answer,
            alt_questions=tuple(q for q in alt if q != question),
        )
    return versions


def _csv_rows(path: Path) -> list[tuple[str, dict[str, object]]]:
    lines = _read(path).splitlines()
    reader = csv.DictReader(lines)
    header = [h.strip() for h in reader.fieldnames or []]
    missing = {"id", "question", "answer", "category"} - set(header)
    if missing:
        raise IngestError(path, f"CSV header lacks {', '.join(sorted(missing))} (got {', '.join(header)})")
    rows: list[tuple[str, dict[str, object]]] = []
    for line_no, raw in enumerate(reader, start=2):
        if None in raw:
            raise IngestError(path, f"line {line_no}: more fields than the header (quote fields with commas)")
        row: dict[str, object] = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        rows.append((f"line {line_no}", row))
    return rows


def _files(folder: Path, suffixes: Iterable[str]) -> Iterator[Path]:
    if not folder.is_dir():
        return iter(())
    wanted = set(suffixes)
    return iter(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in wanted))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror})") from exc


def _parse_yaml(path: Path, text: str) -> object:
    try:
        return safe_load(text, path)  # refuses alias bombs before they expand
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise IngestError(path, f"invalid YAML{where}: {getattr(exc, 'problem', None) or exc}") from exc


def _mapping(path: Path, value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise IngestError(path, f"{where} must be a mapping of fields, got {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def _optional_str(path: Path, data: dict[str, object], key: str, where: str = "front matter") -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise IngestError(path, f"{where}: `{key}` must be text")
    return str(value).strip()


def _category(path: Path, value: object, where: str = "front matter") -> str:
    category = str(value).strip().lower() if value is not None else ""
    if category not in CATEGORIES:
        allowed = "/".join(sorted(CATEGORIES))
        got = f"{value!r}" if value else "nothing"
        raise IngestError(path, f"{where}: `category` must be one of {allowed}, got {got}")
    return category


def _tags(path: Path, value: object, where: str = "front matter") -> tuple[str, ...]:
    tags = _string_list(path, value, f"{where}: `tags`", comma_separates=True)
    for tag in tags:
        if "," in tag:
            raise IngestError(path, f"{where}: tag {tag!r} contains a comma")
    return tuple(dict.fromkeys(tags))


def _string_list(path: Path, value: object, where: str, *, comma_separates: bool = False) -> list[str]:
    """A YAML list, or a string split on `|` (CSV) or, for tags written inline, on `,`."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        comma = comma_separates and CSV_LIST_SEPARATOR not in value
        items: list[object] = list(value.split("," if comma else CSV_LIST_SEPARATOR))
    elif isinstance(value, list):
        items = value
    else:
        raise IngestError(path, f"{where} must be a list or text, got {type(value).__name__}")
    if any(isinstance(item, (dict, list)) for item in items):
        raise IngestError(path, f"{where} must hold plain text items")
    return [str(item).strip() for item in items if str(item).strip()]


def _check_unique(documents: list[Document]) -> None:
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.id in seen:
            raise IngestError(doc.source, f"id {doc.id!r} is already used by {seen[doc.id]}")
        seen[doc.id] = doc.source
