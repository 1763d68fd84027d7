"""Identity and sessions as GB/T 22239 asks: sessions on the server (sign-out, a new password or a disabled user
ends them everywhere), CSRF on sign-in and sign-out, security headers, same-site redirects only, sign-in throttled
per user and source in bounded memory; departments that exist only when created, their uploads their own and
within a daily quota."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import text

from orchestrator.store import Accounts, SecondFactors, Sessions, SignInThrottle, Store, open_store
from orchestrator.web import WebConfig, create_app, hash_password, password_problem, token_digest
from tests.conftest import EXAMPLES

PASSWORD = "Gov-Mig-2026"
CODES: dict[int, Callable[[str], str]] = {}
"""Per app, the current TOTP code of a user (their phone), moving the app's TOTP clock past the last code used."""


def totp_site(app_config: dict[str, Any], accounts: Accounts, users: tuple[str, ...]) -> Any:
    """The app with a TOTP clock the tests move (a code is good once), and seeds for `users`."""
    offset = [0.0]
    app = create_app(WebConfig(totp_seconds=lambda: time.time() + offset[0], **app_config))
    engine = accounts.session.kw["bind"]
    seeds = {u: pyotp.parse_uri(SecondFactors(engine).replace(u, "test")).secret for u in users}

    def code(user: str) -> str:
        if user not in seeds:
            return ""
        offset[0] += 90
        return pyotp.TOTP(seeds[user]).at(time.time() + offset[0])

    CODES[id(app)] = code
    return app


def _executor(*_: Any) -> Any:
    raise AssertionError("no wave runs in these tests")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Any, Accounts]]:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    accounts = Accounts(engine)
    for name, role, dept in (
        ("ops", "ops", None),
        ("rst", "department", "630000-RST"),
        ("sup", "supervisor", None),
    ):
        accounts.add_user(name, role, dept, hash_password(PASSWORD), "test")
    config = {"engine": engine, "tree": tmp_path / "tree", "secret": "k" * 40, "executor": _executor}
    yield totp_site(config, accounts, ("ops", "sup")), accounts


def csrf_of(page: str) -> str:
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def console_csrf(c: TestClient) -> str:
    """The session's CSRF token as the console carries it (the shell's meta csrf-token)."""
    return c.get("/app/").text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def sign_in(app: Any, user: str, client: tuple[str, int] = ("198.18.0.10", 40000)) -> TestClient:
    c = TestClient(app, client=client, raise_server_exceptions=False)
    token = csrf_of(c.get("/login").text)
    otp = CODES[id(app)](user) if id(app) in CODES else ""
    data = {"username": user, "password": PASSWORD, "otp": otp, "csrf": token}
    r = c.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def test_sign_out_ends_the_session_even_for_a_copied_cookie(site: tuple[Any, Accounts]) -> None:
    app, _ = site
    browser = sign_in(app, "ops")
    saved = dict(browser.cookies)
    assert browser.get("/api/me").json()["username"] == "ops"
    r = browser.post("/logout", data={"csrf": console_csrf(browser)}, follow_redirects=False)
    assert r.status_code == 303
    thief = TestClient(app, cookies=saved, raise_server_exceptions=False)
    assert thief.get("/api/me").status_code == 401


def test_a_new_password_or_a_disabled_user_ends_every_session(site: tuple[Any, Accounts]) -> None:
    app, accounts = site
    engine = accounts.session.kw["bind"]
    sessions = Sessions(engine)
    one, two = sign_in(app, "rst"), sign_in(app, "rst", ("198.18.0.11", 40001))
    assert one.get("/api/me").status_code == two.get("/api/me").status_code == 200
    assert sessions.set_password("rst", hash_password("Another-Pass-1"), "test") == 2
    assert one.get("/api/me").status_code == two.get("/api/me").status_code == 401
    ops = sign_in(app, "ops")
    assert sessions.disable("ops", "test") == 1
    assert ops.get("/api/me").status_code == 401


