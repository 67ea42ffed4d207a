"""The three screens as static files: the customer chat page, the embed script, the staff console.

Plain HTML/JS/CSS under api/static/ (no build step); the pages call the JSON APIs.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
def chat_page() -> FileResponse:
    return FileResponse(STATIC / "chat.html")


@router.get("/widget.js")
def widget_script() -> FileResponse:
    """`<script src="https://bank.example/widget.js" defer></script>` adds the chat launcher to any page."""
    return FileResponse(STATIC / "widget.js", media_type="text/javascript")


@router.get("/console")
def console_page() -> FileResponse:
    return FileResponse(STATIC / "console.html")


@router.get("/console/login")
def login_page() -> FileResponse:
    return FileResponse(STATIC / "login.html")


@router.get("/console/analytics")
def analytics_page() -> FileResponse:
    return FileResponse(STATIC / "analytics.html")


@router.get("/console/teams")
def teams_page() -> FileResponse:
    """Supervisors (admins) manage teams, members and routing rules."""
    return FileResponse(STATIC / "teams.html")
