"""API tokens (bearer) with a term: each lapses (`expires_at`), can be revoked, and says when it was last used.
A password change or a disabled account revokes every token of that user (`revoke_all_in`, inside the same
transaction). Only a token's SHA-256 is kept: the token itself is shown once, when it is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, aware, utcnow
from .schema import ApiToken, ApiTokenTerm, Audit, User

LEGACY_TERM = timedelta(days=90)
"""A token made before terms were kept lapses this long after it was made."""
TOUCH = timedelta(seconds=60)
"""`last_used` is written at most this often per token: a script polling every second costs no write each time."""


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    created: datetime
    expires: datetime
    last_used: datetime | None
    revoked: datetime | None

    def document(self) -> dict[str, object]:
        return {
            "id": self.id,
            "username": self.username,
            "name": self.name,
            "created": self.created.isoformat(),
            "expires": self.expires.isoformat(),
            "last_used": self.last_used.isoformat() if self.last_used else None,
            "revoked": self.revoked.isoformat() if self.revoked else None,
        }


def revoke_all_in(s: Session, user_id: int, now: datetime, actor: str) -> int:
    """Revokes every live token of the user within the caller's transaction. How many."""
    revoked = 0
    for token in s.scalars(select(ApiToken).where(ApiToken.user_id == user_id)):
        term = s.get(ApiTokenTerm, token.id)
        if term is None:
            term = ApiTokenTerm(token_id=token.id, expires_at=aware(token.created_at) + LEGACY_TERM)
            s.add(term)
        if term.revoked_at is None:
            term.revoked_at, term.revoked_by = now, actor
            revoked += 1
    return revoked


class Tokens:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.clock = clock

    def add(self, user: User, digest: str, name: str, actor: str, days: int = 90) -> int:
        now = self.clock()
        with self.session.begin() as s:
            token = ApiToken(user_id=user.id, digest=digest, name=name, created_at=now)
            s.add(token)
            s.flush()
            s.add(ApiTokenTerm(token_id=token.id, expires_at=now + timedelta(days=days)))
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="token.add",
                    target=user.username,
                    result="ok",
                    detail=f"id={token.id} name={name} days={days}",
                )
            )
            return token.id

    def user_by_token(self, digest: str) -> User | None:
        """The enabled user behind a live token (not revoked, not lapsed); notes its use."""
        now = self.clock()
        with self.session.begin() as s:
            token = s.scalar(select(ApiToken).where(ApiToken.digest == digest))
            if token is None:
                return None
            term = s.get(ApiTokenTerm, token.id)
            expires = aware(term.expires_at) if term else aware(token.created_at) + LEGACY_TERM
            if (term is not None and term.revoked_at is not None) or expires <= now:
                return None
            user = s.get(User, token.user_id)
            if user is None or user.disabled:
                return None
            if term is None:
                s.add(ApiTokenTerm(token_id=token.id, expires_at=expires, last_used_at=now))
            elif term.last_used_at is None or now - aware(term.last_used_at) > TOUCH:
                term.last_used_at = now
            return user

    def list(self, username: str | None = None) -> list[TokenInfo]:
        with self.session() as s:
            query = select(ApiToken, User.username, ApiTokenTerm).join(User, User.id == ApiToken.user_id)
            query = query.outerjoin(ApiTokenTerm, ApiTokenTerm.token_id == ApiToken.id).order_by(ApiToken.id)
            if username is not None:
                query = query.where(User.username == username)
            return [
                TokenInfo(
                    id=token.id,
                    username=name,
                    name=token.name,
                    created=aware(token.created_at),
                    expires=aware(term.expires_at) if term else aware(token.created_at) + LEGACY_TERM,
                    last_used=aware(term.last_used_at) if term and term.last_used_at else None,
                    revoked=aware(term.revoked_at) if term and term.revoked_at else None,
                )
                for token, name, term in s.execute(query).all()
            ]

    def revoke(self, token_id: int, actor: str) -> bool:
        """Revokes one token (audited). False when there is no such token; revoking twice is no error."""
        now = self.clock()
        with self.session.begin() as s:
            token = s.get(ApiToken, token_id)
            if token is None:
                return False
            term = s.get(ApiTokenTerm, token.id)
            if term is None:
                term = ApiTokenTerm(token_id=token.id, expires_at=aware(token.created_at) + LEGACY_TERM)
                s.add(term)
            if term.revoked_at is None:
                term.revoked_at, term.revoked_by = now, actor
            owner = s.get(User, token.user_id)
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="token.revoke",
                    target=owner.username if owner else "?",
                    result="ok",
                    detail=f"id={token.id}",
                )
            )
            return True
