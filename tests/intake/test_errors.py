"""One test per class of intake error: each says where (line and path, or sheet/row/column) and what, in zh and en."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from orchestrator.plan import IntakeError, build_template, load_bytes
from orchestrator.plan.intake import LoadedPlan, check_portfolio
from tests.conftest import EXAMPLES, dump


def only_error(loaded: LoadedPlan) -> IntakeError:
    errors = [p for p in loaded.problems if p.severity == "error"]
    assert len(errors) == 1, errors
    assert loaded.plan is None or not loaded.ok
    return errors[0]


def yaml_error(doc: Any) -> IntakeError:
    return only_error(load_bytes(dump(doc), "plan.yaml", "yaml"))


def line_of(text: str | bytes, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line containing `needle`: expected locations come from the text itself."""
    lines = (text.decode() if isinstance(text, bytes) else text).splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if needle in line]
    return hits[nth - 1]


def test_wrong_type_names_the_field_and_its_line(minimal: dict[str, Any]) -> None:
    minimal["systems"][1]["security"]["mlps_level"] = "三级"
    error = yaml_error(minimal)
    assert error.code == "int"
    assert error.path == ("systems", 1, "security", "mlps_level")
    line = line_of(dump(minimal), "mlps_level", 2)
    assert error.location == f"line {line}, column 17: systems[1].security.mlps_level"
    assert "等保级别" in error.zh and "三级" in error.zh and "整数" in error.zh
    assert "mlps_level" in error.en and "whole number" in error.en


def test_unknown_enum_value_lists_the_choices(minimal: dict[str, Any]) -> None:
    minimal["department"]["level"] = "prefecture"
    error = yaml_error(minimal)
    assert error.code == "enum" and error.path == ("department", "level")
    assert error.location.startswith(f"line {line_of(dump(minimal), 'level: prefecture')},")
    assert "prefecture" in error.zh and "'province'" in error.zh
    assert "not allowed for 'level'" in error.en


def test_impossible_date_is_an_error_not_a_crash(minimal: dict[str, Any]) -> None:
    text = dump(minimal).decode().replace("deadline: '2027-06-30'", "deadline: 2027-02-30")
    error = only_error(load_bytes(text.encode(), "plan.yaml", "yaml"))
    assert error.code == "date" and error.path == ("deadline",)
    assert "2027-02-30" in error.zh and "有效日期" in error.zh and "not a valid date" in error.en


def test_a_number_is_never_read_as_a_unix_time(minimal: dict[str, Any]) -> None:
    minimal["deadline"] = 20270630
    error = yaml_error(minimal)
    assert error.code in {"date_type", "date"}
    assert error.path == ("deadline",)


