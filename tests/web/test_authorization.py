"""The authorization matrix: every route, every role, own and another department. Nothing leaks, nothing is
writable that should not be; a route missing from the table fails the test, so new routes get classified.
The three administrators (三员分立) hold no business role: each is answered 403 on every route but its own."""

from __future__ import annotations

from fastapi.routing import APIRoute

from tests.web.conftest import MINE, OTHER, PASSWORD, Web, audit_entries, fill, login_csrf

ALL = {"ops", "supervisor", "department"}
ANYONE = ALL | {"sysadmin", "secadmin", "auditor"}
SYSADMIN = {"sysadmin"}
SECADMIN = {"secadmin"}
WATCH = {"ops", "supervisor"}
OPS = {"ops"}
SUBMIT = {"ops", "department"}
SUPERVISE = {"supervisor"}
AUDIT = {"auditor"}
DEPARTMENT = {"department"}
PUBLIC = None
# (method, path) → (roles allowed, scoped by department, statuses that mean "authorized")
POLICY: dict[tuple[str, str], tuple[set[str] | None, bool, set[int]]] = {
    ("GET", "/api/me"): (ANYONE, False, {200}),
    ("POST", "/api/account/password"): (ANYONE, False, {422}),  # no body sent
    ("GET", "/api/admin/users"): (SYSADMIN, False, {200}),
    ("POST", "/api/admin/users"): (SYSADMIN, False, {422}),
    ("POST", "/api/admin/users/{username}/disable"): (SYSADMIN, False, {404}),  # no such user
    ("POST", "/api/admin/users/{username}/totp"): (SYSADMIN, False, {404}),
    ("GET", "/api/admin/tokens"): (SYSADMIN, False, {200}),
    ("POST", "/api/admin/tokens/{token_id}/revoke"): (SYSADMIN, False, {422}),  # not a token id
    ("GET", "/api/admin/departments"): (SYSADMIN, False, {200}),
    ("POST", "/api/admin/departments"): (SYSADMIN, False, {422}),
    ("GET", "/api/security/settings"): (SECADMIN, False, {200}),
    ("PUT", "/api/security/settings"): (SECADMIN, False, {422}),
    ("GET", "/api/departments"): (ALL, False, {200}),
    ("POST", "/api/plans/{department}/validate"): (
        SUBMIT,
        True,
        {422},
    ),  # no body sent: refused as input only
    ("POST", "/api/plans/{department}"): (SUBMIT, True, {422}),
    ("GET", "/api/plans/{department}/versions"): (ALL, True, {200}),
    ("GET", "/api/plans/{department}/versions/{version}"): (ALL, True, {200}),
    # no body sent: refused as input only
    ("POST", "/api/plans/{department}/versions/{version}/review"): (SUPERVISE, True, {422}),
    ("GET", "/api/plans/{department}/diff"): (ALL, True, {200}),
    ("GET", "/api/plans/{department}/compare"): (ALL, True, {200}),
    ("GET", "/api/plans/{department}/current"): (ALL, True, {200}),
    ("GET", "/api/plans/{department}/template.xlsx"): (ALL, True, {200}),
    ("GET", "/api/plans/schema"): (ALL, False, {200}),
    ("GET", "/api/plans/template.xlsx"): (ALL, False, {200}),
    ("GET", "/api/dept/systems"): (ALL, False, {200, 422}),  # ops and supervisors name the department
    ("GET", "/api/plans/{department}/observed"): (
        ALL,
        True,
        {200},
    ),  # discovery's findings: none observed here
    ("POST", "/api/systems/{department}/{system}/accept"): (DEPARTMENT, True, {422}),  # no body sent
    ("POST", "/api/systems/{department}/{system}/problem"): (DEPARTMENT, True, {422}),
    ("GET", "/api/decisions"): (ALL, False, {200}),
    ("GET", "/api/waves"): (ALL, False, {200}),
    ("GET", "/api/roadmap.svg"): (WATCH, False, {200}),
    ("POST", "/api/render"): (OPS, False, set()),  # authorized use is tested in test_operations (it writes)
    ("POST", "/api/waves/{wave}/run"): (OPS, False, {409}),  # W99 has no playbook
    ("POST", "/api/waves/{wave}/pause"): (OPS, False, {409}),
    ("POST", "/api/waves/{wave}/preflight"): (OPS, False, {200}),  # W99: not ready, the tree has no such wave
    ("POST", "/api/waves/{wave}/rollback/{department}/{system}"): (OPS, False, {409}),
    # no body sent: the system's key typed out is missing
    ("POST", "/api/waves/{wave}/decommission/{department}/{system}"): (OPS, False, {422}),
    ("POST", "/api/retire/{department}/{system}"): (OPS, False, {422}),
    ("GET", "/api/approvals"): (WATCH, False, {200}),
    ("POST", "/api/approvals/{id}"): (WATCH, False, {422}),  # no body sent
    ("GET", "/api/resources/requests"): (ALL, False, {200}),  # a department's own only: tests/reports
    ("POST", "/api/resources/requests"): (DEPARTMENT | SUPERVISE, False, {422}),  # no body sent
    ("POST", "/api/resources/requests/{id}"): (SUPERVISE, False, {422}),  # no body sent
    ("GET", "/api/resources/month"): (ALL, False, {422}),  # no month: its use in tests/reports/test_money
    ("GET", "/api/resources/fees.{fmt}"): (
        ALL,
        False,
        {422},
    ),  # no month: its use in tests/reports/test_money
    ("GET", "/api/waves/{wave}/status"): (WATCH, False, {404}),
    ("GET", "/api/waves/{wave}/stream"): (WATCH, False, {404}),
    ("GET", "/api/waves/board"): (WATCH, False, {200}),
    ("GET", "/api/workers"): (WATCH, False, {200}),
    ("GET", "/api/notifications"): (WATCH, False, {200}),
    ("POST", "/api/notifications/{notice}/retry"): (OPS, False, {422}),  # not a notice id
    ("GET", "/api/waves/{wave}/matrix"): (WATCH, False, {404}),  # W99: no such wave
    ("GET", "/api/waves/{wave}/log"): (WATCH, False, {404}),
    ("GET", "/api/waves/{wave}/tasks"): (ALL, False, {404}),
    ("POST", "/api/waves/{wave}/tasks/{department}/{system}/{task}/done"): (ALL, True, {404}),
    ("GET", "/api/audit"): (AUDIT, False, {200}),
    ("GET", "/api/audit/verify"): (AUDIT, False, {200}),
    ("GET", "/api/audit/export"): (AUDIT, False, {200}),
    ("GET", "/api/health"): (ALL, False, {200}),
    ("GET", "/api/dashboard"): (WATCH, False, {200}),
    ("GET", "/api/health/stream"): (ALL, False, set()),  # endless: its live use is tested in the browser
    ("GET", "/api/ledger.xlsx"): (WATCH, False, {200}),
    ("GET", "/api/reports/inventory.xlsx"): (WATCH, False, {200}),
    ("GET", "/api/reports/periods"): (WATCH, False, {200}),
    ("GET", "/api/reviews"): (SUPERVISE, False, {200}),
    ("GET", "/api/reviews/{department}/{version}"): (SUPERVISE, False, {200}),
    ("GET", "/api/progress"): (WATCH, False, {200}),
    ("GET", "/api/reports/annual.{fmt}"): (WATCH, False, {200}),
    ("GET", "/api/reports/evaluation.{fmt}"): (WATCH, False, {200}),
    ("GET", "/reports"): (WATCH, False, {303}),  # the old pages lead into the console
    ("GET", "/login"): (PUBLIC, False, {200}),
    ("POST", "/login"): (PUBLIC, False, {422}),
    ("POST", "/logout"): (PUBLIC, False, {303}),
    ("GET", "/lang/{code}"): (PUBLIC, False, {303}),
    ("GET", "/"): (ANYONE, False, {303}),
    ("GET", "/account"): (ANYONE, False, {200}),
    ("POST", "/account"): (
        PUBLIC,
        False,
        {303},
    ),  # a browser's form: without a browser session, sign in first
    ("GET", "/plans/{department}"): (ALL, True, {303}),
    ("GET", "/plans/{department}/observed"): (ALL, True, {303}),  # to the console's page
    ("GET", "/portfolio"): (WATCH, False, {303}),
    ("GET", "/waves/{wave}"): (WATCH, False, {303}),
    ("GET", "/dashboard"): (WATCH, False, {303}),
    ("GET", "/audit"): (AUDIT, False, {200}),
    ("GET", "/money"): (ALL, False, {303}),
    ("GET", "/api/names"): (ALL, False, {200}),
    ("GET", "/app"): (ANYONE, False, {200}),  # the console's shell; what each role sees in it is the API's
    ("GET", "/app/{path:path}"): (ANYONE, False, {200}),
    ("GET", "/app/assets/{name}"): (
        PUBLIC,
        False,
        {404},
    ),  # the built code and styles, public like /static  # no Prometheus here: the page says so; its lines in test_money
}
DOCS = {"/openapi.json", "/docs", "/redoc"}
USER_OF_ROLE = {
    "ops": "ops",
    "supervisor": "supervisor",
    "department": "rst",
    "sysadmin": "sys",
    "secadmin": "sec",
    "auditor": "aud",
}


