"""The supervisors' report pages: the same documents as `govmig report`, for supervisors and ops only."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from orchestrator.reports.pdf import find_browser
from tests.web.conftest import Web


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
    assert "/api/reports/annual.pdf" in web.login("supervisor").get("/reports").text