def test_id_that_is_not_a_dns_label(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["id"] = "Invest_Approval"
    minimal["systems"][0]["depends_on"] = []
    error = yaml_error(minimal)
    assert error.code == "dns_label" and error.path == ("systems", 0, "id")
    assert "Invest_Approval" in error.zh and "小写字母" in error.zh and "DNS-1123" in error.en


def test_duplicate_system_id(minimal: dict[str, Any]) -> None:
    minimal["systems"][1]["id"] = "alpha"
    minimal["systems"][0]["depends_on"] = []
    error = yaml_error(minimal)
    assert error.code == "duplicate_id" and error.path == ("systems", 1, "id")
    assert "重复" in error.zh and "used twice" in error.en and "#1" in error.en


def test_local_reference_to_missing_system(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["depends_on"] = ["beta", "gamma"]
    error = yaml_error(minimal)
    assert error.code == "unknown_reference" and error.path == ("systems", 0, "depends_on", 1)
    assert "gamma" in error.zh and "no system 'gamma'" in error.en
    assert error.location.startswith(f"line {line_of(dump(minimal), '- gamma')},")


def test_missing_required_field(minimal: dict[str, Any]) -> None:
    del minimal["systems"][1]["network"]
    error = yaml_error(minimal)
    assert error.code == "missing" and error.path == ("systems", 1, "network")
    assert "缺少必填字段「网络」" in error.zh and "'network' is missing" in error.en
    # the field is absent, so the location is the line where its system starts
    assert error.location == f"line {line_of(dump(minimal), '- id: beta')}, column 3: systems[1].network"


def test_every_error_in_a_file_is_reported_at_once(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["security"]["mlps_level"] = 9
    minimal["systems"][1]["deployment"]["kind"] = "mainframe"
    minimal["systems"][0]["depends_on"] = ["nowhere"]
    loaded = load_bytes(dump(minimal), "plan.yaml", "yaml")
    assert sorted(p.code for p in loaded.problems) == ["enum", "less_than_equal", "unknown_reference"]


def test_unknown_field_is_a_warning_and_the_plan_still_loads(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["mlps_levle"] = 3
    loaded = load_bytes(dump(minimal), "plan.yaml", "yaml")
    assert loaded.ok and loaded.plan is not None
    [warning] = loaded.problems
    assert warning.severity == "warning" and warning.path == ("systems", 0, "mlps_levle")
    assert "未知字段" in warning.zh and "unknown field" in warning.en


def test_duplicate_yaml_key(minimal: dict[str, Any]) -> None:
    text = (
        dump(minimal).decode().replace("kind: MigrationPlan\n", "kind: MigrationPlan\nkind: MigrationPlan\n")
    )
    error = only_error(load_bytes(text.encode(), "plan.yaml", "yaml"))
    assert error.code == "duplicate_key" and error.location.startswith("line 3")
    assert "重复" in error.zh and "twice" in error.en


def test_yaml_syntax_error_has_line_and_column() -> None:
    error = only_error(load_bytes(b"apiVersion: govmig/v1\nsystems: [a, b\nkind: x\n", "p.yaml", "yaml"))
    assert error.code == "yaml_syntax" and error.location.startswith("line 3")
    assert "YAML 语法错误" in error.zh and "YAML syntax error" in error.en


def test_json_syntax_error_has_line_and_column() -> None:
    error = only_error(load_bytes(b'{\n  "kind": "MigrationPlan",\n  "x": }', "p.json", "json"))
    assert error.code == "json_syntax" and error.location == "line 3, column 8"
    assert "JSON 语法错误" in error.zh and "JSON syntax error" in error.en


def test_json_errors_are_located_by_line(minimal: dict[str, Any]) -> None:
    import json

    minimal["systems"][1]["security"]["mlps_level"] = 0
    text = json.dumps(minimal, ensure_ascii=False, indent=2)
    error = only_error(load_bytes(text.encode(), "p.json", "json"))
    assert error.path == ("systems", 1, "security", "mlps_level")
    assert error.location.startswith(f"line {line_of(text, 'mlps_level', 2)},")


def test_not_a_mapping() -> None:
    error = only_error(load_bytes(b"- a\n- b\n", "p.yaml", "yaml"))
    assert error.code == "not_a_plan" and "迁移计划" in error.zh and "not a plan" in error.en


def test_not_utf8() -> None:
    error = only_error(load_bytes("部门: 发改委".encode("gbk"), "p.yaml", "yaml"))
    assert error.code == "not_text" and "UTF-8" in error.zh and "UTF-8" in error.en


def test_cross_department_reference_to_missing_system_is_an_error(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["depends_on"] = ["630000-FGW/no-such-system", "630000-FGW/credit-platform"]
    mine = load_bytes(dump(minimal), "mine.yaml", "yaml")
    fgw = load_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes(), "fgw.yaml", "yaml")
    intake = check_portfolio([mine, fgw])
    [error] = intake.errors
    assert error.file == "mine.yaml" and error.path == ("systems", 0, "depends_on", 0)
    assert "630000-FGW" in error.zh and "no-such-system" in error.en


def test_reference_to_an_unloaded_department_is_only_a_warning(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["depends_on"] = ["630000-GAT/population-db"]
    intake = check_portfolio([load_bytes(dump(minimal), "mine.yaml", "yaml")])
    assert intake.ok and len(intake.plans) == 1
    [warning] = intake.warnings
    assert warning.code == "unloaded_department" and "未加载" in warning.zh and "not loaded" in warning.en


def test_same_department_in_two_files(minimal: dict[str, Any]) -> None:
    first = load_bytes(dump(minimal), "a.yaml", "yaml")
    second = load_bytes(dump(minimal), "b.yaml", "yaml")
    intake = check_portfolio([first, second])
    [error] = intake.errors
    assert error.file == "b.yaml" and error.code == "duplicate_department"
    assert intake.plans == [first.plan]


def _workbook_with(edit: Any) -> bytes:
    source = load_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes(), "fgw.yaml", "yaml")
    wb = openpyxl.load_workbook(io.BytesIO(build_template(source.plan)))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_error_names_sheet_row_and_column() -> None:
    raw = _workbook_with(lambda wb: wb["系统 Systems"].cell(row=6, column=18, value="五级"))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.path == ("systems", 2, "security", "mlps_level")
    assert error.location == "sheet '系统 Systems', row 6, column R '等保级别*' (security.mlps_level)"
    assert "五级" in error.zh and "whole number" in error.en


def test_excel_child_row_for_unknown_system() -> None:
    raw = _workbook_with(lambda wb: wb["组件 Components"].cell(row=5, column=1, value="no-such"))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.code == "unknown_system"
    assert error.location.startswith("sheet '组件 Components', row 5, column A")
    assert "no-such" in error.zh and "no-such" in error.en


def test_excel_missing_required_cell() -> None:
    def clear(wb: Any) -> None:
        wb["系统 Systems"].cell(row=4, column=4).value = None

    raw = _workbook_with(clear)
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.code == "missing" and error.path == ("systems", 0, "function")
    assert error.location == "sheet '系统 Systems', row 4, column D '功能*' (function)"


def test_excel_two_departments_in_one_plan() -> None:
    raw = _workbook_with(lambda wb: [wb["部门 Department"].cell(row=5, column=c, value="X") for c in (1, 2)])
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.code == "two_departments" and "row 5" in error.location


@pytest.mark.parametrize("sheet", ["部门 Department", "系统 Systems"])
def test_excel_missing_sheet(sheet: str) -> None:
    raw = _workbook_with(lambda wb: wb.remove(wb[sheet]))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.code == "missing_sheet" and sheet in error.zh and sheet in error.en
