"""`GET /_emulator/ui`: the emulator's own page, served from files shipped inside the package.

Nothing here is imported for API requests: the control API (and with it this module) loads on
the first request under `/_emulator/`. The files are read once and kept in memory (a few tens
of KB); nothing is fetched from the internet.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from emulator import errors

UI_DIR = Path(__file__).resolve().parent / "ui"
TYPES = {".html": "text/html;charset=utf-8", ".js": "text/javascript;charset=utf-8",
         ".css": "text/css;charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain;charset=utf-8"}


# Every file the page may ask for, read once: a name not listed here is a 404, whatever it holds.
FILES: dict[str, tuple[bytes, str]] = {
    p.name: (p.read_bytes(), TYPES[p.suffix]) for p in UI_DIR.iterdir() if p.suffix in TYPES and p.is_file()}


def ui_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/_emulator/ui", tags=["dashboard"], summary="The dashboard page")
    async def page() -> Response:
        return _serve("index.html")

    @router.get("/_emulator/ui/", include_in_schema=False)
    async def slash() -> Response:
        return RedirectResponse("/_emulator/ui")

    @router.get("/_emulator/ui/{name}", tags=["dashboard"], summary="A file of the dashboard (script, style)")
    async def asset(name: str) -> Response:
        return _serve(name)

    return router


def _serve(name: str) -> Response:
    found = FILES.get(name)
    if found is None:
        raise errors.not_found("GET", f"/_emulator/ui/{name}")
    body, media_type = found
    return Response(body, media_type=media_type, headers={"cache-control": "no-cache"})
