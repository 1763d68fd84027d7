"""What no department means is refused where it stands, in Chinese and English; what it does mean is not.

Forgiving about form (blank is absent), strict about meaning: a yes/no is no number, infinity no amount, a
date-time no date, a hidden character no text, an engine outside the vocabulary no engine.
"""

from __future__ import annotations

import io
import math
import zipfile
from typing import Any

import openpyxl
import pytest

from orchestrator.plan import build_template, load_bytes, load_paths
from orchestrator.plan.errors import dotted
from orchestrator.plan.intake import LoadedPlan
from tests.conftest import EXAMPLES, dump
from tests.intake.test_errors import only_error, yaml_error

S0 = ("systems", 0)


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        node = node.setdefault(part, {}) if isinstance(part, str) else node[part]
    node[path[-1]] = value


REFUSED = [
    # (path, value, code, words in zh, words in en)
    ((*S0, "security", "mlps_level"), True, "bool_number", "是/否", "yes/no"),
    ((*S0, "deployment", "components", 0, "port"), False, "bool_number", "数字", "number"),
    ((*S0, "deployment", "data_gb"), math.inf, "finite_number", "有限", "finite"),
    ((*S0, "filing", "investment_wan"), math.nan, "finite_number", "有限", "finite"),
    ((*S0, "filing", "annual_om_wan"), 1e308, "less_than_equal", "不能大于", "at most"),
    ((*S0, "deployment", "data_gb"), 1e308, "less_than_equal", "不能大于", "at most"),
    (("deadline",), "1989-12-31", "date_range", "1990", "between 1990 and 2100"),
    ((*S0, "usage", "last_business_use"), "2101-01-01", "date_range", "2100", "between 1990 and 2100"),
    (("deadline",), "2027-06-30T00:00:00", "date_time", "不能带时间", "without a time"),
    ((*S0, "approval", "date"), "2015-03-01 10:00", "date_time", "不能带时间", "without a time"),
    ((*S0, "deployment", "databases", 0, "engine"), "access", "enum", "access", "'postgresql'"),
    ((*S0, "deployment", "components", 0, "image"), "Registry/Bad Image:1", "image_ref", "镜像", "image"),
    (
        (*S0, "deployment", "components", 0, "image"),
        "{{ lookup('pipe','id') }}",
        "image_ref",
        "镜像",
        "image",
    ),
    ((*S0, "deployment", "components", 0, "health_path"), "healthz", "url_path", "URL", "URL path"),
    ((*S0, "deployment", "components", 0, "health_path"), "http://x/healthz", "url_path", "URL", "URL path"),
    ((*S0, "deployment", "components", 0, "health_path"), "//evil.example/x", "url_path", "URL", "URL path"),
    (
        (*S0, "deployment", "components", 0, "health_path"),
        "/healthz{{ lookup('pipe','id > /tmp/x') }}",
        "url_path",
        "URL",
        "URL path",
    ),
]

HIDDEN = {
    "NUL": "\x00",
    "ANSI escape": "\x1b[31m",
    "bell": "\x07",
    "DEL": "\x7f",
    "C1 control": "\x9b",
    "LRE": "\u202a",
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "BOM": "\ufeff",
    "line separator": "\u2028",
}


@pytest.mark.parametrize(("path", "value", "code", "zh", "en"), REFUSED, ids=lambda v: str(v)[:24])
def test_a_value_nobody_means_is_refused_where_it_stands(
    minimal: dict[str, Any], path: tuple[str | int, ...], value: Any, code: str, zh: str, en: str
) -> None:
    minimal["systems"][0]["deployment"]["databases"] = [{"engine": "mysql", "size_gb": 1}]
    minimal["systems"][0]["deployment"]["components"][0]["image"] = "registry.govcloud.example/t/web:1"
    _set(minimal, path, value)
    error = yaml_error(minimal)
    assert (error.code, error.path) == (code, path)
    assert zh in error.zh and en in error.en
    assert error.location.startswith("line ") and error.location.endswith(f": {dotted(path)}")


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize(
    "path",
    [
        (*S0, "name"),
        ("department", "name"),
        (*S0, "owner_unit"),
        (*S0, "function"),
        (*S0, "approval", "authority"),
    ],
    ids=lambda p: p[-1],
)
def test_hidden_and_control_characters_are_refused_in_text(
    minimal: dict[str, Any], char: str, path: tuple[str | int, ...]
) -> None:
    _set(minimal, path, f"投资{char}审批")
    error = yaml_error(minimal) if char != "\x00" else _json_error(minimal)
    assert (error.code, error.path) == ("control_char", path)
    assert f"U+{ord(char[0]):04X}" in error.zh and f"U+{ord(char[0]):04X}" in error.en
    assert "第 3 个字符" in error.zh and "position 3" in error.en


