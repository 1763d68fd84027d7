"""Every request's principal and permissions, decided here and nowhere else.

Bearer tokens for scripts, the signed session cookie for the browser. Writes made with the cookie must carry the
session's CSRF token in the X-CSRF-Token header; bearer requests cannot be forged by another site and need none.
Another department's data is answered 404, the same as data that does not exist: nothing leaks its existence.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .context import Context
from .security import Principal, same, token_digest

BEARER = HTTPBearer(auto_error=False, description="API 令牌 token (govmig user add --token)")
SAFE = {"GET", "HEAD", "OPTIONS"}


def said(status: int, zh: str, en: str) -> HTTPException:
    return HTTPException(status, detail={"zh": zh, "en": en})


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def resolve(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    ctx = context(request)
    if credentials is not None:
        user = ctx.accounts.user_by_token(token_digest(credentials.credentials))
    else:
        uid = request.session.get("uid")
        user = ctx.accounts.user_by_id(int(uid)) if isinstance(uid, int) else None
        if user is not None and request.method not in SAFE:
            sent = request.headers.get("x-csrf-token", "")
            if not sent or not same(sent, str(request.session.get("csrf", ""))):
                raise said(403, "缺少或错误的 CSRF 令牌", "missing or wrong CSRF token")
    return Principal(user.username, user.role, user.department) if user is not None else None


def current(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Principal:
    principal = resolve(request, credentials)
    if principal is None:
        raise said(401, "请先登录", "sign in first")
    return principal


User = Annotated[Principal, Depends(current)]


def role(*allowed: str) -> Callable[[Principal], Principal]:
    def check(principal: User) -> Principal:
        if principal.role not in allowed:
            raise said(403, "无权执行此操作", "not allowed for your role")
        return principal

    return check


Ops = Annotated[Principal, Depends(role("ops"))]
Watcher = Annotated[Principal, Depends(role("ops", "supervisor"))]
Submitter = Annotated[Principal, Depends(role("ops", "department"))]


def visible(principal: Principal, department: str) -> None:
    if not principal.sees(department):
        raise said(404, "没有这个部门的数据", "no such department")
