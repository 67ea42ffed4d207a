"""Turn a `Document` into chunks that stand alone, and into the texts that are embedded and BM25-indexed.

Articles are split on headings, then on Chinese/Western sentence ends and newlines, and packed up to
`MAX_CHARS` with a one-sentence overlap; each chunk starts with its "title > heading" context so the
customer-facing answer and the embedding both know where a sentence came from. An FAQ pair is one chunk
(stored as "问：…\\n答：…") matched through several `IndexEntry`s (each question variant, and the
question with its answer); the retriever collapses them back onto the FAQ.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.chunk import Chunk
from knowledge.loaders import Document

MAX_CHARS = 300
CONTEXT_SEPARATOR = " > "

# How an FAQ pair is matched: "questions": one vector per question variant; "questions_and_qa": those
# plus one vector of question + answer (catches queries worded like the answer: "白金卡一年要交多少钱");
# "qa": question + answer per variant. Measured with the chosen fusion (`python -m knowledge.calibrate`):
# R@3 90.7% / 94.7% / 86.7%, R@1 72.0% / 74.7% / 61.3%; embedding the answer alone dilutes the question.
FaqIndexing = Literal["questions", "questions_and_qa", "qa"]
EntryRole = Literal["chunk", "question", "qa"]
DEFAULT_FAQ_INDEXING: FaqIndexing = "questions_and_qa"

_SENTENCE_END = re.compile(r"([。！？!?；;]+[”’\"'」』）)]*)")
_ENGLISH_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9%)][.])\s+(?=[A-Z0-9\u4e00-\u9fff])")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;.][”’\"'」』）)]*$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_BREAK = "\x00"


@dataclass(frozen=True)
class IndexEntry:
    """One vector of the index: `text` is what is embedded for `chunk`, `role` says what that text is."""

    id: str
    chunk: Chunk
    text: str
    role: EntryRole = "chunk"


def index_document(
    doc: Document,
    *,
    content_hash: str,
    status: str = "published",
    faq_indexing: FaqIndexing = DEFAULT_FAQ_INDEXING,
) -> list[IndexEntry]:
    if doc.kind == "faq":
        return _faq_entries(doc, content_hash, status, faq_indexing)
    return [IndexEntry(id=c.id, chunk=c, text=c.text) for c in chunk_article(doc, content_hash, status)]


def chunk_article(doc: Document, content_hash: str = "", status: str = "published") -> list[Chunk]:
    chunks: list[Chunk] = []
    english = doc.version("en")
    for heading, body in split_sections(doc.body, doc.title):
        context = CONTEXT_SEPARATOR.join([doc.title, heading] if heading else [doc.title])
        for piece in pack(split_sentences(body), MAX_CHARS):
            chunks.append(
                Chunk(
                    id=f"{doc.id}#{len(chunks)}",
                    doc_id=doc.id,
                    title=doc.title,
                    category=doc.category,
                    source=doc.source,
                    text=f"{context}\n{piece}",
                    content_hash=content_hash,
                    kind="doc",
                    question=None,
                    answer=None,
                    heading=heading or None,
                    tags=doc.tags,
                    status=status,
                    title_en=english.title if english else None,
                )
            )
    return chunks


def split_sections(markdown: str, title: str) -> Iterator[tuple[str, str]]:
    """(heading path like "条件 > 材料", plain text) per section; an H1 equal to the title is dropped."""
    path: list[tuple[int, str]] = []
    lines: list[str] = []

    def flush() -> Iterator[tuple[str, str]]:
        text = "\n".join(lines).strip()
        if text:
            yield CONTEXT_SEPARATOR.join(h for _, h in path), text
        lines.clear()

    in_fence = False
    for raw in markdown.splitlines():
        if raw.strip().startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(raw)
        if match is None:
            lines.append(_plain(raw))
            continue
        yield from flush()
        level, heading = len(match.group(1)), _plain(match.group(2)).strip()
        path = [(lvl, h) for lvl, h in path if lvl < level]
        if not (level == 1 and heading == title):
            path.append((level, heading))
    yield from flush()


def split_sentences(text: str) -> list[str]:
    """Split after 。！？!?；; (keeping closing quotes), after English full stops, and at newlines."""
    marked = _SENTENCE_END.sub(lambda m: m.group(1) + _BREAK, text)
    marked = _ENGLISH_SENTENCE_END.sub(_BREAK, marked)
    pieces = re.split(f"[{_BREAK}\n]", marked)
    return [p.strip() for p in pieces if p.strip()]


def pack(sentences: Sequence[str], max_chars: int = MAX_CHARS) -> list[str]:
    """Greedy packing up to `max_chars`; each chunk after the first repeats the previous last sentence."""
    chunks: list[str] = []
    current: list[str] = []
    for sentence in _hard_wrap(sentences, max_chars):
        if current and _length(current + [sentence]) > max_chars:
            chunks.append(_join(current))
            overlap = current[-1]
            current = [overlap] if _length([overlap, sentence]) <= max_chars else []
        current.append(sentence)
    if current:
        chunks.append(_join(current))
    return chunks


def faq_text(question: str, answer: str) -> str:
    return f"问：{question}\n答：{answer}"


def _faq_entries(doc: Document, content_hash: str, status: str, indexing: FaqIndexing) -> list[IndexEntry]:
    question, answer = doc.question or doc.title, doc.answer or doc.body
    english = doc.version("en")
    chunk = Chunk(
        id=doc.id,
        doc_id=doc.id,
        title=doc.title,
        category=doc.category,
        source=doc.source,
        text=faq_text(question, answer),
        content_hash=content_hash,
        kind="faq",
        question=question,
        answer=answer,
        heading=None,
        tags=doc.tags,
        status=status,
        title_en=english.title if english else None,
        question_en=english.question if english else None,
        answer_en=english.answer if english else None,
    )
    # English versions of the question are matched like the Chinese ones: an English query then meets an
    # English question instead of crossing languages (cosines ~0.80, too low to answer with confidence).
    variants = [question, *doc.alt_questions]
    if english and english.question:
        variants += [english.question, *english.alt_questions]
    texts: list[tuple[str, EntryRole]]
    if indexing == "qa":
        texts = [(f"{q}\n{answer}", "qa") for q in variants]
    else:
        texts = [(q, "question") for q in variants]
        if indexing == "questions_and_qa":
            texts.append((f"{question}\n{answer}", "qa"))
    return [IndexEntry(id=f"{doc.id}@{i}", chunk=chunk, text=t, role=r) for i, (t, r) in enumerate(texts)]


def _plain(line: str) -> str:
    """Markdown line → text: drop emphasis, link targets, list markers and table rules."""
    if _TABLE_RULE.match(line):
        return ""
    line = _LINK.sub(r"\1", line)
    line = _EMPHASIS.sub("", line)
    line = _LIST_MARKER.sub("", line)
    line = line.lstrip("> ").rstrip()
    if line.startswith("|"):
        line = "，".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
    return line


def _hard_wrap(sentences: Sequence[str], max_chars: int) -> Iterator[str]:
    for sentence in sentences:
        for start in range(0, len(sentence), max_chars):
            yield sentence[start : start + max_chars]


def _length(sentences: Sequence[str]) -> int:
    return len(_join(sentences))


def _join(sentences: Sequence[str]) -> str:
    """Sentences that ended with punctuation run on (a space between Latin ones); line breaks stay."""
    out = ""
    for sentence in sentences:
        if out:
            if not _ENDS_SENTENCE.search(out):
                out += "\n"
            elif out[-1].isascii() and sentence[:1].isascii():
                out += " "
        out += sentence
    return out