def _json_error(doc: dict[str, Any]) -> Any:
    import json

    # YAML cannot carry a raw NUL; JSON can, escaped
    return only_error(load_bytes(json.dumps(doc, ensure_ascii=True).encode(), "p.json", "json"))


@pytest.mark.parametrize(
    "text",
    [
        '投资 "审批" 平台',
        "{{ 7*7 }} 统计",
        "# 不是注释",
        "---",
        "$(id) 与 `uname`",
        '=HYPERLINK("http://x")',
        "+86 热线",
        "@所有人",
        "A & B <C>",
    ],
)
def test_printable_text_a_department_may_type_is_kept_as_typed(minimal: dict[str, Any], text: str) -> None:
    for field in ("name", "function", "owner_unit"):
        minimal["systems"][0][field] = text
    loaded = load_bytes(dump(minimal), "p.yaml", "yaml")
    assert loaded.ok, loaded.problems
    assert loaded.plan is not None
    system = loaded.plan.systems[0]
    assert (system.name, system.function, system.owner_unit) == (text.strip(),) * 3


def test_multi_line_function_keeps_its_lines_but_a_name_may_not(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["function"] = "审批\n监管"
    assert load_bytes(dump(minimal), "p.yaml", "yaml").ok
    minimal["systems"][0]["name"] = "甲\n---\nkind: ClusterRoleBinding"
    error = yaml_error(minimal)
    assert (error.code, error.path) == ("control_char", (*S0, "name")) and "U+000A" in error.en


@pytest.mark.parametrize(
    "engine",
    [
        "postgresql",
        "mysql",
        "mariadb",
        "oracle",
        "dameng",
        "kingbase",
        "sqlserver",
        "db2",
        "mongodb",
        "other",
    ],
)
def test_every_engine_of_the_vocabulary_is_accepted(minimal: dict[str, Any], engine: str) -> None:
    minimal["systems"][0]["deployment"]["databases"] = [{"engine": engine, "size_gb": 10}]
    loaded = load_bytes(dump(minimal), "p.yaml", "yaml")
    assert loaded.ok and loaded.plan is not None
    assert loaded.plan.systems[0].deployment.databases[0].engine == engine


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.27",
        "registry.govcloud.example/fgw/invest-web:2.3",
        "198.18.0.5:5000/a/b_c__d-e:v1.0-rc.1",
        "harbor.example.test/x/y@sha256:" + "a" * 64,
    ],
)
def test_image_references_registries_accept_are_accepted(minimal: dict[str, Any], image: str) -> None:
    minimal["systems"][0]["deployment"]["components"][0]["image"] = image
    assert load_bytes(dump(minimal), "p.yaml", "yaml").ok


@pytest.mark.parametrize("path", ["/healthz", "/actuator/health", "/api/v1/health?full=1", "/a%20b/", "/"])
def test_absolute_url_paths_are_accepted(minimal: dict[str, Any], path: str) -> None:
    minimal["systems"][0]["deployment"]["components"][0]["health_path"] = path
    assert load_bytes(dump(minimal), "p.yaml", "yaml").ok


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", None])
def test_an_optional_field_left_blank_is_absent(minimal: dict[str, Any], blank: Any) -> None:
    system = minimal["systems"][0]
    system["owner_unit"] = blank
    system["approval"] = {"authority": blank, "date": blank}
    system["replaced_by"] = blank
    system["deployment"]["components"][0]["health_path"] = blank
    minimal["department"]["contact"] = {"name": blank, "phone": blank}
    loaded = load_bytes(dump(minimal), "p.yaml", "yaml")
    assert loaded.ok, loaded.problems
    assert loaded.plan is not None and loaded.plan.systems[0].owner_unit is None


def test_a_required_field_left_blank_is_missing(minimal: dict[str, Any]) -> None:
    minimal["systems"][0]["name"] = "  "
    error = yaml_error(minimal)
    assert (error.code, error.path) == ("missing", (*S0, "name")) and "名称" in error.zh


# --- Excel -----------------------------------------------------------------------------------------------


