"""Sign-in throttling in the store (GB/T 22239 identity authentication: lockout after failed attempts), so any
number of `govmig serve` replicas behind one proxy count the same failures: five wrong passwords spread over
two replicas lock out exactly as five on one.

Failures are counted per (user name, source address), per source and per user name, each within `window`:
per pair first, so that someone guessing from elsewhere cannot lock the real user out; per source, so one
address cannot try many names; per user, with a higher limit, so many addresses cannot share the guessing. The
per-user count alone never locks the real user out (`blocking` says which counts are full): the sign-in then asks
for the password and the second factor together, which no stranger guessing passwords has.
Each key is kept as a SHA-256 (a password typed into the name field is never stored); rows older than the
window are pruned on every failure, and at most `max_rows` are kept whatever is sent.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import Engine, delete, func, insert, select

from .clock import Clock, utcnow
from .schema import SignInFailure

KINDS = ("pair", "source", "user")


def _keys(username: str, source: str) -> dict[str, str]:
    name = username[:64]
    raw = {"pair": f"{name}\x00{source}", "source": source, "user": name}
    return {kind: hashlib.sha256(f"{kind}\x00{text}".encode()).hexdigest() for kind, text in raw.items()}


class SignInThrottle:
    def __init__(
        self,
        engine: Engine,
        limit: int = 5,
        window: float = 900,
        clock: Clock = utcnow,
        per_source: int = 20,
        per_user: int = 50,
        max_rows: int = 30_000,
    ) -> None:
        self.engine, self.clock, self.window = engine, clock, timedelta(seconds=window)
        self.limits = {"pair": limit, "source": per_source, "user": per_user}
        self.max_rows = max_rows

    def configure(self, limit: int, per_source: int, per_user: int, window: float) -> None:
        """The secadmin's lockout settings (read from the store by the caller before each sign-in)."""
        self.limits = {"pair": limit, "source": per_source, "user": per_user}
        self.window = timedelta(seconds=window)

    def blocked(self, username: str, source: str = "") -> bool:
        """Whether any of the attempt's keys has reached its limit within the window (one query)."""
        return bool(self.blocking(username, source))

    def blocking(self, username: str, source: str = "") -> set[str]:
        """Which of the attempt's counts ("pair", "source", "user") have reached their limits (one query)."""
        keys = _keys(username, source)
        kind_of = {digest: kind for kind, digest in keys.items()}
        with self.engine.connect() as conn:
            counts = conn.execute(
                select(SignInFailure.key, func.count())
                .where(SignInFailure.key.in_(keys.values()), SignInFailure.at > self.clock() - self.window)
                .group_by(SignInFailure.key)
            ).all()
        return {kind_of[key] for key, n in counts if n >= self.limits[kind_of[key]]}

    def failed(self, username: str, source: str = "") -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                insert(SignInFailure), [{"key": k, "at": now} for k in _keys(username, source).values()]
            )
            conn.execute(delete(SignInFailure).where(SignInFailure.at <= now - self.window))
            newest = conn.scalar(select(func.max(SignInFailure.id))) or 0
            conn.execute(delete(SignInFailure).where(SignInFailure.id <= newest - self.max_rows))

    def succeeded(self, username: str, source: str = "") -> None:
        """The pair's failures are forgotten; the source's and the user's still count (a success between guesses
        must not reset them)."""
        with self.engine.begin() as conn:
            conn.execute(delete(SignInFailure).where(SignInFailure.key == _keys(username, source)["pair"]))

    def __len__(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(SignInFailure)) or 0)
