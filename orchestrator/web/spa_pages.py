"""The console: one page application (Vue 3 + Element Plus, built by Vite from frontend/ into spa/), served at
/app/. The page itself is for signed-in users and carries the session's CSRF token and the site's time zone; its
assets are content-hashed, so they are sent gzipped once built and cached for good. Names beside codes come from
GET /api/names, scoped like every other answer."""

from __future__ import annotations

import gzip
import mimetypes
import re
import threading
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..app import plan_names
from .api_plans import Port
from .deps import BEARER, User, context, csrf_token, resolve, said

SPA = Path(__file__).parent / "spa"
ASSET = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}\.(js|css|woff2?|svg|png|ttf)$")
"""A built asset's name: Vite names a chunk shared by several pages `_plugin-vue_export-helper-….js` (a leading
underscore); never a leading dot, never a separator."""

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["console 控制台"])


class Assets:
    """Each built asset read once, with its gzipped bytes beside it (the files never change under one name)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lock = threading.Lock()
        self._files: dict[str, tuple[bytes, bytes]] = {}

    def get(self, name: str) -> tuple[bytes, bytes] | None:
        with self._lock:
            if name in self._files:
                return self._files[name]
        path = self._root / "assets" / name
        if not ASSET.match(name) or not path.is_file():
            return None
        body = path.read_bytes()
        pair = (body, gzip.compress(body, compresslevel=9, mtime=0))
        with self._lock:
            self._files[name] = pair
        return pair


ASSETS = Assets(SPA)


@pages.get("/app/assets/{name}")
def asset(request: Request, name: str) -> Response:
    found = ASSETS.get(name)
    if found is None:
        raise said(404, "没有这个文件", "no such file")
    body, zipped = found
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", "") and len(zipped) < len(body):
        headers["Content-Encoding"] = "gzip"
        return Response(zipped, media_type=kind, headers=headers)
    return Response(body, media_type=kind, headers=headers)


def _shell() -> str | None:
    index = SPA / "index.html"
    return index.read_text(encoding="utf-8") if index.is_file() else None


@pages.get("/app", response_model=None)
@pages.get("/app/{path:path}", response_model=None)
async def console(request: Request, path: str = "") -> Response:
    """The console for every route under /app/ (the router in the page picks the view)."""
    principal = resolve(request, await BEARER(request))
    if principal is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if request.session.get("expired"):
        return RedirectResponse("/account?expired=1", status_code=303)
    shell = _shell()
    if shell is None:
        raise said(503, "控制台尚未构建（make frontend）", "the console is not built yet (make frontend)")
    config = context(request).config
    html = (
        shell.replace("%%CSRF%%", csrf_token(request))
        .replace("%%TIME_ZONE%%", config.time_zone)
        .replace("%%REFRESH%%", str(config.refresh_seconds))
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@api.get("/names")
def names(request: Request, principal: User, port: Port) -> dict[str, Any]:
    """名称 Department and system names the caller may see, by code and by key DEPT/ID: names beside codes."""
    every = plan_names(port.view().plans)
    known = set(context(request).accounts.departments())
    departments = {d: every.get(d, "") for d in sorted(known | {k for k in every if "/" not in k})}
    return {
        "departments": {d: n for d, n in departments.items() if principal.sees(d)},
        "systems": {k: n for k, n in every.items() if "/" in k and principal.sees(k.split("/", 1)[0])},
    }
