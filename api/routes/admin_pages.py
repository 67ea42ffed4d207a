"""The knowledge-base admin screen: static HTML/JS/CSS under api/static/admin, no build step.

The page itself is public (it only shows a sign-in form); every action it takes goes through the
role-checked JSON API with the `staff_token` cookie set at sign-in.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

ADMIN_DIR = Path(__file__).resolve().parent.parent / "static" / "admin"

router = APIRouter(include_in_schema=False)


@router.get("/admin")
def admin_page() -> FileResponse:
    return FileResponse(ADMIN_DIR / "index.html", headers={"cache-control": "no-cache"})


@router.get("/admin/")
def admin_slash() -> RedirectResponse:
    return RedirectResponse("/admin", status_code=308)


def admin_assets() -> StaticFiles:
    """Mounted at /admin/assets (CSS, JS)."""
    return StaticFiles(directory=ADMIN_DIR)
