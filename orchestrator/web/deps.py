"""Every request's principal and permissions, decided here and nowhere else.

Bearer tokens for scripts, the signed session cookie for the browser. Writes made with the cookie must carry the
session's CSRF token in the X-CSRF-Token header; bearer requests cannot be forged by another site and need none.
Another department's data is answered 404, the same as data that does not exist: nothing leaks its existence.

Roles (三员分立, GB/T 22239 8.1.5): the business routes (`User` and the roles below it) serve `department`, `ops`
and `supervisor` only; each administrator's routes name that one role (`role("sysadmin")`, `role("secadmin")`,
`role("auditor")`), so no administrator reads business data and none can do another's job. `Anyone` is any
signed-in principal (who am I, my own password). A browser session whose password has expired may only change it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..app import BUSINESS, Signed, same, token_digest
from .context import Context
from .security import Principal

BEARER = HTTPBearer(auto_error=False, description="API 令牌 token (govmig user add --token)")
SAFE = {"GET", "HEAD", "OPTIONS"}
EXPIRED_MAY = {"/api/me", "/api/account/password"}
"""What a session whose password expired may still ask of the API: who it is, and the change itself (the pages
send it to /account)."""


def said(status: int, zh: str, en: str, field: str | None = None) -> HTTPException:
    """The one error shape (shared/DOMAIN.md v1.2): the body is `{"zh", "en"}`, with `"field"` naming the input
    at fault where there is one (the handler in app.py sends the detail as the body itself)."""
    body = {"zh": zh, "en": en} | ({"field": field} if field else {})
    return HTTPException(status, detail=body)


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def csrf_token(request: Request) -> str:
    """The CSRF token a page carries: the server-side session's once signed in; before that (the sign-in form)
    one kept in the signed cookie, so that signing in cannot be forged from another site either."""
    signed = signed_in(request)
    if signed is not None:
        return signed.csrf
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def signed_in(request: Request) -> Signed | None:
    """The live server-side session behind the cookie, looked up once per request."""
    if "govmig_signed" not in request.scope:
        sid = request.session.get("sid")
        request.scope["govmig_signed"] = (
            context(request).sessions.resume(sid) if isinstance(sid, str) else None
        )
    found: Signed | None = request.scope["govmig_signed"]
    return found


def check_csrf(request: Request, sent: str) -> None:
    expected = csrf_token(request)
    if not sent or not same(sent, expected):
        raise said(403, "缺少或错误的 CSRF 令牌", "missing or wrong CSRF token")


def resolve(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal | None:
    ctx = context(request)
    if credentials is not None:
        user = ctx.tokens.user_by_token(token_digest(credentials.credentials))
    else:
        signed = signed_in(request)
        user = signed.user if signed is not None else None
        if user is not None and request.method not in SAFE:
            check_csrf(request, request.headers.get("x-csrf-token", ""))
        path = request.url.path
        if (
            user is not None
            and request.session.get("expired")
            and path.startswith("/api/")
            and path not in EXPIRED_MAY
        ):
            raise said(
                403,
                "密码已过期，请先修改密码（/account）",
                "your password has expired: change it first (/account)",
            )
    return Principal(user.username, user.role, user.department) if user is not None else None


def current(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Principal:
    principal = resolve(request, credentials)
    if principal is None:
        raise said(401, "请先登录", "sign in first")
    return principal


Anyone = Annotated[Principal, Depends(current)]
"""Any signed-in principal, administrators too: only for what is about the principal itself."""


def role(*allowed: str) -> Callable[[Principal], Principal]:
    def check(principal: Anyone) -> Principal:
        if principal.role not in allowed:
            raise said(403, "无权执行此操作", "not allowed for your role")
        return principal

    return check


User = Annotated[Principal, Depends(role(*BUSINESS))]
"""A business principal (department, ops, supervisor); an administrator is answered 403."""


Ops = Annotated[Principal, Depends(role("ops"))]
Watcher = Annotated[Principal, Depends(role("ops", "supervisor"))]
Submitter = Annotated[Principal, Depends(role("ops", "department"))]
Supervisor = Annotated[Principal, Depends(role("supervisor"))]
Approver = Annotated[Principal, Depends(role("ops", "supervisor"))]
"""Decides an irreversible operation another person asked for (two people: shared/DOMAIN.md v1.2)."""
"""Reviews plans (002 三(二)): neither a department nor ops may approve what it filed or runs."""
SysAdmin = Annotated[Principal, Depends(role("sysadmin"))]
"""系统管理员: accounts, tokens, departments."""
SecAdmin = Annotated[Principal, Depends(role("secadmin"))]
"""安全管理员: the security settings."""
Auditor = Annotated[Principal, Depends(role("auditor"))]
"""审计管理员: reads and exports the audit log, changes nothing."""


def visible(principal: Principal, department: str) -> None:
    if not principal.sees(department):
        raise said(404, "没有这个部门的数据", "no such department")
