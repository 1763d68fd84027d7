"""`govmig user` and `govmig token`: the people (and scripts) who use the web service, as its 系统管理员 manages
them on the server. One password policy (the secadmin's, read from the store) wherever a password is set; TOTP
seeds sealed with the site's key; tokens with a term, listed and revoked."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from ..app import ROLES, KeyFailure, Site, hash_password, needs_second_factor, new_token, token_digest
from .options import DB, site
from .output import FAILED, FORMAT, console, emit_json, fail


def _password(stdin: bool, username: str, here: Site, check_history: bool) -> str:
    password = (
        sys.stdin.readline().rstrip("\n")
        if stdin
        else click.prompt("密码 Password", hide_input=True, confirmation_prompt=True)
    )
    problem = here.accounts.refused_password(password, username, check_history)
    if problem is not None:
        fail(*problem)
    return password


def _key_failed(error: KeyFailure) -> NoReturn:
    fail(error.zh, error.en, status=FAILED)
    raise SystemExit(FAILED)  # unreachable: fail() exits


def _no_user(username: str) -> NoReturn:
    fail(f"没有用户 {username}", f"no user {username}")
    raise SystemExit(2)  # unreachable: fail() exits


@click.group("user")
def user_group() -> None:
    """网页用户 Web users, their second factor and API tokens."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="角色 Role")
@click.option("--department", default=None, help="部门代码（部门角色必填）Department code (department role)")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码 Read the password from stdin")
@click.option(
    "--token",
    "with_token",
    is_flag=True,
    help="同时生成 API 令牌（只显示一次）Also make an API token (shown once)",
)
@DB
@FORMAT
def user_add(
    username: str,
    role: str,
    department: str | None,
    password_stdin: bool,
    with_token: bool,
    db: str | None,
    fmt: str,
) -> None:
    """新增用户；需要动态口令的角色随即得到 TOTP 种子（URI 只显示一次）Add a user; roles that need a second factor get
    a TOTP seed at once (its URI is shown once)."""
    if (role == "department") != (department is not None):
        fail(
            "部门角色必须且只有它需要 --department",
            "--department is required for, and only for, the department role",
        )
    here = site(db)
    password = _password(password_stdin, username, here, check_history=False)
    accounts = here.accounts.book
    try:
        factors = here.accounts.factors
        needs = needs_second_factor(role, here.accounts.security.read().totp_for_department)
        if needs:
            factors.keys  # noqa: B018  the site's key is there (or made) before the user is
    except KeyFailure as error:
        _key_failed(error)
    try:
        user = accounts.add_user(
            username, role, department, hash_password(password), "govmig-cli", given=True
        )
    except KeyError:
        fail(f"用户 {username} 已存在", f"user {username} already exists")
        raise
    doc: dict[str, object] = {"username": username, "role": role, "department": department}
    if with_token:
        token = new_token()
        accounts.add_token(user, token_digest(token), "cli", "govmig-cli")
        doc["token"] = token
    if needs:
        doc["totp_uri"] = factors.replace(username, "govmig-cli")
    if fmt == "json":
        emit_json(doc)
        return
    console().print(f"已新增用户 added {username} ({role}{' ' + department if department else ''})")
    if "token" in doc:
        console().print(f"API 令牌（只显示这一次）token, shown once: {doc['token']}")
    if "totp_uri" in doc:
        console().print(f"动态口令种子（只显示这一次，请导入认证器应用）TOTP, shown once: {doc['totp_uri']}")


@user_group.command("totp")
@click.argument("username")
@DB
@FORMAT
def user_totp(username: str, db: str | None, fmt: str) -> None:
    """换新 TOTP 种子（旧的随即失效，URI 只显示一次）Replace the user's TOTP seed (the old one stops working)."""
    try:
        uri = site(db).accounts.factors.replace(username, "govmig-cli")
    except KeyError:
        _no_user(username)
    except KeyFailure as error:
        _key_failed(error)
    if fmt == "json":
        emit_json({"username": username, "totp_uri": uri})
    else:
        console().print(f"新的动态口令种子（只显示这一次）new TOTP, shown once: {uri}")


