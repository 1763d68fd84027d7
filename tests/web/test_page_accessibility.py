# ruff: noqa: F811  # browser and server are test_browser's fixtures, taken by name
"""The server's own pages (signing in, the password, the audit log; everything else is the console, whose tests
run axe on each of its pages): axe-core finds nothing critical or serious, and held without it too: every form
field has a name a screen reader reads, no table header is empty, and the English beside the Chinese (and the
hints) is dark enough to read (WCAG AA, 4.5:1 against what is behind it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import Web
from tests.web.console import axe, shots
from tests.web.test_browser import CHROMIUM, browser, server, sign_in  # noqa: F401

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="chromium is not installed (scripts/system-deps.sh)"
)

FINDINGS = """() => {
  const out = [];
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const named = el.labels.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) out.push('unnamed field #' + el.id);
  }
  for (const th of document.querySelectorAll('th')) {
    if (!th.textContent.trim()) out.push('empty header in #' + (th.closest('table') || {}).id);
  }
  for (const el of document.querySelectorAll('.en, .hint')) {
    if (!el.getClientRects().length || el.closest('header')) continue;
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ' for "' + el.textContent.trim().slice(0, 30) + '"');
  }
  return out;
}"""


@pytest.fixture(scope="module")
def web(plain_web: Web) -> Web:
    """No wave runs here: the service without the rehearsal site behind `server`."""
    return plain_web


@pytest.fixture(scope="module")
def pages(server: str, browser: object, web: Web) -> Iterator[dict[str, object]]:
    ops = sign_in(browser, server, web, "ops")
    auditor = sign_in(browser, server, web, "auditor")
    rst = sign_in(browser, server, web, "rst")
    yield {"ops": ops, "auditor": auditor, "rst": rst}
    for page in (ops, auditor, rst):
        page.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("user", "path"),
    [
        (None, "/login"),
        ("ops", "/account"),
        ("rst", "/account"),
        ("auditor", "/audit"),
        ("auditor", "/"),  # the auditor's home is the audit log
    ],
)
def test_each_field_is_named_each_header_said_and_the_english_readable(
    server: str,
    browser: object,
    pages: dict[str, object],
    user: str | None,
    path: str,
) -> None:
    page = pages[user] if user else browser.new_page(locale="zh-CN")  # type: ignore[attr-defined]
    page.goto(server + path)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.evaluate(FINDINGS) == []  # type: ignore[attr-defined]
    assert axe(page) == []
    shots(page, f"server-{user or 'anyone'}-{path.strip('/') or 'home'}")
    if user is None:
        page.close()  # type: ignore[attr-defined]
