"""Sign-in, as a stranger probes it, against `govmig serve` in its own process:

- how long a wrong password takes for a user name that exists and for one that does not (medians of 20 each, taken
  in turn, each from its own loopback source so no throttle answers first): their ratio should be 1, or the names
  can be found by timing;
- the distributed lockout trial: ten source addresses × 5 wrong passwords for one ops account, then the real
  user from an eleventh address, first with the password alone, then with the password and the current TOTP code.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyotp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestrator.store import Accounts, SecondFactors, open_store
from orchestrator.web import hash_password
from tests.web.server import govmig_serve

PASSWORD = "Gov-Mig-2026"
EACH = 20


def _post(base: str, source: str, user: str, password: str, otp: str = "") -> tuple[int, float]:
    with httpx.Client(base_url=base, transport=httpx.HTTPTransport(local_address=source), timeout=60) as c:
        csrf = c.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        data = {"username": user, "password": password, "otp": otp, "csrf": csrf}
        start = time.perf_counter()
        status = c.post("/login", data=data, follow_redirects=False).status_code
        return status, time.perf_counter() - start


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="govmig-bench-sign-in-"))
    (root / "render").mkdir()
    db = f"sqlite:///{root / 'govmig.db'}"
    engine = open_store(db)
    accounts = Accounts(engine)
    accounts.add_user("clerk", "department", "630000-RST", hash_password(PASSWORD), "bench")
    accounts.add_user("ops1", "ops", None, hash_password(PASSWORD), "bench")
    seed = pyotp.parse_uri(SecondFactors(engine).replace("ops1", "bench")).secret
    try:
        with govmig_serve(db, root) as base:
            known: list[float] = []
            unknown: list[float] = []
            for n in range(EACH):
                known.append(_post(base, f"127.0.1.{n + 1}", "clerk", "Wrong-Guess-42")[1])
                unknown.append(_post(base, f"127.0.2.{n + 1}", f"nobody-{n}", "Wrong-Guess-42")[1])
            k, u = statistics.median(known), statistics.median(unknown)
            print("\nSign-in refused (wrong password), medians of", EACH)
            print(
                f"  known user   {k * 1000:8.1f} ms\n  unknown user {u * 1000:8.1f} ms\n  ratio {k / u:.2f}"
            )
            guesses = [
                _post(base, f"127.0.0.{10 + n}", "ops1", f"Guess-{n}-{m}!x")[0]
                for n in range(10)
                for m in range(5)
            ]
            alone = _post(base, "127.0.0.100", "ops1", PASSWORD)[0]
            both = _post(base, "127.0.0.101", "ops1", PASSWORD, pyotp.TOTP(seed).now())[0]
            print("Distributed lockout trial: 10 sources x 5 wrong passwords")
            print(f"  guesses answered {sorted(set(guesses))}; then the real user, password alone: {alone};")
            print(f"  password and TOTP code: {both} ({'signed in' if both == 303 else 'LOCKED OUT'})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