def routes(web: Web) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers too."""
    found = []
    stack = list(web.app.routes)
    while stack:
        r = stack.pop()
        if hasattr(r, "original_router"):
            stack.extend(r.original_router.routes)
        elif (isinstance(r, APIRoute) or getattr(r, "methods", None)) and r.path not in DOCS:
            found += [(m, r.path) for m in sorted(r.methods - {"HEAD", "OPTIONS"})]  # type: ignore[attr-defined]
    return found


def call(web: Web, user: str | None, method: str, path: str, department: str) -> int:
    url = fill(path, department).replace("W01", "W99")
    if path.endswith(("/diff", "/compare")):
        url += "?a=1&b=1"
    return web.client(user).request(method, url, follow_redirects=False).status_code


def test_every_route_is_in_the_matrix(web: Web) -> None:
    assert sorted(routes(web)) == sorted(POLICY)


def test_the_matrix_holds_for_every_role_and_department(web: Web) -> None:
    failures = []
    for (method, path), (allowed, scoped, ok) in POLICY.items():
        page = not path.startswith("/api")
        for role, user in [(None, None), *USER_OF_ROLE.items()]:
            for department in [MINE, OTHER] if scoped else [MINE]:
                if (
                    allowed is not PUBLIC
                    and role in (allowed or set())
                    and not ok
                    and path.endswith("/stream")
                ):
                    continue  # an endless stream once authorized: its live use is tested in the browser
                status = call(web, user, method, path, department)
                if allowed is PUBLIC:
                    want = ok
                elif role is None:
                    want = {303} if page else {401}
                elif role not in allowed:
                    want = {403}
                elif scoped and role == "department" and department != MINE:
                    want = {404}
                else:
                    want = ok or {status}  # authorized; the body of its use is checked elsewhere
                if status not in want or status >= 500:
                    failures.append(
                        f"{method} {path} as {role} for {department}: {status}, wanted {sorted(want)}"
                    )
    assert failures == []


def test_the_old_pages_lead_each_role_to_its_console_page_and_a_stranger_to_sign_in(web: Web) -> None:
    def where(user: str | None, path: str) -> tuple[int, str]:
        r = web.client(user).get(path, follow_redirects=False)
        return r.status_code, r.headers.get("location", "")

    assert where("rst", f"/plans/{MINE}") == (303, "/app/dept/plan")
    assert where("rst", f"/plans/{OTHER}")[0] == 404  # another department's plan: not even seen
    for watcher in ("ops", "supervisor"):
        assert where(watcher, f"/plans/{OTHER}") == (303, f"/app/dept/systems?department={OTHER}")
        assert where(watcher, "/waves/W01") == (303, "/app/ops/waves/W01")
        assert where(watcher, "/dashboard") == (303, "/app/dashboard")
        assert where(watcher, "/reports") == (303, "/app/reports")
        assert where(watcher, "/money?month=2026-03") == (303, "/app/money?month=2026-03")
    assert where("ops", "/portfolio") == (303, "/app/ops/waves")
    assert where("supervisor", "/portfolio") == (303, "/app/progress")
    assert where("rst", "/money") == (303, "/app/money")
    assert where("rst", "/portfolio")[0] == 403
    for role in ("ops", "supervisor", "rst"):
        assert where(role, "/") == (303, "/app/")
    assert where("aud", "/") == (303, "/audit") and where("sys", "/") == (303, "/account")
    assert where(None, "/dashboard") == (303, "/login?next=/dashboard")
    assert where(None, "/") == (303, "/login?next=/")


def test_a_department_sees_only_itself(web: Web) -> None:
    c = web.client("rst")
    assert c.get("/api/departments").json() == [MINE]
    decisions = c.get("/api/decisions").json()
    assert decisions and {d["department"] for d in decisions} == {MINE}
    waves = c.get("/api/waves").json()
    systems = [s for w in waves["waves"] for s in w["systems"]] + [x["system"] for x in waves["late"]]
    assert systems and all(s.startswith(MINE + "/") for s in systems)
    assert all(set(w["departments"]) <= {MINE} for w in waves["waves"])
    assert c.get(f"/api/decisions?department={OTHER}").status_code == 404
    everyone = web.client("ops").get("/api/decisions").json()
    assert len({d["department"] for d in everyone}) == 10


def test_supervisors_write_nothing_but_reviews_and_approvals_and_cookie_writes_need_the_csrf_token(
    web: Web,
) -> None:
    writes = [
        (m, p)
        for (m, p) in POLICY
        if m == "POST"
        and p.startswith("/api")
        and not p.endswith(("/review", "/account/password", "/approvals/{id}", "/{task}/done"))
        and not p.startswith("/api/resources/requests")  # a supervisor asks and decides resources requests
    ]  # a manual task of the runbook may be a supervisor's to close (test_ops_night holds its rule)
    assert all(call(web, "supervisor", m, p, MINE) == 403 for m, p in writes)
    browser = web.login("ops")
    assert browser.get("/api/me").json()["role"] == "ops"
    del browser.headers["X-CSRF-Token"]
    r = browser.post("/api/waves/W99/pause")
    assert r.status_code == 403 and r.json()["en"] == "missing or wrong CSRF token"
    browser.headers["X-CSRF-Token"] = "forged"
    assert browser.post("/api/waves/W99/pause").status_code == 403


def test_wrong_passwords_and_unknown_tokens_get_nothing(web: Web) -> None:
    c = web.client()
    form = login_csrf(c)
    r = c.post(
        "/login", data={"username": "ops", "password": "wrong password", "csrf": form}, follow_redirects=False
    )
    assert r.status_code == 401 and "用户名、密码或动态口令错误" in r.text
    r = c.get("/api/me", headers={"Authorization": "Bearer gm_not-a-token"})
    assert r.status_code == 401 and r.json()["zh"] == "请先登录"
    audit = audit_entries(web)
    assert any(a["action"] == "login" and a["result"] == "refused" and a["actor"] == "ops" for a in audit)


def test_password_guessing_is_throttled(web: Web) -> None:
    c = web.client()
    form = login_csrf(c)
    statuses = [
        c.post(
            "/login", data={"username": "czt", "password": f"guess {n}", "csrf": form}, follow_redirects=False
        ).status_code
        for n in range(5)
    ]
    right = c.post(
        "/login", data={"username": "czt", "password": PASSWORD, "csrf": form}, follow_redirects=False
    )
    assert statuses == [401] * 5 and right.status_code == 429 and "15 分钟" in right.text
    ops = {"username": "ops", "password": PASSWORD, "otp": web.code("ops"), "csrf": form}
    assert (
        c.post("/login", data=ops, follow_redirects=False).status_code == 303
    )  # the same source may still sign in as another user: only (czt, this source) waits


def test_administrators_do_only_their_own_job(web: Web) -> None:
    """三员分立: a secadmin cannot add users, a sysadmin cannot change the security settings, an auditor changes
    nothing; none of them reads business data."""
    new = {"username": "x1", "role": "ops", "password": "Ano7her-Pass!word"}
    assert web.client("sec").post("/api/admin/users", json=new).status_code == 403
    assert web.client("aud").post("/api/admin/users", json=new).status_code == 403
    assert (
        web.client("sys").put("/api/security/settings", json={"password_min_length": 12}).status_code == 403
    )
    assert (
        web.client("aud").put("/api/security/settings", json={"password_min_length": 12}).status_code == 403
    )
    assert web.client("sys").get("/api/decisions").status_code == 403
    assert web.client("sec").get("/api/dashboard").status_code == 403
    admin = {"username": "x2", "role": "secadmin", "password": "Ano7her-Pass!word"}
    r = web.client("sys").post("/api/admin/users", json=admin)
    assert r.status_code == 403 and "govmig user add" in r.json()["en"]


def test_the_sysadmin_cannot_shut_out_or_take_over_another_administrator_from_the_web(web: Web) -> None:
    """三员分立: on the web the sysadmin disables, re-seeds and revokes the tokens of business accounts only; an
    administrator's account is managed on the server alone."""
    sysadmin = web.client("sys")
    for target in ("aud", "sec"):
        assert sysadmin.post(f"/api/admin/users/{target}/disable").status_code == 403
        assert sysadmin.post(f"/api/admin/users/{target}/totp").status_code == 403
    theirs = [t for t in sysadmin.get("/api/admin/tokens").json() if t["username"] in ("aud", "sec")]
    assert theirs
    for token in theirs:
        assert sysadmin.post(f"/api/admin/tokens/{token['id']}/revoke").status_code == 403
    assert web.client("aud").get("/api/audit").status_code == 200  # the auditor is still in, token and all
    clerk = {"username": "clerk9", "role": "department", "department": MINE, "password": "Ano7her-Pass!word"}
    assert sysadmin.post("/api/admin/users", json=clerk).status_code == 201
    assert sysadmin.post("/api/admin/users/clerk9/disable").status_code == 200  # a business account: yes
    unknown = clerk | {"username": "clerk10", "department": "630000-NOPE"}
    r = sysadmin.post("/api/admin/users", json=unknown)
    assert r.status_code == 422 and r.json()["field"] == "department"  # no department made on the side
