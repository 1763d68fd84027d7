"""What every console (SPA) browser test needs: axe-core run in the page (the copy npm installed beside the
console's sources), screenshots at the two widths the console is laid out for, and waiting for the console to
have drawn its view."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from orchestrator.app import build_template
from orchestrator.plan import MigrationPlan
from tests.conftest import EXAMPLES
from tests.web.test_browser import SHOTS, until

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"1280": {"width": 1280, "height": 900}, "1920": {"width": 1920, "height": 1080}}
"""The office monitor and the supervision centre's screens."""


def axe(page: Any, impacts: tuple[str, ...] = ("critical", "serious")) -> list[dict[str, Any]]:
    """axe-core's violations of the impacts asked (WCAG 2.x A and AA), each with the nodes it names. The script is
    evaluated through the debugging protocol, so the page's CSP (no inline script) stays as it is."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate("() => {\n" + AXE.read_text(encoding="utf-8") + "\n; window.axe = axe; }")
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
          // a tag zooming in or a message fading in is half its contrast: judge the page once it rests
          const moving = document.getAnimations().filter(a => a.effect && a.effect.getTiming().iterations !== Infinity);
          await Promise.race([Promise.allSettled(moving.map(a => a.finished)),
                              new Promise(done => setTimeout(done, 5000))]);
          const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in found if v["impact"] in impacts]


def drawn(page: Any, selector: str = "#main", timeout: float = 30) -> None:
    """The console has mounted and its view put something in `selector`."""
    until(
        page,
        f"!!document.querySelector({selector!r}) && document.querySelector({selector!r}).innerText.length > 0",
        timeout,
    )


def shots(page: Any, name: str) -> list[Path]:
    """The page at 1280 and at 1920 px wide, whole, into tests/web/screenshots/ (kept out of git)."""
    SHOTS.mkdir(exist_ok=True)
    taken = []
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(300)  # the layout settles (Element Plus' tables measure themselves)
        path = SHOTS / f"console-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
    return taken


def clean(page: Any, name: str | None = None) -> None:
    """axe-core finds nothing critical or serious on the page at rest (nothing hovered, no animation running);
    then, given a name, its screenshots."""
    page.mouse.move(0, 0)
    found = axe(page)
    assert found == [], (name, "\n".join(f"{v['id']} {v['impact']} {v['nodes']}" for v in found))
    if name:
        shots(page, name)


def workbook_with_an_error(path: Path, department: str) -> Path:
    """The department's plan in the Excel template, its first system's MLPS level typed as words."""
    doc = yaml.safe_load((EXAMPLES / f"{department}.yaml").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(io.BytesIO(build_template(MigrationPlan.model_validate(doc))))
    systems = wb["系统 Systems"]
    keys = [c.value for c in systems[2]]
    systems.cell(row=4, column=keys.index("security.mlps_level") + 1).value = "五级"
    wb.save(path)
    return path
