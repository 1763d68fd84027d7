"""Each password a user was given, as its argon2 hash (never the password): when the current one was set (for its
expiry) and the last few (which may not be used again). Written in the same transaction as the password itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from .clock import aware
from .schema import PasswordHistory, User


def remember_in(s: Session, user_id: int, password_hash: str, now: datetime, given: bool = False) -> None:
    s.add(PasswordHistory(user_id=user_id, password_hash=password_hash, set_at=now, given=given))


class PasswordHistoryBook:
    def __init__(self, engine: Engine) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)

    def recent(self, username: str, count: int) -> list[str]:
        """The hashes of the user's last `count` passwords, newest first (the current one among them)."""
        if count <= 0:
            return []
        with self.session() as s:
            query = (
                select(PasswordHistory.password_hash)
                .join(User, User.id == PasswordHistory.user_id)
                .where(User.username == username)
                .order_by(PasswordHistory.id.desc())
                .limit(count)
            )
            found = list(s.scalars(query))
            if not found:  # a user made before the history was kept: the current password at least
                current = s.scalar(select(User.password_hash).where(User.username == username))
                found = [current] if current else []
            return found

    def current(self, user: User) -> tuple[datetime, bool]:
        """When the user's current password was set, and whether an administrator gave it (a user made before the
        history: when it was made, by the user)."""
        with self.session() as s:
            newest = s.execute(
                select(PasswordHistory.set_at, PasswordHistory.given)
                .where(PasswordHistory.user_id == user.id)
                .order_by(PasswordHistory.id.desc())
                .limit(1)
            ).first()
        return (aware(newest[0]), bool(newest[1])) if newest else (aware(user.created_at), False)
