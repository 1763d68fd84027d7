# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The console's shell (frontend/, built by Vite, served at /app/): for signed-in users only, carrying the session's
CSRF token and the site's one time zone; its assets sent gzipped and cached for good, nothing else under their
name; names beside codes scoped like every answer; in Chromium the header says who is signed in, which time zone
every time is in, and the English switch redraws everything drawn at run time."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.web import spa_pages
from tests.web.conftest import MINE, OTHER, Web
from tests.web.console import axe, drawn, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: F401


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Iterator[Web]:
    yield plain_web


def test_the_console_is_for_signed_in_users_and_carries_their_csrf_token_and_the_time_zone(web: Web) -> None:
    stranger = web.client()
    r = stranger.get("/app/waves/W01", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/app/waves/W01"
    clerk = web.login("rst")
    page = clerk.get("/app/plans")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token and token.group(1) == clerk.headers["X-CSRF-Token"]
    assert 'name="govmig-time-zone" content="Asia/Shanghai"' in page.text and "%%" not in page.text
    # the token it carries is the one writes need: a write with it passes the CSRF check
    bad = clerk.post(
        f"/api/systems/{MINE}/nope/problem", json={"comment": "x"}, headers={"X-CSRF-Token": "x"}
    )
    assert bad.status_code == 403 and "CSRF" in bad.json()["en"]


def test_assets_are_sent_gzipped_and_cached_for_good_and_nothing_else_is_served_under_their_name(
    web: Web,
) -> None:
    clerk = web.login("rst")
    shell = clerk.get("/app/").text
    script = re.search(r'src="/app/assets/([^"]+\.js)"', shell)
    assert script, shell
    r = clerk.get(f"/app/assets/{script.group(1)}", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert "immutable" in r.headers["cache-control"] and "javascript" in r.headers["content-type"]
    raw = web.client().get(f"/app/assets/{script.group(1)}", headers={"Accept-Encoding": "identity"})
    assert raw.status_code == 200 and "content-encoding" not in raw.headers  # public: the sign-in page's too
    assert len(gzip.compress(raw.content)) < len(raw.content) / 2
    for name in ("index.html", "x.py", ".env.js"):
        assert clerk.get(f"/app/assets/{name}").status_code == 404, name
    # a path climbing out is a route of the console (its shell), never a file of the server's
    climbed = clerk.get("/app/assets/..%2F..%2F__init__.py")
    assert "from __future__" not in climbed.text and '<div id="app">' in climbed.text


def test_names_beside_codes_are_scoped_like_every_answer(web: Web) -> None:
    mine = web.client("rst").get("/api/names").json()
    assert set(mine["departments"]) == {MINE} and mine["departments"][MINE]
    assert mine["systems"] and all(k.startswith(f"{MINE}/") for k in mine["systems"])
    every = web.client("supervisor").get("/api/names").json()
    assert {MINE, OTHER} <= set(every["departments"]) and len(every["systems"]) > len(mine["systems"])
    assert web.client("sys").get("/api/names").status_code == 403


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)")
def test_the_header_says_who_and_which_time_zone_and_english_redraws_it(
    server: str, browser: object, web: Web
) -> None:
    page = sign_in(browser, server, web, "rst")
    page.goto(server + "/app/")  # type: ignore[attr-defined]
    drawn(page, "#who")
    who = page.inner_text("#who")  # type: ignore[attr-defined]
    name = web.client("rst").get("/api/names").json()["departments"][MINE]
    assert "rst" in who and "部门用户" in who and name in who and MINE in who
    assert "北京时间 (UTC+8)" in page.inner_text("#tz")  # type: ignore[attr-defined]
    page.click("#lang")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#tz').innerText.includes('Beijing time')")
    assert "Department" in page.inner_text("#who") and "Sign out" in page.inner_text("header")  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.lang") == "en"  # type: ignore[attr-defined]
    assert axe(page) == []
    shots(page, "shell-department-en")
    page.click("#lang")  # type: ignore[attr-defined]
    until(page, "document.querySelector('#tz').innerText.includes('北京时间')")
    assert page.csp_violations == []  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)")
def test_the_first_route_loads_only_what_it_draws(server: str, browser: object, web: Web) -> None:
    """A department's first page (its systems) loads the shell, the view and the Element Plus parts it uses: no
    chart library (ECharts is the supervisors' and the resources' pages'), no other role's views. The figure is
    the transfer the browser made (gzipped), printed for the README and the closing note."""
    page = sign_in(browser, server, web, "rst")
    page.goto(server + "/app/")  # type: ignore[attr-defined]
    drawn(page, "#main")
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    loaded = page.evaluate(  # type: ignore[attr-defined]
        """() => performance.getEntriesByType('resource').filter(e => e.name.includes('/app/assets/'))
             .map(e => ({name: e.name.split('/').pop(), bytes: e.transferSize, body: e.decodedBodySize}))"""
    )
    names = [x["name"] for x in loaded]
    assert any(n.startswith("MySystems-") for n in names), names
    assets = Path(spa_pages.SPA) / "assets"
    charts = {
        f.name for f in assets.glob("*.js") if "echarts" in f.read_text(encoding="utf-8", errors="replace")
    }
    assert charts and not charts & set(names), (charts, names)  # ECharts is built, and not loaded here
    assert not [n for n in names if n.startswith(("SupChart", "WallScreen", "WaveDetail", "PlanEditor"))]
    sent = sum(x["bytes"] for x in loaded)
    whole = sum(x["body"] for x in loaded)
    assert 0 < sent < whole / 2  # gzipped on the way
    print(
        f"\nfirst route (a department's systems): {len(loaded)} assets, {sent / 1024:.0f} KiB sent, {whole / 1024:.0f} KiB unpacked"
    )
    page.close()  # type: ignore[attr-defined]
