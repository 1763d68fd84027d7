"""The department template: what a clerk opens in Excel, and that it reads back as the plan it was made from."""

from __future__ import annotations

import io

import openpyxl

from orchestrator.plan import build_template, load_bytes, load_file
from orchestrator.plan.excel_layout import SHEETS
from tests.conftest import EXAMPLES


def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template()))


def test_sheets_instructions_first_then_one_per_part_of_the_plan() -> None:
    names = workbook().sheetnames
    assert names[0] == "说明 Instructions"
    assert names[1:] == [
        "部门 Department",
        "系统 Systems",
        "组件 Components",
        "数据库 Databases",
        "数据资源 DataResources",
        "依赖 Dependencies",
    ]


def test_chinese_header_with_the_field_name_beneath() -> None:
    ws = workbook()["系统 Systems"]
    headers = {
        ws.cell(row=2, column=c).value: ws.cell(row=1, column=c).value for c in range(1, ws.max_column + 1)
    }
    assert headers["security.mlps_level"] == "等保级别*"
    assert headers["security.classified"] == "涉密等级"
    assert headers["network.internet_facing"] == "面向公众"
    assert ws.freeze_panes == "B3"


def test_every_enum_and_boolean_column_has_a_drop_down_and_every_bounded_one_a_number_rule() -> None:
    wb = workbook()
    for sheet in SHEETS:
        ws = wb[sheet.name]
        validated = {
            str(cell).split(":")[0].rstrip("0123456789")
            for dv in ws.data_validations.dataValidation
            for cell in dv.sqref.ranges
        }
        letters = {
            openpyxl.utils.get_column_letter(i + 1)
            for i, c in enumerate(sheet.columns)
            if c.kind in ("enum", "bool") or c.between
        }
        assert letters == validated, sheet.name
    ws = wb["系统 Systems"]
    options = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"非涉密 none,秘密 secret,机密 confidential,绝密 top_secret"' in options
    assert '"是 true,否 false"' in options


def test_one_filled_example_row_per_sheet() -> None:
    wb = workbook()
    for sheet in SHEETS:
        ws = wb[sheet.name]
        row3 = [ws.cell(row=3, column=c + 1).value for c in range(len(sheet.columns))]
        assert sum(v is not None for v in row3) >= 2, sheet.name
        assert ws.cell(row=4, column=1).value is None


def test_untouched_template_reads_as_no_department_yet() -> None:
    loaded = load_bytes(build_template(), "t.xlsx", "xlsx")
    assert [p.code for p in loaded.problems] == ["no_department"]


def test_filled_example_row_counts_once_edited() -> None:
    wb = workbook()
    for name in ("部门 Department", "系统 Systems"):
        wb[name].cell(row=3, column=1).value = "630000-EDIT" if name.startswith("部门") else "edited-system"
    out = io.BytesIO()
    wb.save(out)
    loaded = load_bytes(out.getvalue(), "t.xlsx", "xlsx")
    assert loaded.ok and loaded.plan is not None
    assert [s.id for s in loaded.plan.systems] == ["edited-system"]
    assert loaded.plan.department.code == "630000-EDIT"
    assert loaded.plan.systems[0].security.mlps_level == 3


def test_round_trip_through_the_template_gives_the_same_plan() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        plan = load_file(path).plan
        assert plan is not None
        again = load_bytes(build_template(plan), path.name + ".xlsx", "xlsx")
        assert again.ok, again.problems[:3]
        assert again.plan == plan, path.name


def test_same_plan_same_bytes() -> None:
    plan = load_file(EXAMPLES / "630000-GAT.yaml").plan
    assert build_template(plan) == build_template(plan)


def test_clerk_style_cells_are_understood() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template(load_file(EXAMPLES / "630000-FGW.yaml").plan)))
    ws = wb["系统 Systems"]
    col = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(row=4, column=col["security.mlps_filed"]).value = "否"
    ws.cell(row=4, column=col["usage.frequency"]).value = "每周"
    ws.cell(row=4, column=col["security.mlps_level"]).value = 2.0
    dr = wb["数据资源 DataResources"]
    dr.cell(row=4, column=5).value = "人口、法人"
    out = io.BytesIO()
    wb.save(out)
    plan = load_bytes(out.getvalue(), "t.xlsx", "xlsx").plan
    assert plan is not None
    first = plan.systems[0]
    assert first.security.mlps_filed is False and first.usage.frequency == "weekly"
    assert first.security.mlps_level == 2
    assert [b.value for b in first.data_resources[0].base_data] == ["population", "legal_person"]


def test_example_row_edited_but_still_keyed_as_example_is_an_error_not_silently_dropped() -> None:
    wb = workbook()
    wb["部门 Department"].cell(row=4, column=1).value = "630000-X"
    wb["部门 Department"].cell(row=4, column=2).value = "某厅"
    wb["部门 Department"].cell(row=4, column=3).value = "province"
    wb["部门 Department"].cell(row=4, column=6).value = "2027-01-01"
    wb["系统 Systems"].cell(row=3, column=2).value = "我改了名称"
    out = io.BytesIO()
    wb.save(out)
    loaded = load_bytes(out.getvalue(), "t.xlsx", "xlsx")
    [error] = [p for p in loaded.problems if p.severity == "error"]
    assert error.code == "example_row_edited" and error.location == "sheet '系统 Systems', row 3"
    assert "示例行" in error.zh and "example row" in error.en
