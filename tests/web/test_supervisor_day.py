"""The supervisor's day on the server: the review queue across departments (oldest first, supervisors only), a
version read beside the one in force with the decisions it changes, progress per department against the
deadlines, the dashboard made once per cycle and view (ETag, 304, gzip), and the reports opening on the period
that has data."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime

import pytest

from orchestrator.store import HealthStore, StateRow, UsageSample
from tests.conftest import AS_OF, EXAMPLES
from tests.web.conftest import MINE, OTHER, USERS, Web

SECRET = "classified: none, classified_filed: false}"


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Web:
    """No wave runs in this module."""
    return plain_web


def _plan(department: str) -> str:
    return (EXAMPLES / f"{department}.yaml").read_text(encoding="utf-8")


def _submit(web: Web, user: str, department: str, text: str) -> int:
    r = web.client(user).post(f"/api/plans/{department}", data={"content": text, "filename": "p.yaml"})
    assert r.status_code == 200, r.text
    return int(r.json()["version"])


def _refused_for_every_other_role(web: Web, path: str, allowed: set[str]) -> None:
    for user, (role, _) in USERS.items():
        r = web.client(user).get(path)
        if role in allowed:
            assert r.status_code == 200, (user, r.text)
        else:
            assert r.status_code == 403, (user, r.status_code)
            body = r.json()
            assert body["zh"] and body["en"], body  # Chinese first, English beside


def test_only_supervisors_read_the_review_queue(web: Web) -> None:
    _refused_for_every_other_role(web, "/api/reviews?status=pending", {"supervisor"})
    _refused_for_every_other_role(web, f"/api/reviews/{MINE}/1", {"supervisor"})
    assert web.client("supervisor").get("/api/reviews?status=sideways").status_code == 422


def test_the_queue_holds_every_waiting_version_oldest_first_and_a_review_reads_its_changes(web: Web) -> None:
    sup = web.client("supervisor")
    assert sup.get("/api/reviews").json() == []  # the seeded versions are approved and in force
    # social insurance turns classified: P1 sends it to the internal network
    changed = _plan(MINE).replace(SECRET, "classified: secret, classified_filed: true}", 1)
    assert changed != _plan(MINE)
    mine = _submit(web, "rst", MINE, changed)
    other = _submit(web, "czt", OTHER, _plan(OTHER) + "\n# 第二版 second version\n")
    broken = _submit(web, "czt", OTHER, "apiVersion: govmig/v1\nkind: MigrationPlan\n")
    queue = sup.get("/api/reviews", params={"status": "pending"}).json()
    assert [(q["department"], q["version"]) for q in queue] == [(MINE, mine), (OTHER, other), (OTHER, broken)]
    assert [q["submitted"] for q in queue] == sorted(q["submitted"] for q in queue)
    first = queue[0]
    assert first["name"] == "青海省人力资源和社会保障厅" and first["by"] == "rst" and first["valid"] is True
    assert queue[2]["valid"] is False and {"department", "name", "version", "submitted", "by"} <= set(
        queue[2]
    )

    detail = sup.get(f"/api/reviews/{MINE}/{mine}").json()
    assert detail["in_force"] == 1 and detail["reviewable"] is True and detail["name"] == first["name"]
    edits = [r for r in detail["diff"] if r["op"] != "equal"]
    assert any(r["op"] == "replace" and "secret" in r["right_text"] for r in edits), edits
    assert any(r["op"] == "skip" for r in detail["diff"])  # the unchanged rest folded
    [change] = [c for c in detail["changes"] if c["system"] == f"{MINE}/social-insurance"]
    assert change["name"] == "社会保险经办管理信息系统" and change["change"] == "changed"
    assert change["before"]["target_network"] == "egov_external"
    assert change["after"]["target_network"] == "egov_internal" and "target_network" in change["fields"]
    assert all(c["system"].startswith(MINE + "/") for c in detail["changes"])
    unchanged = sup.get(f"/api/reviews/{OTHER}/{other}").json()
    assert unchanged["changes"] == [] and unchanged["reviewable"] is True
    invalid = sup.get(f"/api/reviews/{OTHER}/{broken}").json()
    assert invalid["reviewable"] is False and invalid["changes"] == [] and invalid["problems"]
    assert sup.get(f"/api/reviews/{MINE}/999").status_code == 404
    assert sup.get("/api/reviews/630000-NOPE/1").json()["en"] == "no such department"

    # approve the first: it leaves the queue; return the second with a comment: it is listed as returned
    review = f"/api/plans/{MINE}/versions/{mine}/review"
    assert (
        web.client("supervisor").post(review, json={"decision": "approve", "comment": "同意"}).status_code
        == 200
    )
    no_comment = sup.post(f"/api/plans/{OTHER}/versions/{other}/review", json={"decision": "return"})
    assert no_comment.status_code == 422 and no_comment.json()["zh"]
    said = {"decision": "return", "comment": "请补充备案 add the filing"}
    assert sup.post(f"/api/plans/{OTHER}/versions/{other}/review", json=said).status_code == 200
    left = sup.get("/api/reviews").json()
    assert [(q["department"], q["version"]) for q in left] == [(OTHER, broken)]
    returned = sup.get("/api/reviews?status=returned").json()
    assert [(q["department"], q["version"], q["status"]) for q in returned] == [(OTHER, other, "returned")]


def test_progress_per_department_against_its_deadline(web: Web) -> None:
    _refused_for_every_other_role(web, "/api/progress", {"supervisor", "ops"})
    doc = web.client("supervisor").get("/api/progress").json()
    rows = {r["department"]: r for r in doc["departments"]}
    rst = rows[MINE]
    assert rst["name"] == "青海省人力资源和社会保障厅" and rst["deadline"] == "2027-06-30"
    assert rst["to_migrate"] > 0 and rst["cut_over"] == rst["accepted"] == 0 and rst["rate"] == 0.0
    assert rst["days_left"] == (datetime(2027, 6, 30).date() - AS_OF).days
    for r in rows.values():
        assert r["at_risk"] == bool(r["risks"]) and (r["department"] in doc["at_risk"]) == r["at_risk"]
        assert all(x["zh"] and x["en"] for x in r["risks"])
    assert doc["total"]["to_migrate"] == sum(r["to_migrate"] for r in rows.values())


def test_reports_without_any_data_open_on_the_year_before(web: Web) -> None:
    periods = web.client("supervisor").get("/api/reports/periods").json()
    assert periods == {"years": [], "months": [], "year": AS_OF.year - 1, "month": "2026-10"}


def _cycle(web: Web, at: datetime, down: int) -> None:
    rows = [
        StateRow(f"{MINE}/s{n}", MINE, "extranet", "W01", "down" if n < down else "up", "ok", at, None, 0, {})
        for n in range(20)
    ]
    usage = [UsageSample(r.system, 1.0, 5.0, r.state == "up", at) for r in rows]
    HealthStore(web.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, rows, [], usage)


def test_the_dashboard_is_made_once_per_cycle_and_view_with_an_etag(web: Web) -> None:
    sup, ops = web.client("supervisor"), web.client("ops")
    _refused_for_every_other_role(web, "/api/dashboard", {"supervisor", "ops"})
    _cycle(web, datetime(2026, 11, 20, 8, tzinfo=UTC), down=2)
    for cache in (web.app.state.health_cache, web.app.state.dashboard_cache):
        cache._checked = -1e9  # the caches look at the store once a second: look now
    first = sup.get("/api/dashboard", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    doc = first.json()
    assert doc["counts"]["down"] == 2 and len(doc["alerts"]) == 2
    made = web.app.state.dashboard_cache._views[("supervisor", None)]
    again = sup.get("/api/dashboard", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    plain = sup.get("/api/dashboard", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and json.loads(plain.content) == doc
    assert gzip.decompress(made.gzip) == made.body == plain.content
    assert web.app.state.dashboard_cache._views[("supervisor", None)] is made  # not made again
    assert ops.get("/api/dashboard").json() == doc and ("ops", None) in web.app.state.dashboard_cache._views

    _cycle(web, datetime(2026, 11, 20, 8, 1, tzinfo=UTC), down=5)  # a new cycle: a new version
    for cache in (web.app.state.health_cache, web.app.state.dashboard_cache):
        cache._checked = -1e9
    changed = sup.get("/api/dashboard", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    assert changed.json()["counts"]["down"] == 5


def test_reports_open_on_the_latest_period_with_data(web: Web) -> None:
    sup = web.client("supervisor")
    _refused_for_every_other_role(web, "/api/reports/periods", {"supervisor", "ops"})
    periods = sup.get("/api/reports/periods").json()
    # the dashboard test recorded monitoring in November 2026 (this module's store); nothing else happened
    assert periods["year"] == 2026 and periods["years"] == [2026]
    assert periods["month"] == "2026-11" and periods["months"] == ["2026-11"]

    def page(query: str) -> str:
        r = sup.get("/api/reports/annual.html" + query)
        assert r.status_code == 200, r.text
        return re.sub(r"<dc:date>[^<]*</dc:date>", "", r.text)  # when it was made

    assert page("") == page("?year=2026") != page(f"?year={AS_OF.year - 1}")
