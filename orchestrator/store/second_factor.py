"""The second factor (GB/T 22239 8.1.4.1 d: two techniques, one of them cryptographic): TOTP, RFC 6238 (six
digits, 30 s, HMAC-SHA-1), the form every authenticator app reads.

A seed is sealed with the site's key (store/keys.py, purpose "totp": AES-256-GCM or SM4-GCM) before it reaches
the store, and opened only to check a code. A code is accepted once: the time step it matched is remembered per
user, and a code of that step or an earlier one is refused (a code seen over a shoulder or in a proxy's log is
worth nothing afterwards).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import pyotp
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import sessionmaker

from .clock import Clock, utcnow
from .keys import SiteKeys, site_keys
from .schema import Audit, TotpSeed, User

ISSUER = "govmig"
STEP = 30
DRIFT = 1
"""Steps either side of now that are accepted (a phone's clock a little off, a code typed as it turned)."""
PURPOSE = "totp"


def store_keys(engine: Engine) -> SiteKeys:
    """The site's keys for this store (the key file beside a SQLite store, or $GOVMIG_KEY_FILE)."""
    return site_keys(engine.url.render_as_string(hide_password=False))


class SecondFactors:
    def __init__(
        self,
        engine: Engine,
        keys: SiteKeys | None = None,
        clock: Clock = utcnow,
        seconds: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)
        self._keys = keys
        self.clock, self.seconds = clock, seconds

    @property
    def keys(self) -> SiteKeys:
        if self._keys is None:
            self._keys = store_keys(self.engine)
        return self._keys

    def replace(self, username: str, actor: str) -> str:
        """A new seed for the user (any earlier one stops working); its otpauth:// URI, to be shown once."""
        seed, now = pyotp.random_base32(), self.clock()
        sealed = self.keys.seal(PURPOSE, seed.encode())
        with self.session.begin() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise KeyError(username)
            row = s.get(TotpSeed, user.id)
            if row is None:
                s.add(TotpSeed(user_id=user.id, sealed=sealed, last_step=0, created_at=now))
            else:
                row.sealed, row.last_step, row.created_at = sealed, 0, now
            s.add(Audit(at=now, actor=actor, action="user.totp", target=username, result="ok"))
        return pyotp.TOTP(seed).provisioning_uri(name=username, issuer_name=ISSUER)

    def enrolled(self, user_id: int) -> bool:
        with self.session() as s:
            return s.get(TotpSeed, user_id) is not None

    def accept(self, user_id: int, code: str) -> bool:
        """Whether `code` is the user's current code (within the drift) and not used before; remembers its step.
        Two replicas given the same code at once: the conditional update lets only one of them accept it."""
        code = code.strip().replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            return False
        with self.session() as s:
            row = s.get(TotpSeed, user_id)
            if row is None:
                return False
            sealed, last = row.sealed, row.last_step
        totp = pyotp.TOTP(self.keys.open(PURPOSE, sealed).decode())
        now = self.seconds()
        step = int(now // STEP)
        matched = [
            n
            for n in range(step - DRIFT, step + DRIFT + 1)
            if n > last and hmac.compare_digest(totp.at(n * STEP), code)
        ]
        if not matched:
            return False
        with self.session.begin() as s:
            taken = s.execute(
                update(TotpSeed)
                .where(TotpSeed.user_id == user_id, TotpSeed.last_step < matched[0])
                .values(last_step=matched[0])
            )
            return bool(getattr(taken, "rowcount", 0))
