"""The audit log over the web is the 审计管理员's alone (三员分立): `GET /api/audit`, its verification and its export
answer the auditor and refuse every other role; the auditor's page shows the chain whole, then the first broken
entry once the store's file is rewritten behind the service's back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest

from orchestrator.policy import PolicySettings
from orchestrator.waves import WaveSettings
from tests.web.conftest import Web, build

MINE = "630000-RST"
USERS = {
    "ops": ("ops", None),
    "supervisor": ("supervisor", None),
    "rst": ("department", MINE),
    "auditor": ("auditor", None),
}
AUDIT_ROUTES = ("/api/audit", "/api/audit/verify", "/api/audit/export")


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    w = build(None, PolicySettings(), site=False, plans=(), users=USERS, schedule=WaveSettings())
    yield w
    w.close()


def test_only_the_auditor_reads_the_audit_log(web: Web) -> None:
    for path in AUDIT_ROUTES:
        assert web.client("auditor").get(path).status_code == 200, path
        for other in ("ops", "supervisor", "rst"):
            refused = web.client(other).get(path)
            assert refused.status_code == 403, (path, other)
            assert {k: refused.json()[k] for k in ("zh", "en")} == {
                "zh": "无权执行此操作",
                "en": "not allowed for your role",
            }
        assert web.client().get(path).status_code == 401
    assert web.login("ops").get("/audit").status_code == 403
    assert web.client().get("/audit", follow_redirects=False).headers["location"].startswith("/login")


def test_the_log_comes_in_pages_oldest_first(web: Web) -> None:
    auditor = web.client("auditor")
    first = auditor.get("/api/audit", params={"limit": 3}).json()
    assert [e["seq"] for e in first["entries"]] == [1, 2, 3] and first["next_after"] == 3
    then = auditor.get("/api/audit", params={"limit": 3, "after": 3}).json()
    assert then["entries"][0]["seq"] == 4
    assert {"seq", "at", "actor", "action", "target", "result", "detail", "mac"} <= set(first["entries"][0])
    assert auditor.get("/api/audit", params={"since": "2999-01-01"}).json() == {
        "entries": [],
        "next_after": None,
    }
    assert auditor.get("/api/audit", params={"limit": 100_000}).status_code == 422
    bad = auditor.get("/api/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["zh"].startswith("since 应为")


def test_the_export_is_json_lines_and_is_itself_audited(web: Web) -> None:
    auditor = web.client("auditor")
    r = auditor.get("/api/audit/export", params={"since": "2000-01-01"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, len(lines) + 1))
    assert (lines[-1]["action"], lines[-1]["actor"]) == ("audit.export", "auditor")  # recorded before it ran


def test_the_auditors_page_shows_the_chain_and_its_first_break(web: Web) -> None:
    browser = web.login("auditor")
    assert browser.get("/", follow_redirects=False).headers["location"] == "/audit"
    page = browser.get("/audit").text
    assert 'data-whole="true"' in page and "审计链完整" in page and "Asia/Shanghai" in page
    assert "/api/audit/export" in page and "user.add" in page

    with closing(sqlite3.connect(web.root / "govmig.db")) as raw:  # the file rewritten behind the service
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("UPDATE audit SET detail = 'role=department department=630000-RST' WHERE seq = 2")
        raw.commit()
    page = browser.get("/audit").text
    assert 'data-whole="false"' in page and "第 2 条" in page
    said = web.client("auditor").get("/api/audit/verify").json()
    assert said["whole"] is False and said["broken"]["seq"] == 2


def test_an_account_without_a_department_says_so_without_a_python_none(web: Web) -> None:
    entries = web.client("auditor").get("/api/audit", params={"limit": 500}).json()["entries"]
    added = {e["target"]: e["detail"] for e in entries if e["action"] == "user.add"}
    assert added["auditor"] == "role=auditor department=—"  # the page shows this line to the auditor
    assert not any("None" in detail for detail in added.values())
