"""A plan's upload read from its form, and only once the sender is known.

The routes that take a plan declare no File or Form parameter: FastAPI would parse such a body (spooling its file
to a temporary file) before it checks who sent it. They read the form here, after their dependencies have
authenticated and authorized the caller, so a stranger's upload is answered 401 before a byte of it is read and
nothing of it reaches the disk. A file over the intake limit is refused with its real size and stored nowhere.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

from ..app import DEFAULT_LIMITS
from .body_limits import FORM_OVERHEAD, size_text
from .deps import said

FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "YAML / JSON / Excel 模板 template",
                        },
                        "content": {
                            "type": "string",
                            "description": "编辑后的 YAML 或 JSON 文本 edited text",
                        },
                        "filename": {
                            "type": "string",
                            "description": "文件名（决定格式）file name (sets the format)",
                        },
                    },
                }
            },
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"content": {"type": "string"}, "filename": {"type": "string"}},
                }
            },
        },
    }
}
"""The form the plan routes take, for /docs (the routes read it themselves, see above)."""


def refused_size(size: int) -> HTTPException:
    cap = DEFAULT_LIMITS.max_bytes
    return said(
        413,
        f"文件过大（{size_text(size, exact=True)}），上限 {size_text(cap)}，未予保存",
        f"file too large ({size_text(size, exact=True)}); the limit is {size_text(cap)}; nothing was stored",
    )


async def read_upload(request: Request) -> tuple[bytes, str]:
    """The plan's bytes and file name: a `file` part, or the edited `content` with its `filename`."""
    try:
        form = await request.form(
            max_files=1, max_fields=4, max_part_size=DEFAULT_LIMITS.max_bytes + FORM_OVERHEAD
        )
    except HTTPException:  # starlette's English-only word on a malformed form
        raise said(400, "表单无法读取", "the form could not be read") from None
    try:
        file, content, filename = form.get("file"), form.get("content"), form.get("filename")
        if isinstance(file, UploadFile):
            size = file.size if file.size is not None else 0
            if size > DEFAULT_LIMITS.max_bytes:
                raise refused_size(size)
            return await file.read(), file.filename or "plan.yaml"
        if isinstance(content, str):
            raw = content.encode("utf-8")
            if len(raw) > DEFAULT_LIMITS.max_bytes:
                raise refused_size(len(raw))
            return raw, filename if isinstance(filename, str) and filename else "plan.yaml"
        raise said(422, "请上传文件或填写内容", "upload a file or send the content")
    finally:
        await form.close()
