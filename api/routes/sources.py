"""Published knowledge pages that citations link to (public: it is what the bank publishes anyway)."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import ServicesDep
from api.errors import NotFound
from services.sources import SourcePage, published_source

router = APIRouter(prefix="/v1/sources", tags=["sources"])

DocId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.-]+$")]


@router.get(
    "/{doc_id}",
    response_model=None,
    responses={200: {"content": {"text/html": {}, "application/json": {}}, "description": "The document"}},
)
def source(doc_id: DocId, request: Request, services: ServicesDep) -> HTMLResponse | JSONResponse:
    """The published document or FAQ: HTML for people, JSON when the client asks for application/json."""
    page = published_source(services.knowledge, doc_id)
    if page is None:
        raise NotFound(f"no published document {doc_id}")
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(
            {
                "doc_id": page.doc_id,
                "title": page.title,
                "category": page.category,
                "kind": page.kind,
                "sections": [{"heading": s.heading, "text": s.text} for s in page.sections],
            }
        )
    return HTMLResponse(_html(page, services.settings.bank_name))


def _html(page: SourcePage, bank: str) -> str:
    sections = "".join(
        (f"<h2>{escape(s.heading)}</h2>" if s.heading else "") + f"<p>{escape(s.text)}</p>"
        for s in page.sections
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(page.title)} · {escape(bank)}</title>"
        '<link rel="stylesheet" href="/static/source.css"></head><body><main>'
        f'<p class="bank">{escape(bank)} · 帮助中心</p><h1>{escape(page.title)}</h1>{sections}'
        "</main></body></html>"
    )
