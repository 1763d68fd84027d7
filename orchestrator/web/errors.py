"""The one error shape of the web API (shared/DOMAIN.md v1.2): `{"zh", "en"}` with `"field"`, or `"errors":
[{"zh", "en", "location"}]` where there are several; never Pydantic's English-only text, never a server path.

Validation errors are said again from their type (Pydantic's stable error codes) and the limits the schema
itself sets, so nothing a client sent and nothing of the server's is echoed into a message. A browser asking
for a page gets the same words as a small HTML page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("请求有误", "bad request"),
    401: ("请先登录", "sign in first"),
    403: ("无权执行此操作", "not allowed"),
    404: ("找不到该资源", "not found"),
    405: ("不支持该请求方法", "method not allowed"),
    406: ("无法提供所要求的格式", "not acceptable"),
    409: ("与当前状态冲突", "conflicts with the current state"),
    413: ("请求体过大", "request body too large"),
    415: ("不支持该内容类型", "unsupported media type"),
    422: ("输入有误", "invalid input"),
    429: ("请求过多，请稍后再试", "too many requests: try again later"),
    500: ("服务器内部错误（已记录）", "internal server error (logged)"),
    503: ("服务暂不可用", "service unavailable"),
}
LIMITS = ("max_length", "min_length", "ge", "le", "gt", "lt", "expected", "pattern")


SAID: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "this field is required"),
    "string_too_long": ("过长（最多 {max_length}）", "too long (at most {max_length})"),
    "too_long": ("过长（最多 {max_length}）", "too long (at most {max_length})"),
    "string_too_short": ("过短（至少 {min_length}）", "too short (at least {min_length})"),
    "too_short": ("过短（至少 {min_length}）", "too short (at least {min_length})"),
    "string_pattern_mismatch": ("格式不符（应匹配 {pattern}）", "wrong form (must match {pattern})"),
    "int_parsing": ("应为整数", "must be a whole number"),
    "int_type": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数", "must be a whole number"),
    "float_parsing": ("应为数字", "must be a number"),
    "float_type": ("应为数字", "must be a number"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "string_type": ("应为文本", "must be text"),
    "literal_error": ("只能是 {expected}", "must be one of {expected}"),
    "enum": ("只能是 {expected}", "must be one of {expected}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "greater_than": ("应大于 {gt}", "must be more than {gt}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "json_invalid": ("不是合法的 JSON", "not valid JSON"),
    "model_attributes_type": ("应为 JSON 对象", "must be a JSON object"),
    "dict_type": ("应为 JSON 对象", "must be a JSON object"),
    "model_type": ("应为 JSON 对象", "must be a JSON object"),
    "list_type": ("应为列表", "must be a list"),
    "extra_forbidden": ("不认识的字段", "unknown field"),
    "date_parsing": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": ("应为日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"),
    "datetime_parsing": ("应为时间（ISO 8601）", "must be a time (ISO 8601)"),
}
"""Pydantic's stable error types in Chinese and English; the braces are the schema's own limits."""
UNKNOWN = ("取值无效", "invalid value")


class _Limits(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def _said(kind: str, ctx: Mapping[str, Any]) -> tuple[str, str]:
    """Pydantic's error type, in Chinese and English, with the schema's own limits (never the input)."""
    limits = _Limits({k: str(ctx[k])[:200] for k in LIMITS if k in ctx})
    zh, en = SAID.get(kind, UNKNOWN)
    return zh.format_map(limits), en.format_map(limits)


def location(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def field_of(loc: Sequence[int | str]) -> str:
    """The input's name: the last named part of its location after where it was (body, query, path…)."""
    named = [str(p) for p in loc[1:] if isinstance(p, str)] or [str(p) for p in loc]
    return named[-1] if named else ""


def validation_body(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    said = []
    for e in errors:
        zh, en = _said(str(e.get("type", "")), e.get("ctx") or {})
        where = location(e.get("loc", ()))
        said.append({"zh": f"{where}：{zh}", "en": f"{where}: {en}", "location": where})
    if len(said) == 1:
        return {"zh": said[0]["zh"], "en": said[0]["en"], "field": field_of(errors[0].get("loc", ()))}
    return {"zh": "输入有误（见各项）", "en": "invalid input (see each error)", "errors": said}


def body_of(status: int, detail: Any) -> dict[str, Any]:
    """An HTTPException's detail as the body: ours is `{"zh", "en"[, "field"]}` already; anything else
    (Starlette's "Not Found", a library's text) is said by its status, never echoed."""
    if isinstance(detail, dict) and "zh" in detail and "en" in detail:
        return {k: v for k, v in detail.items() if k in ("zh", "en", "field", "errors")}
    zh, en = BY_STATUS.get(status, ("请求未能完成", "the request could not be completed"))
    return {"zh": zh, "en": en}


def _wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def answer(
    request: Request, status: int, body: dict[str, Any], headers: Mapping[str, str] | None
) -> Response:
    if _wants_page(request):
        page = (
            f"<!doctype html><meta charset=utf-8><title>{status}</title><p>{escape(str(body['zh']))}</p>"
            f"<p>{escape(str(body['en']))}</p><a href='/'>返回 back</a>"
        )
        return HTMLResponse(page, status_code=status, headers=dict(headers or {}))
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return answer(request, exc.status_code, body_of(exc.status_code, exc.detail), exc.headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return answer(request, 422, validation_body(exc.errors()), None)


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged by the server (uvicorn prints the traceback), said to the client without any of it."""
    return answer(request, 500, body_of(500, None), None)
