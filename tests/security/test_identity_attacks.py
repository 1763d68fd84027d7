"""Identity attacks played from outside, over real HTTP against a real `govmig serve` process (issue 37):

- a stranger spreads wrong passwords over ten source addresses (5 each, so no (user, source) pair and no source
  reaches its own limit) to fill the account's per-user count: the real user, with password and TOTP code, still
  signs in; the password alone does not;
- user names cannot be told apart by how long a wrong password takes (known against unknown, same run);
- `Password1` is refused as a new password; a used TOTP code cannot be replayed;
- an expired, a revoked, and a password-changed user's token get nothing;
- 三员分立: a secadmin cannot add users, a sysadmin cannot change the security settings, an auditor can change
  nothing at all (every write route the service declares, tried).

The server trusts no proxy, so X-Forwarded-For counts for nothing; the sources are loopback addresses 127.0.0.x,
which Linux routes to the server like any other client address.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pyotp
import pytest

from orchestrator.store import Accounts, SecondFactors, Tokens, open_store, utcnow
from orchestrator.web import hash_password, new_token, token_digest
from tests.web.server import govmig_serve

PASSWORD = "Gov-Mig-2026"
USERS = {
    "ops-lock": "ops",
    "ops-replay": "ops",
    "sup-pass": "supervisor",
    "clerk": "department",
    "sys": "sysadmin",
    "sec": "secadmin",
    "aud": "auditor",
}


@dataclass
class Site:
    base: str
    db: str
    seeds: dict[str, str]
    tokens: dict[str, str]

    def client(self, source: str = "127.0.0.1", user: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        transport = httpx.HTTPTransport(local_address=source)
        return httpx.Client(base_url=self.base, transport=transport, headers=headers, timeout=30)


def sign_in(site: Site, user: str, password: str, otp: str = "", source: str = "127.0.0.1") -> int:
    with site.client(source) as c:
        page = c.get("/login").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        data = {"username": user, "password": password, "otp": otp, "csrf": csrf}
        return c.post("/login", data=data, follow_redirects=False).status_code


def _timed_guess(site: Site, user: str, source: str) -> float:
    with site.client(source) as c:
        page = c.get("/login").text
        csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        data = {"username": user, "password": "Wrong-Guess-42", "otp": "", "csrf": csrf}
        started = time.perf_counter()
        status = c.post("/login", data=data, follow_redirects=False).status_code
        took = time.perf_counter() - started
    assert status == 401, (user, source, status)
    return took


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("identity")
    (root / "render").mkdir()
    db = f"sqlite:///{root / 'govmig.db'}"
    engine = open_store(db)
    accounts, factors = Accounts(engine), SecondFactors(engine)
    seeds, tokens = {}, {}
    for name, role in USERS.items():
        department = "630000-RST" if role == "department" else None
        user = accounts.add_user(name, role, department, hash_password(PASSWORD), "test")
        tokens[name] = new_token()
        accounts.add_token(user, token_digest(tokens[name]), "test", "test")
        if role != "department":
            seeds[name] = pyotp.parse_uri(factors.replace(name, "test")).secret
    with govmig_serve(db, root) as base:
        yield Site(base, db, seeds, tokens)


def test_a_stranger_on_ten_addresses_cannot_lock_out_the_user_who_proves_the_second_factor(
    site: Site,
) -> None:
    user = "ops-lock"
    statuses = [
        sign_in(site, user, f"Guess-{n}-{m}!x", source=f"127.0.0.{10 + n}")
        for n in range(10)
        for m in range(5)
    ]
    assert statuses == [401] * 50  # no pair and no source reached its own limit: only the account's count
    assert sign_in(site, user, PASSWORD, source="127.0.0.100") == 429  # the password alone: not now
    assert sign_in(site, user, "Guess-0-9!x", source="127.0.0.101") == 429  # and no hint which one is right
    code = pyotp.TOTP(site.seeds[user]).now()
    assert sign_in(site, user, PASSWORD, code, source="127.0.0.102") == 303  # password and code: in
    spoofed = site.client("127.0.0.10")
    spoofed.headers["X-Forwarded-For"] = "198.18.7.7"  # no trusted proxy: the header changes nothing
    page = spoofed.get("/login").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    data = {"username": user, "password": "Guess-x", "otp": "", "csrf": csrf}
    assert spoofed.post("/login", data=data, follow_redirects=False).status_code == 429
    spoofed.close()


def test_a_wrong_password_takes_as_long_for_an_unknown_name_as_for_a_real_one(site: Site) -> None:
    known: list[float] = []
    unknown: list[float] = []
    for n in range(16):  # interleaved, each from its own source (no limit reached): both see the same machine
        pair = [("clerk", known, f"127.0.1.{n + 1}"), (f"nobody-{n}", unknown, f"127.0.2.{n + 1}")]
        for name, times, source in pair if n % 2 else reversed(pair):
            times.append(_timed_guess(site, name, source))
    ratio = statistics.median(known) / statistics.median(unknown)
    print(
        f"sign-in refused: known {statistics.median(known) * 1000:.1f} ms, "
        f"unknown {statistics.median(unknown) * 1000:.1f} ms, ratio {ratio:.2f}"
    )
    assert 0.67 < ratio < 1.5, (known, unknown)


def test_a_used_code_is_refused_and_so_is_a_sign_in_without_one(site: Site) -> None:
    user = "ops-replay"
    assert sign_in(site, user, PASSWORD, "", source="127.0.0.30") == 401  # the second factor is required
    code = pyotp.TOTP(site.seeds[user]).now()
    assert sign_in(site, user, PASSWORD, code, source="127.0.0.31") == 303
    assert sign_in(site, user, PASSWORD, code, source="127.0.0.32") == 401  # the same code, again: refused


def test_password1_is_refused_as_a_new_password(site: Site) -> None:
    with site.client(user="sup-pass") as c:
        r = c.post("/api/account/password", json={"current": PASSWORD, "new": "Password1"})
        assert r.status_code == 422 and "common" in r.json()["en"]
        assert c.get("/api/me").status_code == 200  # refused: nothing changed, the token still works


def test_expired_revoked_and_password_changed_tokens_get_nothing(site: Site) -> None:
    engine = open_store(site.db)
    accounts = Accounts(engine)
    clerk = accounts.user("clerk")
    assert clerk is not None
    old = new_token()
    past = Tokens(engine, clock=lambda: utcnow() - timedelta(days=3))
    past.add(clerk, token_digest(old), "old", "test", days=2)
    with site.client() as c:
        assert c.get("/api/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401  # lapsed

    fresh = new_token()
    token_id = accounts.add_token(clerk, token_digest(fresh), "fresh", "test", days=30)
    auth = {"Authorization": f"Bearer {fresh}"}
    with site.client() as c:
        assert c.get("/api/me", headers=auth).status_code == 200
    with site.client(user="sys") as admin:
        listed = admin.get("/api/admin/tokens", params={"username": "clerk"}).json()
        assert any(t["id"] == token_id and t["last_used"] for t in listed)  # its use is seen
        assert admin.post(f"/api/admin/tokens/{token_id}/revoke").status_code == 200
    with site.client() as c:
        assert c.get("/api/me", headers=auth).status_code == 401  # revoked

    with site.client(user="clerk") as c:
        assert c.get("/api/me").status_code == 200
    passwd = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "user",
            "passwd",
            "clerk",
            "--password-stdin",
            "--db",
            site.db,
            "--format",
            "json",
        ],
        input="Another-Desk-2027\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert passwd.returncode == 0, passwd.stderr
    with site.client(user="clerk") as c:
        assert c.get("/api/me").status_code == 401  # `govmig user passwd` revoked it


def test_each_administrator_does_only_their_own_job(site: Site) -> None:
    new_user = {"username": "x1", "role": "ops", "password": "Ano7her-Pass!word"}
    stricter = {"password_min_length": 12}
    with site.client(user="sec") as sec, site.client(user="sys") as sys_, site.client(user="aud") as aud:
        assert sec.post("/api/admin/users", json=new_user).status_code == 403
        assert sys_.put("/api/security/settings", json=stricter).status_code == 403
        assert sec.put("/api/security/settings", json=stricter).status_code == 200  # their own job
        assert sec.get("/api/security/settings").json()["password_min_length"] == 12
        made = sys_.post("/api/admin/users", json=new_user)  # theirs
        assert made.status_code == 201 and made.json()["totp_uri"].startswith("otpauth://totp/")
        spec = aud.get("/openapi.json").json()  # the document is for signed-in users only
        writes = [
            (method.upper(), path)
            for path, item in spec["paths"].items()
            for method in item
            if method in ("post", "put", "patch", "delete") and path != "/api/account/password"
        ]
        assert len(writes) > 15
        refused = {(m, p): aud.request(m, p.replace("{", "").replace("}", "")).status_code for m, p in writes}
        assert set(refused.values()) == {403}, refused  # the auditor changes nothing
        assert sys_.get("/api/decisions").status_code == sec.get("/api/dashboard").status_code == 403
