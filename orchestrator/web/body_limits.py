"""Request bodies bounded before any work: refused by their Content-Length before a byte is read, and counted
while they stream (a chunked body has no length to refuse), each route with its own limit.

Plain ASGI, outside every route, so nothing (form parsing, temporary files, authentication) ever sees more than
the limit: a body over it is answered 413 in both languages with its real size where the client said it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..app import DEFAULT_LIMITS

KiB, MiB = 1024, 1024 * 1024
FORM_OVERHEAD = 64 * KiB
"""A multipart form's boundaries, part headers and the small fields beside the file."""
UPLOAD_BODY = DEFAULT_LIMITS.max_bytes + FORM_OVERHEAD
"""A plan upload: the intake limit (20 MiB) and the form around it."""
SMALL_BODY = 1 * MiB
"""Every other request (sign-in, reviews, runs): small JSON or a short form. Below the 1 MiB at which form
parsing would spool a part to a temporary file, so no request but an upload can ever reach the disk."""
UPLOADS = re.compile(r"^/api/plans/[^/]+(/validate)?$")


def route_limit(method: str, path: str) -> int:
    """The largest body this request may carry."""
    return UPLOAD_BODY if method == "POST" and UPLOADS.match(path) else SMALL_BODY


def size_text(size: int, exact: bool = False) -> str:
    """Bytes as people read them: 50.0 MiB, 512 KiB, 900 B; `exact` adds the bytes to a MiB figure (a file
    just over a limit must not read as the limit itself)."""
    if size >= MiB:
        return f"{size / MiB:.1f} MiB ({size:,} B)" if exact else f"{size / MiB:.1f} MiB"
    if size >= KiB:
        return f"{size / KiB:.0f} KiB"
    return f"{size} B"


def too_large(size: int | None, limit: int) -> dict[str, str]:
    """The 413's body: the real size when known (Content-Length), else that it went past the limit."""
    if size is None:
        return {
            "zh": f"请求内容超过上限 {size_text(limit)}，未予处理",
            "en": f"the request body goes past the limit of {size_text(limit)} and was not taken",
        }
    return {
        "zh": f"请求内容过大（{size_text(size, exact=True)}），上限 {size_text(limit)}，未予处理",
        "en": f"the request body is too large ({size_text(size, exact=True)}); the limit is {size_text(limit)}; "
        "nothing was taken",
    }


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, size: int | None, limit: int) -> None:
    body = json.dumps(too_large(size, limit), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimits:
    """A body over its route's limit never reaches the app. Refused by Content-Length at once; counted while it
    streams otherwise: past the limit the app is told the client left, whatever it answers is dropped, and the
    413 is sent in its place."""

    def __init__(self, app: ASGIApp, limit: Callable[[str, str], int] = route_limit) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(str(scope.get("method", "")), str(scope.get("path", "")))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, declared, limit)
            return
        seen, over, started = 0, False, False

        async def counted() -> Message:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:
                return  # the app's answer to a body it never got whole: the 413 goes instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not over:
                raise
        if over and not started:
            await _refuse(send, None, limit)
