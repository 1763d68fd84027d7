"""Signing in (GB/T 22239 8.1.4.1: identification and authentication, lockout, two factors) and changing one's
password, for the pages and the API alike.

A sign-in takes the same work whether the name exists or not (an unknown name is checked against a dummy argon2
hash). The throttle counts failures per (user, source), per source and per user (store/throttle.py): a full pair or
source count answers "wait"; a full per-user count alone asks for the password and the TOTP code together, which
the real user has and a stranger guessing passwords from many addresses does not, so the account is never locked
for its owner. Roles that need the second factor (security.py) must give a current, unused code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from fastapi import Request

from ..app import (
    KeyFailure,
    Problem,
    SecuritySettings,
    SignInThrottle,
    hash_password,
    needs_second_factor,
    password_problem,
    reused,
    utcnow,
    verify_or_dummy,
)
from .context import Context
from .deps import context, said, signed_in

Outcome = Literal["ok", "wrong", "throttled", "user_locked"]


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    minutes: int = 15
    """How long the lockout window is (the secadmin's `lockout_minutes`), for the page to say."""
    user: Any = None
    """The store's user row when signed in (Accounts.user)."""
    expired: bool = False


@contextmanager
def site_key() -> Iterator[None]:
    """The site's key missing, open to others or not this store's: 503, said as the key module says it (the file's
    name, never its path)."""
    try:
        yield
    except KeyFailure as error:
        raise said(503, error.zh, error.en) from None


def source_of(request: Request) -> str:
    return request.client.host if request.client is not None else "?"


def apply_settings(ctx: Context, throttle: SignInThrottle) -> SecuritySettings:
    """The secadmin's settings as they are now, applied to this replica's throttle and sessions."""
    settings = ctx.security.read()
    throttle.configure(
        settings.lockout_attempts,
        settings.lockout_per_source,
        settings.lockout_per_user,
        settings.lockout_minutes * 60,
    )
    ctx.sessions.idle = timedelta(minutes=settings.session_idle_minutes)
    ctx.sessions.absolute = timedelta(hours=settings.session_hours)
    return settings


def attempt(
    ctx: Context, throttle: SignInThrottle, username: str, password: str, otp: str, source: str
) -> Attempt:
    settings = apply_settings(ctx, throttle)
    actor = username[:64] or "?"
    blocking = throttle.blocking(username, source)
    if blocking & {"pair", "source"}:
        ctx.store.audit(actor, "login", "web", "throttled", f"from {source}")
        return Attempt("throttled", settings.lockout_minutes)
    user = ctx.accounts.user(username)
    right = verify_or_dummy(user.password_hash if user is not None else None, password)
    two = user is not None and needs_second_factor(user.role, settings.totp_for_department)
    if right and user is not None and two:
        with site_key():
            right = ctx.factors.accept(user.id, otp)
    if right and user is not None and "user" in blocking and not two:
        right = False  # the per-user count is full and this account has no second factor to prove
    if not right or user is None:
        throttle.failed(username, source)
        result = "refused" if "user" not in blocking else "locked"
        ctx.store.audit(actor, "login", "web", result, f"from {source}")
        return Attempt("user_locked" if "user" in blocking else "wrong", settings.lockout_minutes)
    throttle.succeeded(username, source)
    days = settings.password_expiry_days
    set_at, given = ctx.history.current(user)
    expired = given or (bool(days) and set_at + timedelta(days=days) <= utcnow())
    ctx.store.audit(user.username, "login", "web", "ok", f"from {source}" + (" (password expired)" * expired))
    return Attempt("ok", settings.lockout_minutes, user, expired)


def change_password(
    ctx: Context, throttle: SignInThrottle, username: str, current: str, new: str, source: str
) -> tuple[int, Problem | None]:
    """Changes the signed-in user's own password after checking the current one and the policy. (HTTP status,
    the refusal or None). Every session and token of the user ends (store/sessions.py)."""
    settings = apply_settings(ctx, throttle)
    if throttle.blocking(username, source) & {"pair", "source"}:
        return 429, ("失败次数过多，请稍后再试", "too many failed attempts: try again later")
    user = ctx.accounts.user(username)
    if user is None or not verify_or_dummy(user.password_hash, current):
        throttle.failed(username, source)
        ctx.store.audit(username, "user.password", username, "refused", "wrong current password")
        return 403, ("当前密码错误", "the current password is wrong")
    problem = password_problem(new, username, settings) or reused(
        new, ctx.history.recent(username, settings.password_history)
    )
    if problem is not None:
        return 422, problem
    ctx.sessions.set_password(username, hash_password(new), username)
    return 200, None


def restart(request: Request) -> None:
    """After the user's own password change (which ended every session): a fresh session for this browser."""
    ctx = context(request)
    signed = signed_in(request)
    user = signed.user if signed is not None else None
    fresh = ctx.accounts.user(user.username) if user is not None else None
    request.session.clear()
    request.scope.pop("govmig_signed", None)
    if fresh is not None:
        request.session["sid"] = ctx.sessions.start(fresh)[0]
