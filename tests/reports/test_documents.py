"""The documents themselves: the PDF printed by Chromium turns into PNG pages (pdftoppm) where the headings read
back (pdftotext) and the charts' colours are found; the XLSX files open with openpyxl; the CLI writes all three."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from PIL import Image

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Decision
from orchestrator.reports import EvaluationSettings, History
from orchestrator.reports.bundle import annual_files, evaluation_files, inventory_files
from orchestrator.reports.pdf import find_browser, print_pdf
from orchestrator.waves import Roadmap
from tests.cli import EXAMPLE_ARGS
from tests.cli.test_intake_commands import run
from tests.conftest import EXAMPLES
from tests.reports.conftest import YEAR

needs_tools = pytest.mark.skipif(
    find_browser() is None or shutil.which("pdftoppm") is None,
    reason="chromium and poppler-utils are needed (scripts/system-deps.sh installs them)",
)
SHARING_RED, PROGRESS_BLUE = (0xC6, 0x28, 0x28), (0x15, 0x65, 0xC0)


def pixels(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    return int((np.abs(rgb - np.array(colour, dtype=np.int16)) <= tolerance).all(axis=2).sum())


@needs_tools
def test_the_annual_pdf_has_its_headings_and_charts(
    province_plans: list[MigrationPlan],
    province: dict[str, Decision],
    roadmap: Roadmap,
    history: History,
    tmp_path: Path,
) -> None:
    files = annual_files(province_plans, list(province.values()), roadmap, history, YEAR, print_pdf)
    pdf = tmp_path / "annual.pdf"
    pdf.write_bytes(files[f"年度报告-annual-{YEAR}.pdf"])
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in (
        "一、总体情况",
        "二、目录编制",
        "三、不予共享",
        "四、迁移进度",
        "五、可用性",
        "Catalog compilation",
    ):
        assert heading in text, heading
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size:"))
    assert "(A4)" in size, size  # printed for filing in China: A4, not US Letter
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    images = [Image.open(p) for p in pages]
    assert max(pixels(i, SHARING_RED) for i in images) > 500  # the catalog chart's "not shared" bars
    assert max(pixels(i, PROGRESS_BLUE) for i in images) > 50  # the progress chart's moved bars


def test_the_xlsx_tables_open_and_agree_with_the_figures(
    province_plans: list[MigrationPlan],
    province: dict[str, Decision],
    roadmap: Roadmap,
    history: History,
) -> None:
    files = annual_files(province_plans, list(province.values()), roadmap, history, YEAR, None)
    wb = load_workbook(io.BytesIO(files[f"年度报告-annual-{YEAR}.xlsx"]))
    summary = wb.worksheets[0]
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows][-1] == "province" and len(rows) == 11
    assert rows[-1][2] == 93
    assert rows[0][:2] == ("630000-CZT", "青海省财政厅")  # the name beside the code, as the charts name it
    inventory = load_workbook(
        io.BytesIO(inventory_files(province_plans, list(province.values()))["审计清单-inventory.xlsx"])
    )
    listed = [row[2] for row in inventory["全省 Province"].iter_rows(min_row=2, values_only=True)]
    assert (
        len(listed)
        == len(
            set(
                zip(
                    listed,
                    [r[1] for r in inventory["全省 Province"].iter_rows(min_row=2, values_only=True)],
                    strict=True,
                )
            )
        )
        == 93
    )
    assert len(inventory.sheetnames) == 11
    scores, files = evaluation_files(
        province_plans, list(province.values()), roadmap, history, YEAR, EvaluationSettings(), None
    )
    ranking = list(
        load_workbook(io.BytesIO(files[f"考核评价-evaluation-{YEAR}.xlsx"]))
        .worksheets[0]
        .iter_rows(min_row=2, values_only=True)
    )
    assert [(r[0], r[1], r[3]) for r in ranking] == [(s.rank, s.department, s.score) for s in scores]
    html = next(v for k, v in files.items() if k.endswith(".html")).decode()
    for s in scores:  # the ranking chart names each department as people know it, the table never wraps it
        assert f"<!-- {s.rank}. {s.name} -->" in html, s.name
        assert f'<td class="keep">{s.name}</td>' in html


def test_the_report_command_writes_each_kind(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    for kind in ("inventory", "annual", "evaluation"):
        status, out, err = run(
            "report",
            kind,
            str(EXAMPLES),
            *EXAMPLE_ARGS,
            "--year",
            str(YEAR),
            "--db",
            db,
            "--no-pdf",
            "-o",
            str(tmp_path / "out"),
            "--format",
            "json",
        )
        assert status == 0, err
        assert all(Path(p).is_file() for p in json.loads(out)["files"])
    status, _, err = run("report", "annual", str(EXAMPLES), "--year", "1999", "-o", str(tmp_path / "x"))
    assert status == 2 and "1999" in err


def test_a_department_gets_its_own_annual_report(
    province_plans: list[MigrationPlan],
    province: dict[str, Decision],
    roadmap: Roadmap,
    history: History,
    tmp_path: Path,
) -> None:
    files = annual_files(province_plans, list(province.values()), roadmap, history, YEAR, None, "630000-RST")
    page = files[f"年度报告-annual-{YEAR}-630000-RST.html"].decode()
    assert "青海省人力资源和社会保障厅" in page and "630000-CZT" not in page
    sheets = load_workbook(io.BytesIO(files[f"年度报告-annual-{YEAR}-630000-RST.xlsx"])).worksheets
    assert [r[0] for r in sheets[0].iter_rows(min_row=2, values_only=True)] == ["630000-RST"]
    not_shared = [r[0] for r in sheets[1].iter_rows(min_row=2, values_only=True)]
    assert not_shared and all(k.startswith("630000-RST/") for k in not_shared)
    status, _, err = run(
        "report",
        "annual",
        str(EXAMPLES),
        *EXAMPLE_ARGS,
        "--department",
        "630000-NOPE",
        "--no-pdf",
        "--db",
        f"sqlite:///{tmp_path / 'g.db'}",
        "-o",
        str(tmp_path / "o"),
    )
    assert status == 2 and "no plan of department 630000-NOPE" in err


def _states(province: dict[str, Decision]) -> dict[str, tuple[str, dict[str, str]]]:
    """A lifecycle for every system, as the store's records would give it: moved ones accepted, zombies retired
    or waiting, the rest scheduled."""
    states: dict[str, tuple[str, dict[str, str]]] = {}
    for n, (key, d) in enumerate(sorted(province.items())):
        if d.action == "retire":
            states[key] = (
                ("已清理 retired", {"retired": "2026-10-09T08:00:00+00:00"})
                if n % 2
                else ("待清理 retire_decided", {})
            )
        elif n % 3 == 0:
            states[key] = (
                "已验收 accepted",
                {"cut_over": "2026-03-02T01:00:00+00:00", "accepted": "2026-03-05T09:00:00+00:00"},
            )
        else:
            states[key] = (
                "已排期 scheduled",
                {"approved": "2026-01-10T00:00:00+00:00", "scheduled": "2026-04-01"},
            )
    return states


def test_the_inventory_and_the_annual_report_show_where_each_system_stands(
    province_plans: list[MigrationPlan],
    province: dict[str, Decision],
    roadmap: Roadmap,
    history: History,
) -> None:
    states = _states(province)
    raw = inventory_files(province_plans, list(province.values()), states)["审计清单-inventory.xlsx"]
    sheet = load_workbook(io.BytesIO(raw))["全省 Province"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["生命周期 Lifecycle", "日期 Dates"]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        state, dates = states[f"{row[1]}/{row[2]}"]
        assert row[-2] == state, row
        for when in dates.values():
            assert when[:10] in (row[-1] or ""), (row, dates)

    with_states = History(history.done, history.samples, history.retired, states)
    files = annual_files(province_plans, list(province.values()), roadmap, with_states, YEAR, None)
    sheets = load_workbook(io.BytesIO(files[f"年度报告-annual-{YEAR}.xlsx"])).worksheets
    lifecycle = next(ws for ws in sheets if ws.title.endswith("七、系统生命周期"))
    head = [c.value for c in lifecycle[1]]
    table = {
        r[0]: dict(zip(head[2:], r[2:], strict=True))
        for r in lifecycle.iter_rows(min_row=2, values_only=True)
    }
    for code in {d.department for d in province.values()}:
        want = Counter(s for k, (s, _) in states.items() if k.startswith(code + "/"))
        assert {k: v for k, v in table[code].items() if v} == dict(want), code
    assert {k: v for k, v in table["province"].items() if v} == dict(Counter(s for s, _ in states.values()))
    assert head.index("已验收 accepted") < head.index(
        "已清理 retired"
    )  # the lifecycle's order, not the alphabet

    own = annual_files(
        province_plans, list(province.values()), roadmap, with_states, YEAR, None, "630000-RST"
    )
    rows = [
        r
        for ws in load_workbook(io.BytesIO(own[f"年度报告-annual-{YEAR}-630000-RST.xlsx"])).worksheets
        if ws.title.endswith("七、系统生命周期")
        for r in ws.iter_rows(min_row=2, values_only=True)
    ]
    assert {r[0] for r in rows} == {k for k in states if k.startswith("630000-RST/")}
    assert all(r[2] == states[r[0]][0] for r in rows)
    without = annual_files(province_plans, list(province.values()), roadmap, history, YEAR, None)
    assert (
        "七、系统生命周期" not in without[f"年度报告-annual-{YEAR}.html"].decode()
    )  # no records, no section
