"""`govmig lab up TREE retire DIR` for a zombie with files only: the site is shown (its archive where a moved
system has a target) instead of a traceback (KeyError: 'target') that left its sshd running, and `lab down`
stops everything it started. Needs root and network namespaces, like the data-move rehearsals; each site's
namespaces carry a random tag of their own (orchestrator/lab/netns.py), so it may run beside others."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from orchestrator.app import Portfolio
from orchestrator.cli.app import cli
from orchestrator.lab import netns
from orchestrator.plan import load_bytes
from tests.conftest import AS_OF, dump

WHY = netns.missing()
PLAN = Path(__file__).parents[1] / "datamove" / "plan.yaml"
ZOMBIE = "630000-LAB/old-files"


def _zombie_with_files_only() -> Any:
    doc: dict[str, Any] = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    old = yaml.safe_load(yaml.safe_dump(doc["systems"][0]))
    old.update(id="old-files", name="旧文件系统")
    old["usage"]["last_business_use"] = "2024-06-30"  # idle for years: a zombie (Z1)
    old["deployment"]["databases"] = []  # files only
    doc["systems"] = [old]
    loaded = load_bytes(dump(doc), "plan.yaml", "yaml")
    assert loaded.plan is not None, loaded.problems
    return loaded.plan


def _running_under(where: Path) -> list[str]:
    """Every process whose command line names the site's folder (its sshd, its servers)."""
    found = subprocess.run(["pgrep", "-af", str(where)], capture_output=True, text=True).stdout
    return [line for line in found.splitlines() if "pgrep" not in line]


@pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")
def test_lab_up_of_a_retirement_shows_its_archive_and_lab_down_stops_everything(tmp_path: Path) -> None:
    portfolio = Portfolio([_zombie_with_files_only()], AS_OF)
    assert [d.key for d in portfolio.decisions if d.action.value == "retire"] == [ZOMBIE]
    tree = tmp_path / "tree"
    portfolio.write(tree)
    where = tmp_path / "site"
    try:
        wide = CliRunner(env={"COLUMNS": "400"})  # the table path, where the KeyError was
        built = wide.invoke(cli, ["lab", "up", str(tree), "retire", str(where)])
        assert built.exit_code == 0, f"{built.output}\n{built.exception!r}"
        assert ZOMBIE in built.output and "archive" in built.output
        assert _running_under(where), "the site's sshd runs in its namespaces"
    finally:
        if (where / "lab.json").exists():
            stopped = CliRunner().invoke(cli, ["lab", "down", str(where), "--format", "json"])
            assert stopped.exit_code == 0, stopped.output
    assert _running_under(where) == []