def test_signing_in_and_out_need_the_forms_csrf_token(site: tuple[Any, Accounts]) -> None:
    app, _ = site
    c = TestClient(app, raise_server_exceptions=False)
    c.get("/login")
    forged = c.post("/login", data={"username": "ops", "password": PASSWORD}, follow_redirects=False)
    assert forged.status_code == 403 and forged.json()["en"] == "missing or wrong CSRF token"
    browser = sign_in(app, "ops")
    assert browser.post("/logout", follow_redirects=False).status_code == 403  # no token: still signed in
    assert browser.get("/api/me").status_code == 200


def test_every_answer_has_the_security_headers_and_hsts_only_behind_tls(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    for tls in (False, True):
        config = WebConfig(
            engine=engine, tree=tmp_path, secret="k" * 40, executor=_executor, secure_cookies=tls
        )
        r = TestClient(create_app(config)).get("/login")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert ("strict-transport-security" in r.headers) is tls
        cookie = r.headers.get("set-cookie", "")
        assert ("secure" in cookie.lower()) is tls and "httponly" in cookie.lower()
        docs = TestClient(create_app(config)).get("/docs")
        docs_csp = docs.headers["content-security-policy"]
        assert docs.status_code == 200 and "http" not in docs_csp  # Swagger UI from the package, no CDN
        assert "cdn.jsdelivr.net" not in csp  # the service's own pages load scripts from nowhere else
        assert r.headers["cache-control"] == docs.headers["cache-control"] == "no-store"


def test_the_secure_cookie_default_follows_where_the_service_listens() -> None:
    from orchestrator.cli.web_cmds import secure_by_default

    assert [secure_by_default(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "198.18.0.5")] == [
        False,
        False,
        False,
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/plans/630000-RST?v=2", "/plans/630000-RST?v=2"),
        ("http://evil.example/phish", "/"),
        ("https://testserver.evil.example/x", "/"),
        ("//evil.example/x", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_the_language_switch_goes_back_only_to_this_site(
    site: tuple[Any, Accounts], referer: str | None, back: str
) -> None:
    app, _ = site
    headers = {"referer": referer} if referer else {}
    r = TestClient(app).get("/lang/en", headers=headers, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == back


def _guess(app: Any, user: str, source: str, password: str = "wrong-Pass-1") -> int:
    c = TestClient(app, client=(source, 40000), raise_server_exceptions=False)
    token = csrf_of(c.get("/login").text)
    otp = CODES[id(app)](user) if password == PASSWORD and id(app) in CODES else ""
    data = {"username": user, "password": password, "otp": otp, "csrf": token}
    return c.post("/login", data=data, follow_redirects=False).status_code


def test_guessing_from_one_source_does_not_lock_the_real_user_out(site: tuple[Any, Accounts]) -> None:
    app, _ = site
    assert [_guess(app, "rst", "198.18.0.66") for _ in range(6)] == [401] * 5 + [429]
    c = TestClient(app, client=("198.18.0.66", 40000), raise_server_exceptions=False)
    data = {"username": "rst", "password": "wrong-Pass-1", "otp": "", "csrf": csrf_of(c.get("/login").text)}
    held = c.post("/login", data=data, follow_redirects=False)
    assert (
        held.status_code == 429 and 60 <= int(held.headers["retry-after"]) <= 24 * 3600
    )  # when to try again
    assert _guess(app, "rst", "198.18.0.66", PASSWORD) == 429  # that source, for that user, waits
    assert _guess(app, "rst", "198.18.0.20", PASSWORD) == 303  # the real user, elsewhere, signs in


def test_one_source_cannot_try_many_names(site: tuple[Any, Accounts]) -> None:
    app, _ = site
    statuses = [_guess(app, f"user{n}", "198.18.0.77") for n in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert _guess(app, "ops", "198.18.0.77", PASSWORD) == 429
    assert _guess(app, "ops", "198.18.0.78", PASSWORD) == 303


def test_the_throttle_keeps_no_name_and_stays_bounded_whatever_is_sent(tmp_path: Path) -> None:
    """The failures live in the store (every replica counts them): keyed by digests, never the typed text, pruned
    past the window and capped in rows."""
    engine = open_store(f"sqlite:///{tmp_path / 't.db'}")
    now = [datetime(2026, 12, 1, tzinfo=UTC)]
    throttle = SignInThrottle(engine, clock=lambda: now[0], max_rows=900)
    for n in range(400):
        throttle.failed(f"{n}-secret-" + "x" * 100_000, f"198.18.{n // 250}.{n % 250}")
    assert len(throttle) <= 900
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(text("SELECT * FROM sign_in_failures")) for v in row)
    assert "secret" not in stored and "198.18." not in stored
    assert throttle.blocked("399-secret-" + "x" * 100_000, "198.18.1.149") is False
    now[0] += timedelta(seconds=901)
    throttle.failed("late", "198.18.9.9")
    assert len(throttle) == 3  # one failure, its three keys; everything older than the window is gone


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short-1", False),
        ("alllowercase", False),
        ("lowerUPPER", False),
        ("lowerUPPER1", True),
        ("密码Pass-word", True),
        ("Password1", False),  # three classes, nine characters: refused as a common password
        ("Qwerty123!", False),
    ],
)
def test_the_password_policy(password: str, ok: bool) -> None:
    problem = password_problem(password, "wang")
    assert (problem is None) is ok
    if problem and len(password) < 8:
        assert "8" in problem[0] and "8" in problem[1]
    assert password_problem("Wang-2026x", "wang") is not None  # not the user name


def _plan(code: str, broken: bool = False) -> str:
    doc = yaml.safe_load((EXAMPLES / "630000-RST.yaml").read_text())
    doc["department"]["code"] = code
    if broken:
        doc["systems"][0]["security"]["mlps_level"] = "五级"
    return yaml.safe_dump(doc, allow_unicode=True)


def test_a_plan_for_another_department_is_refused_even_with_other_errors(site: tuple[Any, Accounts]) -> None:
    app, accounts = site
    accounts.add_department("630000-CZT", "省财政厅", "test")
    ops = sign_in(app, "ops")
    ops.headers["X-CSRF-Token"] = console_csrf(ops)
    for broken in (False, True):
        r = ops.post(
            "/api/plans/630000-RST", data={"content": _plan("630000-CZT", broken), "filename": "p.yaml"}
        )
        assert r.status_code == 422 and "630000-CZT" in r.json()["zh"] and "not 630000-RST" in r.json()["en"]
    assert accounts.versions("630000-RST") == []


def test_departments_exist_only_when_created(site: tuple[Any, Accounts]) -> None:
    app, accounts = site
    ops = sign_in(app, "ops")
    ops.headers["X-CSRF-Token"] = console_csrf(ops)
    r = ops.post("/api/plans/999999-NOPE", data={"content": _plan("999999-NOPE"), "filename": "p.yaml"})
    assert r.status_code == 404 and accounts.versions("999999-NOPE") == []
    assert "999999-NOPE" not in ops.get("/api/departments").json()
    assert ops.get("/api/departments").json() == ["630000-RST"]  # made with its user
    accounts.add_department("999999-NOPE", "新部门", "ops")
    r = ops.post("/api/plans/999999-NOPE", data={"content": _plan("999999-NOPE"), "filename": "p.yaml"})
    assert r.status_code == 200 and r.json()["version"] == 1


def test_a_department_has_a_daily_quota_of_versions(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    accounts = Accounts(engine)
    accounts.add_user("rst", "department", "630000-RST", hash_password(PASSWORD), "test")
    config = WebConfig(engine=engine, tree=tmp_path, secret="k" * 40, executor=_executor, versions_per_day=3)
    c = sign_in(create_app(config), "rst")  # a department: no second factor unless the site asks
    c.headers["X-CSRF-Token"] = console_csrf(c)
    statuses = [
        c.post(
            "/api/plans/630000-RST", files={"file": ("p.yaml", io.BytesIO(_plan("630000-RST").encode()))}
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert len(accounts.versions("630000-RST")) == 3
    config.versions_per_day, config.version_bytes_per_day = 100, 1024
    r = c.post("/api/plans/630000-RST", data={"content": _plan("630000-RST"), "filename": "p.yaml"})
    assert r.status_code == 429 and "MiB" in r.json()["en"]


def test_a_workbook_with_a_doctype_is_a_located_error_on_the_web_too(site: tuple[Any, Accounts]) -> None:
    from tests.intake.test_refusals import _fgw_with, _with_doctype

    app, accounts = site
    accounts.add_department("630000-FGW", "省发展改革委", "test")
    ops = sign_in(app, "ops")
    ops.headers["X-CSRF-Token"] = console_csrf(ops)
    raw = _with_doctype(_fgw_with(lambda wb: None))
    r = ops.post("/api/plans/630000-FGW/validate", files={"file": ("fgw.xlsx", io.BytesIO(raw))})
    assert r.status_code == 200, r.text  # answered, not a 500
    [problem] = r.json()["problems"]
    assert problem["code"] == "xlsx_doctype" and "DOCTYPE" in problem["zh"] and "DOCTYPE" in problem["en"]


def test_an_expired_password_must_be_changed_at_the_next_sign_in(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    long_ago = datetime.now(UTC) - timedelta(days=100)
    Accounts(engine, clock=lambda: long_ago).add_user(
        "rst", "department", "630000-RST", hash_password(PASSWORD), "t"
    )
    config = {"engine": engine, "tree": tmp_path, "secret": "k" * 40, "executor": _executor}
    app = totp_site(config, Accounts(engine), ())
    c = TestClient(app, raise_server_exceptions=False)
    data = {"username": "rst", "password": PASSWORD, "csrf": csrf_of(c.get("/login").text)}
    r = c.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account?expired=1"  # 90 days by default
    page = c.get("/account?expired=1").text
    assert 'id="expired"' in page
    c.headers["X-CSRF-Token"] = csrf_of(page)
    r = c.get("/api/decisions")
    assert r.status_code == 403 and "expired" in r.json()["en"]  # nothing else until it is changed
    assert c.get("/plans/630000-RST", follow_redirects=False).headers["location"] == "/account?expired=1"
    same = {"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD, "csrf": csrf_of(page)}
    assert c.post("/account", data=same).status_code == 422  # the history: not the same one again
    fresh = {
        "current": PASSWORD,
        "new": "Fresh-Start-2027",
        "confirm": "Fresh-Start-2027",
        "csrf": csrf_of(page),
    }
    r = c.post("/account", data=fresh)
    assert r.status_code == 200 and 'id="account-done"' in r.text
    c.headers["X-CSRF-Token"] = csrf_of(r.text)
    assert c.get("/api/decisions").status_code == 200  # a fresh session, no longer held to the change


def test_a_password_changed_on_the_web_revokes_tokens_and_keeps_the_policy(
    site: tuple[Any, Accounts],
) -> None:
    app, accounts = site
    user = accounts.user("rst")
    assert user is not None
    accounts.add_token(user, token_digest("gm_rst-script"), "script", "test")
    script = TestClient(app, headers={"Authorization": "Bearer gm_rst-script"}, raise_server_exceptions=False)
    assert script.get("/api/me").status_code == 200
    browser = sign_in(app, "rst")
    browser.headers["X-CSRF-Token"] = csrf_of(browser.get("/account").text)
    wrong = browser.post("/api/account/password", json={"current": "not-it", "new": "Fresh-Start-2027"})
    assert wrong.status_code == 403 and wrong.json()["zh"] == "当前密码错误"
    weak = browser.post("/api/account/password", json={"current": PASSWORD, "new": "Password1"})
    assert weak.status_code == 422 and "常见" in weak.json()["zh"]
    ok = browser.post("/api/account/password", json={"current": PASSWORD, "new": "Fresh-Start-2027"})
    assert ok.status_code == 200
    assert script.get("/api/me").status_code == 401  # the token went with the old password
    assert browser.get("/api/me").status_code == 200  # the browser that changed it got a fresh session


def test_the_secadmins_settings_bind_sign_in_and_the_sysadmin_manages_users(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    accounts = Accounts(engine)
    for name, role, dept in (
        ("rst", "department", "630000-RST"),
        ("sec", "secadmin", None),
        ("sys", "sysadmin", None),
    ):
        accounts.add_user(name, role, dept, hash_password(PASSWORD), "test")
    config = {"engine": engine, "tree": tmp_path, "secret": "k" * 40, "executor": _executor}
    app = totp_site(config, accounts, ("sec", "sys"))
    sec = sign_in(app, "sec")
    sec.headers["X-CSRF-Token"] = csrf_of(sec.get("/account").text)
    bad = sec.put("/api/security/settings", json={"password_min_length": 4})
    assert bad.status_code == 422 and "password_min_length" in bad.json()["en"]
    assert sec.put("/api/security/settings", json={"nonsense": 1}).status_code == 422
    r = sec.put("/api/security/settings", json={"totp_for_department": True, "password_min_length": 12})
    assert r.status_code == 200 and r.json()["totp_for_department"] is True
    c = TestClient(app, raise_server_exceptions=False)
    data = {"username": "rst", "password": PASSWORD, "otp": "", "csrf": csrf_of(c.get("/login").text)}
    assert c.post("/login", data=data, follow_redirects=False).status_code == 401  # now needs a code too

    admin = sign_in(app, "sys")
    admin.headers["X-CSRF-Token"] = csrf_of(admin.get("/account").text)
    short = {"username": "wang", "role": "department", "department": "630000-RST", "password": "Gov-Mig-26x"}
    assert admin.post("/api/admin/users", json=short).status_code == 422  # 12 characters now
    made = admin.post("/api/admin/users", json={**short, "password": "Gov-Mig-26x-long"})
    assert made.status_code == 201 and made.json()["totp_uri"].startswith("otpauth://totp/govmig:wang")
    assert admin.post("/api/admin/users", json={**short, "password": "Gov-Mig-26x-long"}).status_code == 409
    listed = {u["username"]: u for u in admin.get("/api/admin/users").json()}
    assert listed["wang"]["second_factor"] is True and listed["rst"]["second_factor"] is False
    assert admin.post("/api/admin/users/wang/disable").json()["disabled"] is True
    assert admin.post("/api/admin/users/sys/disable").status_code == 409  # not oneself
    assert admin.post("/api/admin/departments", json={"code": "630000-NEW", "name": "新厅"}).json()["created"]
    assert "630000-NEW" in admin.get("/api/admin/departments").json()
    sec.put("/api/security/settings", json={"totp_for_department": False})
    zhao = {
        "username": "zhao",
        "role": "department",
        "department": "630000-NEW",
        "password": "Given-By-Sys-2026",
    }
    assert "totp_uri" not in admin.post("/api/admin/users", json=zhao).json()
    c = TestClient(app, raise_server_exceptions=False)
    data = {"username": "zhao", "password": "Given-By-Sys-2026", "csrf": csrf_of(c.get("/login").text)}
    r = c.post("/login", data=data, follow_redirects=False)
    assert (
        r.headers["location"] == "/account?expired=1"
    )  # a password the sysadmin chose: changed at first use
    audit = {(a.actor, a.action) for a in Store(engine).audit_log()}
    assert {("sec", "security.setting"), ("sys", "user.add"), ("sys", "user.disable")} <= audit
