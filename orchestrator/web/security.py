"""Who is asking: argon2 password hashes, bearer tokens kept as SHA-256, and the principal a request acts as.

A principal is resolved on the server for every request, from a bearer token or the signed session cookie; the
browser is never trusted to say who it is or what it may see.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = ("department", "ops", "supervisor")
ROLE_ZH = {"department": "部门", "ops": "运维", "supervisor": "监管"}
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return "gm_" + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    department: str | None

    @property
    def writes_plans(self) -> bool:
        return self.role in ("department", "ops")

    def sees(self, department: str) -> bool:
        """Ops and supervisors see every department; a department only itself."""
        return self.role != "department" or self.department == department


class LoginThrottle:
    """After `limit` failed sign-ins for one user name within `window` seconds, further attempts are refused
    until the window has passed: guessing passwords gets slow, a forgotten one costs a short wait."""

    def __init__(
        self, limit: int = 5, window: float = 900, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, username: str) -> list[float]:
        now = self.clock()
        kept = [t for t in self._failures.get(username, []) if now - t < self.window]
        self._failures[username] = kept
        return kept

    def blocked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username)) >= self.limit

    def failed(self, username: str) -> None:
        with self._lock:
            self._recent(username).append(self.clock())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)
