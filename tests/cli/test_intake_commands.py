"""`govmig validate` and `govmig template` as a user and a script see them: output, JSON shape, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from orchestrator.cli.app import main
from tests.conftest import EXAMPLES, dump


def run(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "orchestrator", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_validate_examples_as_json_follows_the_errors_contract() -> None:
    status, out, _ = run("validate", str(EXAMPLES), "--format", "json")
    doc = json.loads(out)
    assert status == 0 and doc["valid"] is True and doc["errors"] == []
    assert sum(p["systems"] for p in doc["plans"]) == 93
    [warning] = doc["warnings"]
    assert set(warning) >= {"file", "location", "zh", "en"}


def test_validate_bad_plan_exits_2_with_located_errors(tmp_path: Path, minimal: dict[str, object]) -> None:
    minimal["deadline"] = "2027-13-45"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(dump(minimal))
    status, out, _ = run("validate", str(bad), "--format", "json")
    doc = json.loads(out)
    assert status == 2 and doc["valid"] is False
    [error] = doc["errors"]
    assert (
        error["file"] == str(bad) and error["location"].endswith(": deadline") and "2027-13-45" in error["zh"]
    )


def test_validate_table_shows_both_languages(tmp_path: Path, minimal: dict[str, object]) -> None:
    minimal["systems"][0]["depends_on"] = ["ghost"]  # type: ignore[index]
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(dump(minimal))
    status, out, _ = run("validate", str(bad))
    assert status == 2
    assert "ghost" in out and "不在本计划中" in out and "no system 'ghost'" in out and "未通过 invalid" in out


def test_folder_without_plans_is_bad_input(tmp_path: Path) -> None:
    status, _, err = run("validate", str(tmp_path))
    assert status == 2 and "没有找到计划文件" in err and "no plan files" in err


def test_unknown_command_and_missing_argument_are_bad_input() -> None:
    assert main(["no-such-command"]) == 2
    assert main(["validate"]) == 2


def test_template_writes_a_workbook(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    status, out, _ = run("template", str(target), "--format", "json")
    assert status == 0 and json.loads(out)["written"] == str(target)
    assert "说明 Instructions" in openpyxl.load_workbook(target).sheetnames


def test_template_from_a_plan_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "fgw.xlsx"
    assert run("template", str(target), "--from", str(EXAMPLES / "630000-FGW.yaml"))[0] == 0
    status, out, _ = run("validate", str(target), "--format", "json")
    assert status == 0 and json.loads(out)["plans"][0]["systems"] == 10


@pytest.mark.parametrize("name", ["t.csv", "t.xls"])
def test_template_needs_an_xlsx_name(tmp_path: Path, name: str) -> None:
    status, _, err = run("template", str(tmp_path / name))
    assert status == 2 and ".xlsx" in err


def test_template_from_a_broken_plan_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "b.yaml"
    broken.write_text("apiVersion: [")
    status, _, err = run("template", str(tmp_path / "t.xlsx"), "--from", str(broken))
    assert status == 2 and not (tmp_path / "t.xlsx").exists() and "未生成模板" in err
