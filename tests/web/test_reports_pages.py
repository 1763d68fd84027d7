"""The supervisors' reports (the same documents as `govmig report`, for supervisors and ops only; the console's
page at /app/reports, where the old /reports leads) and the health API they and the dashboards poll: narrowed, paged, and not sent again while nothing changed."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from orchestrator.reports.pdf import find_browser
from orchestrator.store import HealthStore, StateRow
from tests.web.conftest import MINE, OTHER, Web


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Web:
    """No wave runs in this module."""
    return plain_web


def test_supervisors_get_every_report_in_every_format(web: Web) -> None:
    c = web.client("supervisor")
    inventory = load_workbook(io.BytesIO(c.get("/api/reports/inventory.xlsx").content))
    assert inventory.sheetnames[0] == "全省 Province" and inventory["全省 Province"].max_row == 94
    page = c.get("/api/reports/annual.html?year=2026")
    assert page.status_code == 200 and "一、总体情况" in page.text and "<svg" in page.text
    scores = load_workbook(io.BytesIO(c.get("/api/reports/evaluation.xlsx?year=2026").content)).worksheets[0]
    assert next(r[0] for r in scores.iter_rows(min_row=2, values_only=True)) == 1
    if find_browser():
        pdf = c.get("/api/reports/evaluation.pdf?year=2026")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    own = c.get("/api/reports/annual.html?year=2026&department=630000-RST")
    assert (
        own.status_code == 200 and "青海省人力资源和社会保障厅" in own.text and "630000-CZT" not in own.text
    )
    assert c.get("/api/reports/annual.html?department=630000-NOPE").status_code == 404
    assert c.get("/api/reports/annual.doc").status_code == 422
    assert c.get("/api/reports/annual.html?year=1800").status_code == 422
    assert web.client("rst").get("/api/reports/annual.html").status_code == 403
    old = web.login("supervisor").get("/reports", follow_redirects=False)  # the page is the console's now
    assert old.status_code == 303 and old.headers["location"] == "/app/reports"


def _cycle(web: Web, at: datetime, systems: int, down_every: int) -> None:
    """One monitor cycle recorded as the monitor records it: `systems` across two departments and two zones."""
    rows = [
        StateRow(
            f"{(MINE, OTHER)[n % 2]}/s{n:05d}",
            (MINE, OTHER)[n % 2],
            ("extranet", "intranet")[n % 3 == 0],
            "W01",
            "down" if n % down_every == 0 else "up",
            "probe failed" if n % down_every == 0 else "ok",
            at,
            None,
            0,
            {"probe_success": 0.0 if n % down_every == 0 else 1.0},
        )
        for n in range(systems)
    ]
    HealthStore(web.app.state.ctx.config.engine).record_cycle(at, 0.1, 10, True, rows, [], [])


def test_health_is_narrowed_paged_and_not_sent_again_unchanged(web: Web) -> None:
    at = datetime(2026, 11, 30, 8, tzinfo=UTC)
    _cycle(web, at, 1203, 7)
    c = web.client("supervisor")
    whole = c.get("/api/health", headers={"Accept-Encoding": "gzip"})
    assert whole.status_code == 200 and whole.headers["content-encoding"] == "gzip"
    systems = whole.json()["systems"]
    assert len(systems) == 1203
    again = c.get("/api/health", headers={"If-None-Match": whole.headers["etag"]})
    assert again.status_code == 304 and again.content == b""  # nothing rebuilt, nothing sent

    down = c.get("/api/health?state=down&zone=extranet").json()
    want = [s for s in systems if s["state"] == "down" and s["zone"] == "extranet"]
    assert down["systems"] == want and down["counts"]["down"] == len(want) > 0 and down["counts"]["up"] == 0
    pages = [c.get(f"/api/health?page={n}").json() for n in (1, 2, 3)]
    assert [len(p["systems"]) for p in pages] == [500, 500, 203]
    assert {(p["page"], p["pages"], p["total"]) for p in pages} == {(n, 3, 1203) for n in (1, 2, 3)}
    assert [s for p in pages for s in p["systems"]] == systems  # the pages are the whole, in its order
    assert c.get("/api/health?page=4").json()["systems"] == []
    mine = web.client("rst").get("/api/health?page=1").json()
    assert mine["total"] == 602 and {s["department"] for s in mine["systems"]} == {MINE}
    first = c.get("/api/health?state=down")
    assert (
        c.get("/api/health?state=down", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    )
    assert c.get("/api/health?state=sideways").status_code == 422

    _cycle(web, at + timedelta(minutes=1), 1203, 5)  # a new cycle: a new version, sent again
    web.app.state.health_cache._checked = -1e9  # the cache looks at the store once a second: look now
    changed = c.get("/api/health", headers={"If-None-Match": whole.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != whole.headers["etag"]
    assert (
        c.get("/api/health?state=down", headers={"If-None-Match": first.headers["etag"]}).status_code == 200
    )