@user_group.command("list")
@DB
@FORMAT
def user_list(db: str | None, fmt: str) -> None:
    """列出用户 List users."""
    users = site(db).accounts.book.users()
    rows = [
        {"username": u.username, "role": u.role, "department": u.department, "disabled": u.disabled}
        for u in users
    ]
    if fmt == "json":
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(title="用户 Users")
    for name in ("用户 User", "角色 Role", "部门 Department"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r["username"]), str(r["role"]), str(r["department"] or ""))
    console().print(table)


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码 Read the password from stdin")
@DB
@FORMAT
def user_passwd(username: str, password_stdin: bool, db: str | None, fmt: str) -> None:
    """修改密码（同一密码策略）：该用户的所有会话和 API 令牌随即失效 Set a new password (the same policy); every session
    and API token of the user ends."""
    here = site(db)
    if here.accounts.book.user(username) is None:
        _no_user(username)
    password = _password(password_stdin, username, here, check_history=True)
    try:
        ended = here.accounts.sessions.set_password(
            username, hash_password(password), "govmig-cli", given=True
        )
    except KeyError:
        _no_user(username)
    _said(
        fmt, {"username": username, "sessions_ended": ended}, f"已修改密码 password set for {username}", ended
    )


@user_group.command("disable")
@click.argument("username")
@DB
@FORMAT
def user_disable(username: str, db: str | None, fmt: str) -> None:
    """停用用户：不能再登录，会话和令牌随即失效 Disable a user: no sign-in, sessions and tokens end."""
    try:
        ended = site(db).accounts.sessions.disable(username, "govmig-cli")
    except KeyError:
        _no_user(username)
    _said(
        fmt,
        {"username": username, "disabled": True, "sessions_ended": ended},
        f"已停用 disabled {username}",
        ended,
    )


def _said(fmt: str, doc: dict[str, object], text: str, ended: int) -> None:
    if fmt == "json":
        emit_json(doc)
    else:
        console().print(f"{text}；结束会话 sessions ended: {ended}")


@click.group("token")
def token_group() -> None:
    """API 令牌：有期限，可列出、可吊销 API tokens: with a term, listed, revoked."""


@token_group.command("add")
@click.argument("username")
@click.option(
    "--expires-days",
    type=click.IntRange(1, 3650),
    default=90,
    show_default=True,
    help="有效天数 Days until it lapses",
)
@DB
@FORMAT
def token_add(username: str, expires_days: int, db: str | None, fmt: str) -> None:
    """为用户生成 API 令牌（只显示一次）Make an API token for a user (shown once)."""
    here = site(db)
    user = here.accounts.book.user(username)
    if user is None:
        _no_user(username)
    token = new_token()
    tokens = here.accounts.tokens
    token_id = tokens.add(user, token_digest(token), "cli", "govmig-cli", expires_days)
    [info] = [t for t in tokens.list(username) if t.id == token_id]
    if fmt == "json":
        emit_json({**info.document(), "token": token})
    else:
        console().print(f"API 令牌 {token_id}（只显示这一次）token, shown once: {token}")
        console().print(f"到期 expires: {info.expires.isoformat()}")


@token_group.command("list")
@click.argument("username", required=False)
@DB
@FORMAT
def token_list(username: str | None, db: str | None, fmt: str) -> None:
    """列出 API 令牌（不含令牌本身）List API tokens (never the tokens themselves)."""
    rows = [t.document() for t in site(db).accounts.tokens.list(username)]
    if fmt == "json":
        emit_json(rows)
        return
    from rich.table import Table

    table = Table(title="API 令牌 Tokens")
    for name in ("ID", "用户 User", "创建 Created", "到期 Expires", "最近使用 Last used", "吊销 Revoked"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            *(str(r[k] or "") for k in ("id", "username", "created", "expires", "last_used", "revoked"))
        )
    console().print(table)


@token_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**62))
@DB
@FORMAT
def token_revoke(token_id: int, db: str | None, fmt: str) -> None:
    """吊销 API 令牌 Revoke an API token."""
    if not site(db).accounts.tokens.revoke(token_id, "govmig-cli"):
        fail(f"没有令牌 {token_id}", f"no token {token_id}")
    if fmt == "json":
        emit_json({"id": token_id, "revoked": True})
    else:
        console().print(f"已吊销令牌 revoked token {token_id}")
