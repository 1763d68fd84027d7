"""The three administrators' routes (三员分立, GB/T 22239 8.1.5) and each user's own password.

- 系统管理员 `sysadmin`: users (list, add a business user, disable, a new TOTP seed), API tokens (list, revoke),
  departments. Administrator accounts are made on the server only (`govmig user add`), never through the web.
- 安全管理员 `secadmin`: the security settings (password policy, lockout, sessions, second factor).
- 审计管理员 `auditor`: the audit log (its API is the audit module's); nothing here.
Each route names the one role it serves; every change is audited by the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..app import BUSINESS, DEPT_CODE, hash_password, needs_second_factor, password_problem
from .deps import Anyone, SecAdmin, SysAdmin, context, said, signed_in
from .sign_in import apply_settings, change_password, restart, site_key, source_of

router = APIRouter(prefix="/api", tags=["administration 管理"])
Name = Annotated[str, PathParam(min_length=1, max_length=64)]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    role: str
    department: str | None = Field(None, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class NewDepartment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, max_length=255)


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: str = Field(min_length=1, max_length=1024)
    new: str = Field(min_length=1, max_length=1024)


# sysadmin: users -------------------------------------------------------------------------------------------
@router.get("/admin/users")
def users(request: Request, principal: SysAdmin) -> list[dict[str, Any]]:
    ctx = context(request)
    return [
        {
            "username": u.username,
            "role": u.role,
            "department": u.department,
            "disabled": u.disabled,
            "second_factor": ctx.factors.enrolled(u.id),
        }
        for u in ctx.accounts.users()
    ]


@router.post("/admin/users", status_code=201)
def add_user(request: Request, principal: SysAdmin, body: NewUser) -> dict[str, Any]:
    ctx = context(request)
    if body.role not in BUSINESS:
        raise said(
            403,
            "管理员账户只能在服务器上用 govmig user add 创建",
            "administrator accounts are made on the server only (govmig user add)",
        )
    if (body.role == "department") != (body.department is not None):
        raise said(
            422,
            "部门角色必须且只有它需要部门代码",
            "a department is required for, and only for, the department role",
        )
    if body.department is not None and not DEPT_CODE.match(body.department):
        raise said(
            422, f"「{body.department}」不是合法的部门编码", f"'{body.department}' is not a department code"
        )
    if body.department is not None and not ctx.accounts.department_exists(body.department):
        raise said(
            422,
            f"没有部门「{body.department}」：请先添加部门",
            f"there is no department '{body.department}': add it first",
            field="department",
        )
    settings = ctx.security.read()
    problem = password_problem(body.password, body.username, settings)
    if problem is not None:
        raise said(422, *problem)
    needs = needs_second_factor(body.role, settings.totp_for_department)
    if needs:
        with site_key():
            ctx.factors.keys  # noqa: B018  the site's key is there before the user is made
    try:
        ctx.accounts.add_user(
            body.username,
            body.role,
            body.department,
            hash_password(body.password),
            principal.username,
            given=True,  # the sysadmin chose it: the user replaces it at first sign-in
        )
    except KeyError:
        raise said(409, f"用户 {body.username} 已存在", f"user {body.username} already exists") from None
    doc: dict[str, Any] = {"username": body.username, "role": body.role, "department": body.department}
    if needs:
        with site_key():
            doc["totp_uri"] = ctx.factors.replace(body.username, principal.username)
    return doc


def _business_account(request: Request, username: str) -> None:
    """On the web the sysadmin acts on business accounts only (三员分立): an administrator account is disabled, given
    a new seed or loses its tokens on the server alone (govmig user …), so no administrator can shut out or take
    over another from the web."""
    user = next((u for u in context(request).accounts.users() if u.username == username), None)
    if user is None:
        raise said(404, f"没有用户 {username}", f"no user {username}")
    if user.role not in BUSINESS:
        raise said(
            403,
            "管理员账户只能在服务器上用 govmig user 命令管理",
            "administrator accounts are managed on the server only (govmig user …)",
        )


@router.post("/admin/users/{username}/disable")
def disable_user(request: Request, principal: SysAdmin, username: Name) -> dict[str, Any]:
    if username == principal.username:
        raise said(409, "不能停用自己的账户", "you cannot disable your own account")
    _business_account(request, username)
    try:
        ended = context(request).sessions.disable(username, principal.username)
    except KeyError:
        raise said(404, f"没有用户 {username}", f"no user {username}") from None
    return {"username": username, "disabled": True, "sessions_ended": ended}


@router.post("/admin/users/{username}/totp")
def new_totp(request: Request, principal: SysAdmin, username: Name) -> dict[str, Any]:
    """A new TOTP seed for a user who lost theirs (the old one stops working); the URI is shown this once."""
    _business_account(request, username)
    try:
        with site_key():
            uri = context(request).factors.replace(username, principal.username)
    except KeyError:
        raise said(404, f"没有用户 {username}", f"no user {username}") from None
    return {"username": username, "totp_uri": uri}


# sysadmin: tokens ------------------------------------------------------------------------------------------
@router.get("/admin/tokens")
def tokens(request: Request, principal: SysAdmin, username: str | None = None) -> list[dict[str, object]]:
    return [t.document() for t in context(request).tokens.list(username)]


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, principal: SysAdmin, token_id: Annotated[int, PathParam(ge=1, le=2**62)]
) -> dict[str, Any]:
    owner = next((t.username for t in context(request).tokens.list(None) if t.id == token_id), None)
    if owner is not None:
        _business_account(request, owner)
    if not context(request).tokens.revoke(token_id, principal.username):
        raise said(404, f"没有令牌 {token_id}", f"no token {token_id}")
    return {"id": token_id, "revoked": True}


# sysadmin: departments -------------------------------------------------------------------------------------
@router.get("/admin/departments")
def departments(request: Request, principal: SysAdmin) -> list[str]:
    return context(request).accounts.departments()


@router.post("/admin/departments")
def add_department(request: Request, principal: SysAdmin, body: NewDepartment) -> dict[str, Any]:
    if not DEPT_CODE.match(body.code):
        raise said(422, f"「{body.code}」不是合法的部门编码", f"'{body.code}' is not a department code")
    created = context(request).accounts.add_department(body.code, body.name, principal.username)
    return {"code": body.code, "name": body.name, "created": created}


# secadmin: the security settings ---------------------------------------------------------------------------
@router.get("/security/settings")
def settings(request: Request, principal: SecAdmin) -> dict[str, Any]:
    return context(request).security.read().model_dump()


@router.put("/security/settings")
def change_settings(
    request: Request, principal: SecAdmin, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    try:
        changed = context(request).security.write(body, principal.username)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise said(422, f"安全设置「{field}」无效", f"the security setting '{field}' is not valid") from None
    apply_settings(context(request), request.app.state.throttle)
    return changed.model_dump()


# anyone: one's own password --------------------------------------------------------------------------------
@router.post("/account/password")
def own_password(request: Request, principal: Anyone, body: PasswordChange) -> dict[str, Any]:
    """Changes the caller's own password (the current one proves it is them). Every session and API token of
    the user ends; a browser that asked gets a fresh session."""
    ctx = context(request)
    status, problem = change_password(
        ctx, request.app.state.throttle, principal.username, body.current, body.new, source_of(request)
    )
    if problem is not None:
        raise said(status, *problem)
    if signed_in(request) is not None:
        restart(request)
    return {"username": principal.username, "changed": True}
