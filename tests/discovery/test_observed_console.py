# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The console's page of what discovery found (/app/observed), used as the department's clerk would: its systems
by name beside their keys, each correction said in words (not a field path), the peers outside with when they were
last seen in the site's time zone, and the plan with every correction accepted submitted as a new version in one
step (the raw text only on demand); ops pick the department; axe-core finds nothing critical or serious."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.discovery.test_cli import ALPHA, BETA, _observed
from tests.discovery.test_web import DEPT, USERS
from tests.web.conftest import Web, build
from tests.web.console import axe, drawn, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    from orchestrator.policy import PolicySettings
    from tests.discovery.test_cli import PLAN

    w = build(None, PolicySettings(), site=False, plans=(PLAN,), users=USERS)
    _observed(w.root / "render")
    yield w
    w.close()


def test_the_clerk_reads_the_findings_in_words_and_accepts_them_as_a_new_version(
    server: str, browser: object, web: Web
) -> None:
    names = web.client("obs").get("/api/names").json()["systems"]
    before = web.client("obs").get(f"/api/plans/{DEPT}/versions").json()
    page = sign_in(browser, server, web, "obs")
    page.goto(server + "/app/observed")  # type: ignore[attr-defined]
    drawn(page, "#undeclared .el-table__body")
    undeclared = page.inner_text("#undeclared")  # type: ignore[attr-defined]
    assert names[ALPHA] in undeclared and ALPHA in undeclared and names[BETA] in undeclared
    corrections = page.inner_text("#corrections")  # type: ignore[attr-defined]
    assert "数据库大小" in corrections and "size_gb" not in corrections and "databases[0]" not in corrections
    outside = page.inner_text("#outside")  # type: ignore[attr-defined]
    assert "172.16.8.8:443" in outside and "2026-12-06 16:00" in outside  # 08:00:05Z in Beijing time
    assert not page.is_visible("#proposal")  # type: ignore[attr-defined]  # the raw text only on demand
    assert axe(page) == []
    shots(page, "observed-department")
    page.click("#accept")  # type: ignore[attr-defined]
    until(page, "!!document.querySelector('#accepted')")
    after = web.client("obs").get(f"/api/plans/{DEPT}/versions").json()
    assert len(after) == len(before) + 1
    newest = max(after, key=lambda v: v["version"])
    assert f"{newest['version']}" in page.inner_text("#accepted")  # type: ignore[attr-defined]
    shown = web.client("obs").get(f"/api/plans/{DEPT}/versions/{newest['version']}").json()
    assert shown["valid"] and "beta" in shown["content"] and "9.0" in shown["content"]
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_ops_pick_the_department_and_may_not_submit_for_it(server: str, browser: object, web: Web) -> None:
    page = sign_in(browser, server, web, "ops")
    page.goto(server + f"/app/observed/{DEPT}")  # type: ignore[attr-defined]
    drawn(page, "#corrections .el-table__body")
    assert ALPHA in page.inner_text("#undeclared")  # type: ignore[attr-defined]
    assert page.query_selector("#accept") is None  # type: ignore[attr-defined]
    assert axe(page) == []
    page.close()  # type: ignore[attr-defined]
