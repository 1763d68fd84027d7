"""The site's people: accounts and departments, API tokens, second factors, sessions, the password history, the
secadmin's security settings, the sign-in throttle, second persons' approvals and the audit log, each opened
once over the site's store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ..store import Accounts as AccountBook
from ..store import (
    Approvals,
    AuditLog,
    Engine,
    PasswordHistoryBook,
    SecondFactors,
    SecurityPolicy,
    Sessions,
    SignInThrottle,
    Store,
    Tokens,
)
from .passwords import Problem, password_problem, reused


class Accounts:
    def __init__(
        self, engine: Engine, store: Store, idle_minutes: float, totp_seconds: Callable[[], float]
    ) -> None:
        self.book = AccountBook(engine)
        self.tokens = Tokens(engine)
        self.factors = SecondFactors(engine, seconds=totp_seconds)
        self.sessions = Sessions(engine, idle=timedelta(minutes=idle_minutes))
        self.security = SecurityPolicy(engine)
        self.history = PasswordHistoryBook(engine)
        self.throttle = SignInThrottle(engine)
        self.approvals = Approvals(engine)
        self.audit = AuditLog(engine)
        self.store = store

    def refused_password(self, password: str, username: str, check_history: bool) -> Problem | None:
        """Why the secadmin's policy refuses `password` for `username` (with `check_history`, one of the user's
        last passwords too), or None: one policy wherever a password is set, the console and the web alike."""
        settings = self.security.read()
        problem = password_problem(password, username, settings)
        if problem is None and check_history:
            problem = reused(password, self.history.recent(username, settings.password_history))
        return problem
