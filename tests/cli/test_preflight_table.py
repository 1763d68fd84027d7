"""`govmig preflight`'s table names each check in Chinese and English with its code beside it (as the console
does), and says a code it has no name for as the code alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrator.cli import preflight_cmd
from orchestrator.cli.app import cli
from orchestrator.preflight import Finding, Preflight
from orchestrator.store import utcnow


def test_each_check_is_named_beside_its_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = Preflight(
        "W01",
        str(tmp_path),
        utcnow(),
        [
            Finding("630000-T/a", "clock_skew", "critical", "时钟差 90 秒", "the clock is 90 s off"),
            Finding("630000-T/b", "some_new_check", "warning", "新检查", "a new check"),
        ],
    )
    monkeypatch.setattr(preflight_cmd, "run_preflight", lambda *a, **k: found)
    out = CliRunner(env={"COLUMNS": "400"}).invoke(
        cli, ["preflight", "W01", "--tree", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'g.db'}"]
    )
    assert out.exit_code == 1, out.output  # a critical finding: not ready
    assert "主机时钟偏差 Host clock skew" in out.output and "clock_skew" in out.output
    assert "some_new_check" in out.output