def _fgw_with(edit: Any) -> bytes:
    plan = load_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes(), "fgw.yaml", "yaml").plan
    wb = openpyxl.load_workbook(io.BytesIO(build_template(plan)))
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_excel_formula_is_said_to_be_a_formula_not_a_missing_value() -> None:
    raw = _fgw_with(lambda wb: setattr(wb["系统 Systems"].cell(row=4, column=4), "value", '=B4&"监管"'))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert (error.code, error.path) == ("formula", (*S0, "function"))
    assert error.location == "sheet '系统 Systems', row 4, column D '功能*' (function)"
    assert (
        "公式" in error.zh
        and "请直接输入" in error.zh
        and "formula" in error.en
        and "type the value" in error.en
    )


def test_excel_text_that_starts_with_an_equals_sign_is_text_not_a_formula() -> None:
    def edit(wb: Any) -> None:
        cell = wb["系统 Systems"].cell(row=4, column=4)
        cell.value, cell.data_type = "=按规定审批", "s"

    loaded = load_bytes(_fgw_with(edit), "fgw.xlsx", "xlsx")
    assert loaded.ok and loaded.plan is not None and loaded.plan.systems[0].function == "=按规定审批"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("6/30/2027", "date"),
        ("30/6/2027", "date"),
        ("2027/2/30", "date"),
        ("明年六月", "date"),
        (46568.5, "date_time"),
    ],
)
def test_excel_ambiguous_dates_keep_their_located_error(typed: Any, code: str) -> None:
    raw = _fgw_with(lambda wb: setattr(wb["部门 Department"].cell(row=4, column=6), "value", typed))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert (error.code, error.path) == (code, ("deadline",))
    assert error.location.startswith("sheet '部门 Department', row 4, column F")
    assert error.zh and error.en


@pytest.mark.parametrize("typed", ["1,5", "12,34", "五千", "5 000 000,5"])
def test_excel_ambiguous_numbers_keep_their_located_error(typed: str) -> None:
    raw = _fgw_with(lambda wb: setattr(wb["系统 Systems"].cell(row=4, column=15), "value", typed))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.path == (*S0, "filing", "investment_wan") and error.code == "float"
    assert "column O" in error.location and typed in error.zh and typed in error.en


def test_excel_hidden_character_in_a_cell_names_the_cell() -> None:
    raw = _fgw_with(lambda wb: setattr(wb["系统 Systems"].cell(row=4, column=2), "value", "投资\u202e审批"))
    error = only_error(load_bytes(raw, "fgw.xlsx", "xlsx"))
    assert error.code == "control_char" and error.location.startswith("sheet '系统 Systems', row 4, column B")
    assert "U+202E" in error.zh and "U+202E" in error.en


def test_the_template_has_drop_downs_for_engines_and_a_whole_number_rule_for_mlps() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template()))
    engines = [dv for dv in wb["数据库 Databases"].data_validations.dataValidation if dv.type == "list"]
    assert (
        len(engines) == 1
        and "达梦 dameng" in str(engines[0].formula1)
        and "kingbase" in str(engines[0].formula1)
    )
    [mlps] = [dv for dv in wb["系统 Systems"].data_validations.dataValidation if dv.type == "whole"]
    assert (mlps.operator, mlps.formula1, mlps.formula2) == ("between", "1", "5")
    assert str(mlps.sqref).startswith("R3:")


def _with_doctype(raw: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(raw))
    parts = {n: source.read(n) for n in source.namelist()}
    name = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[name] = parts[name].replace(
        b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "boom"><!ENTITY f "&e;&e;&e;">]><worksheet', 1
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n, data in parts.items():
            target.writestr(n, data)
    return out.getvalue()


def test_an_xlsx_whose_xml_declares_a_doctype_is_a_located_error_and_the_folder_goes_on(
    tmp_path: Any,
) -> None:
    bad = _with_doctype(_fgw_with(lambda wb: None))
    loaded: LoadedPlan = load_bytes(bad, "bad.xlsx", "xlsx")
    error = only_error(loaded)
    assert error.code == "xlsx_doctype" and "xl/worksheets/" in error.location
    assert "DOCTYPE" in error.zh and "DOCTYPE" in error.en
    (tmp_path / "bad.xlsx").write_bytes(bad)
    (tmp_path / "fgw.yaml").write_bytes((EXAMPLES / "630000-FGW.yaml").read_bytes())
    intake = load_paths([tmp_path])
    assert [e.code for e in intake.errors] == ["xlsx_doctype"] and len(intake.plans) == 1
