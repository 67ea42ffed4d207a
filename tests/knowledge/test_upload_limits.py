"""Uploads that are small on the wire but huge once parsed are refused fast with a 4xx-style code
(`file_too_complex`), in process by `ParseLimits` and in a child process by the sandbox's time and
memory limits. Each file here is one of issue 12's findings (before: 2 GB and minutes, 106 s, 14 s,
an uncaught XMLSyntaxError)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

import pytest
import yaml

from knowledge.errors import LimitExceeded
from knowledge.parsers import DEFAULT_LIMITS, ParseLimits, UploadError, parse_upload
from knowledge.safe_yaml import expanded_size, safe_load
from knowledge.sandbox import ParserSandbox, SandboxLimits, _rebuild

from .bombs import (
    docx_malformed_xml,
    docx_many_paragraphs,
    docx_zip_bomb,
    faq_csv,
    pdf_many_pages,
    yaml_alias_bomb_markdown,
)


def _refusal(filename: str, data: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> UploadError:
    with pytest.raises(UploadError) as caught:
        parse_upload(filename, data, limits=limits)
    return caught.value


# --- YAML ---------------------------------------------------------------------------------------------


def test_safe_load_refuses_an_alias_bomb_without_expanding_it() -> None:
    front = yaml_alias_bomb_markdown().decode().split("---")[1]
    with pytest.raises(LimitExceeded, match="aliases expand"):
        safe_load(front)


def test_safe_load_keeps_ordinary_aliases_and_refuses_cycles() -> None:
    assert safe_load("base: &b {category: fee}\nitem: *b\n") == {
        "base": {"category": "fee"},
        "item": {"category": "fee"},
    }
    with pytest.raises(LimitExceeded):
        safe_load("a: &a [1, *a]\n")


def test_expanded_size_counts_each_alias_as_a_full_copy() -> None:
    node = yaml.compose("a: &a [xx, yy]\nb: [*a, *a, *a]\n")
    assert node is not None
    # mapping 1 + keys a,b (1 each) + list a (1 + 2 + 2) + list b (1 + 3 × 5)
    assert expanded_size(node, 10_000) == 1 + 1 + 5 + 1 + 16
    assert expanded_size(node, 20) is None


def test_markdown_upload_with_an_alias_bomb_is_file_too_complex() -> None:
    data = yaml_alias_bomb_markdown()
    assert len(data) < 600
    assert _refusal("bomb.md", data).code == "file_too_complex"


# --- DOCX, PDF, CSV -----------------------------------------------------------------------------------


def test_docx_with_too_many_paragraphs_is_refused_before_it_is_walked() -> None:
    data = docx_many_paragraphs(2_000)
    error = _refusal("many.docx", data, ParseLimits(max_paragraphs=1_000))
    assert error.code == "file_too_complex"
    assert "2,000 paragraphs" in error.problem


def test_malformed_docx_xml_is_unreadable_file() -> None:
    assert _refusal("broken.docx", docx_malformed_xml()).code == "unreadable_file"


def test_docx_that_unpacks_past_the_limit_is_refused_from_the_zip_directory() -> None:
    error = _refusal("bomb.docx", docx_zip_bomb(4), ParseLimits(max_unpacked_bytes=1024 * 1024))
    assert error.code == "file_too_complex"
    assert "unpacks to" in error.problem


def test_pdf_with_too_many_pages_is_refused_before_extraction() -> None:
    error = _refusal("pages.pdf", pdf_many_pages(5_000))
    assert error.code == "file_too_complex"
    assert "5,000 pages" in error.problem


def test_faq_with_too_many_rows_is_refused() -> None:
    assert _refusal("faq.csv", faq_csv(30), ParseLimits(max_rows=20)).code == "file_too_complex"
    assert len(parse_upload("faq.csv", faq_csv(20), limits=ParseLimits(max_rows=20))) == 20


def test_text_past_the_limit_is_refused() -> None:
    data = b"---\ncategory: fee\n---\n# Title\n\n" + b"word " * 300
    assert _refusal("long.md", data, ParseLimits(max_text_chars=1_000)).code == "file_too_complex"


# --- the sandbox (real child processes) ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> ParserSandbox:
    return ParserSandbox(SandboxLimits(timeout_s=20, memory_bytes=512 * 1024 * 1024))


def test_sandbox_returns_the_documents_of_a_good_file(sandbox: ParserSandbox) -> None:
    docs = sandbox.parse("faq.csv", faq_csv(3))
    assert [d.id for d in docs] == ["q0", "q1", "q2"]
    assert docs[0].tags == ("bulk",) and docs[0].kind == "faq" and docs[0].source == "upload:faq.csv"


@pytest.mark.parametrize(
    ("filename", "make", "code"),
    [
        ("bomb.md", yaml_alias_bomb_markdown, "file_too_complex"),
        ("many.docx", docx_many_paragraphs, "file_too_complex"),
        ("pages.pdf", pdf_many_pages, "file_too_complex"),
        ("broken.docx", docx_malformed_xml, "unreadable_file"),
    ],
)
def test_sandbox_refuses_each_bomb_of_the_issue_quickly(
    sandbox: ParserSandbox, filename: str, make: object, code: str
) -> None:
    assert callable(make)
    with pytest.raises(UploadError) as caught:
        sandbox.parse(filename, make())
    assert caught.value.code == code


def test_sandbox_stops_a_parse_past_its_time_limit() -> None:
    """With the paragraph limit lifted, the 200,000-paragraph DOCX parses for minutes: killed at 2 s."""
    unbounded = ParseLimits(max_paragraphs=10**9, max_table_cells=10**9)
    slow = ParserSandbox(SandboxLimits(timeout_s=2, content=unbounded))
    started = time.monotonic()
    with pytest.raises(UploadError) as caught:
        slow.parse("many.docx", docx_many_paragraphs())
    assert caught.value.code == "file_too_complex"
    assert "longer than 2 s" in caught.value.problem
    assert time.monotonic() - started < 30.0  # killed, not left to run for minutes


def test_sandbox_stops_a_parse_past_its_memory_limit() -> None:
    """With the unpacked-size check lifted, reading a 192 MiB part breaks the 160 MiB address space."""
    unbounded = ParseLimits(max_unpacked_bytes=10**12)
    small = ParserSandbox(SandboxLimits(memory_bytes=160 * 1024 * 1024, content=unbounded))
    with pytest.raises(UploadError) as caught:
        small.parse("bomb.docx", docx_zip_bomb(192))
    assert caught.value.code == "file_too_complex"


def test_a_closed_sandbox_refuses_new_work() -> None:
    closed = ParserSandbox()
    closed.close()
    with pytest.raises(UploadError) as caught:
        closed.parse("faq.csv", faq_csv(1))
    assert caught.value.code == "parser_busy"


@dataclass(frozen=True)
class _Inner:
    words: tuple[str, ...]


@dataclass(frozen=True)
class _Outer:
    name: str
    tags: tuple[str, ...]
    versions: dict[str, _Inner] = field(default_factory=dict)
    best: _Inner | None = None


def test_documents_travel_back_from_the_child_with_their_field_types() -> None:
    original = _Outer("faq", ("a", "b"), {"en": _Inner(("x",))}, _Inner(("y", "z")))
    assert _rebuild(_Outer, json.loads(json.dumps(asdict(original)))) == original
