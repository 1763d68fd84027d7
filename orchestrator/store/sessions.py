"""Browser sessions kept on the server (GB/T 22239 identity and session duties): the cookie carries only a random
token; the store keeps its SHA-256, whose user, its CSRF token, and when it lapses (idle and absolute).

Signing out ends the session; changing a password or disabling a user ends every session of that user, in every
process that shares the store. A cookie copied before any of these is worth nothing afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import sessionmaker

from .clock import Clock, aware, utcnow
from .password_history import remember_in
from .schema import Audit, User, WebSession
from .tokens import revoke_all_in


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _count(result: object) -> int:
    """Rows a DELETE touched (ORM sessions hand back the cursor's result under a wider type)."""
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Signed:
    """A live session: the user it belongs to and its CSRF token."""

    user: User
    csrf: str


class Sessions:
    def __init__(
        self,
        engine: Engine,
        clock: Clock = utcnow,
        idle: timedelta = timedelta(minutes=30),
        absolute: timedelta = timedelta(hours=12),
    ) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.clock, self.idle, self.absolute = clock, idle, absolute

    def start(self, user: User) -> tuple[str, str]:
        """A new session for `user`: (the cookie's token, the session's CSRF token). Only the digest is kept."""
        token, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(24), self.clock()
        with self.session.begin() as s:
            s.add(
                WebSession(
                    digest=_digest(token),
                    user_id=user.id,
                    csrf=csrf,
                    created_at=now,
                    seen_at=now,
                    expires_at=now + self.absolute,
                )
            )
        return token, csrf

    def resume(self, token: str) -> Signed | None:
        """The session behind a cookie's token, if it is live (not ended, idle or expired, its user enabled)."""
        now = self.clock()
        with self.session.begin() as s:
            row = s.get(WebSession, _digest(token))
            if row is None:
                return None
            if aware(row.expires_at) <= now or aware(row.seen_at) + self.idle <= now:
                s.delete(row)
                return None
            user = s.get(User, row.user_id)
            if user is None or user.disabled:
                return None
            if now - aware(row.seen_at) > timedelta(
                seconds=30
            ):  # keep writes rare: a touch every 30 s at most
                row.seen_at = now
            return Signed(user, row.csrf)

    def end(self, token: str) -> None:
        with self.session.begin() as s:
            s.execute(delete(WebSession).where(WebSession.digest == _digest(token)))

    def end_all(self, user_id: int) -> int:
        with self.session.begin() as s:
            return _count(s.execute(delete(WebSession).where(WebSession.user_id == user_id)))

    def live(self, user_id: int) -> int:
        with self.session() as s:
            return len(list(s.scalars(select(WebSession.digest).where(WebSession.user_id == user_id))))

    def set_password(self, username: str, password_hash: str, actor: str, given: bool = False) -> int:
        """A new password (kept in the history); every session and every API token of the user ends. How many
        sessions ended. `given`: an administrator reset it, so the user changes it at the next sign-in."""
        return self._change(username, actor, "user.password", given, password_hash=password_hash)

    def disable(self, username: str, actor: str) -> int:
        """The user can no longer sign in or use a token; every session ends and every token is revoked. How many
        sessions ended."""
        return self._change(username, actor, "user.disable", False, disabled=True)

    def _change(self, username: str, actor: str, action: str, given: bool, **values: object) -> int:
        now = self.clock()
        with self.session.begin() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise KeyError(username)
            s.execute(update(User).where(User.id == user.id).values(**values))
            ended = _count(s.execute(delete(WebSession).where(WebSession.user_id == user.id)))
            revoked = revoke_all_in(s, user.id, now, actor)
            if "password_hash" in values:
                remember_in(s, user.id, str(values["password_hash"]), now, given)
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action=action,
                    target=username,
                    result="ok",
                    detail=f"sessions ended: {ended}; tokens revoked: {revoked}",
                )
            )
        return ended
