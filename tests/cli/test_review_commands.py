"""`govmig review`: what waits for review, approve and return from the console, by a supervisor only.

The command runs in-process (click's runner: the same command object, its exit status and both streams), and once
as `python -m orchestrator` to prove the entry point."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from orchestrator.cli.app import cli
from orchestrator.store import Accounts, open_store
from orchestrator.web import hash_password
from tests.cli.test_user_commands import govmig as govmig_process


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def govmig(*args: str) -> Ran:
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})
    return Ran(result.exit_code, result.stdout, result.stderr)


def test_a_supervisor_reviews_from_the_console(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    accounts = Accounts(open_store(db))
    accounts.add_user("wang", "supervisor", None, hash_password("Gov-Mig-2026"), "test")
    accounts.add_user("li", "ops", None, hash_password("Gov-Mig-2026"), "test")
    accounts.add_department("630000-RST", "省人社厅", "test")
    for n in (1, 2):
        accounts.add_version("630000-RST", f"v{n}.yaml", f"n: {n}", {"n": n}, [], "zhao")
    accounts.add_version("630000-RST", "bad.yaml", "broken", None, [{"zh": "错", "en": "bad"}], "zhao")

    waiting = govmig_process("review", "list", "--db", db, "--format", "json")
    assert waiting.returncode == 0, waiting.stderr
    assert [(r["version"], r["review"]["status"]) for r in json.loads(waiting.stdout)] == [
        (1, "pending"),
        (2, "pending"),
    ]  # the invalid v3 waits for nothing: it cannot be approved
    table = govmig("review", "list", "--db", db)
    assert "待审核" in table.stdout and "v2" in table.stdout

    not_a_supervisor = govmig("review", "approve", "630000-RST", "1", "--by", "li", "--db", db)
    assert not_a_supervisor.returncode == 2 and "supervisor" in not_a_supervisor.stderr
    bare = govmig("review", "return", "630000-RST", "1", "--by", "wang", "--db", db)
    assert bare.returncode == 2 and "--comment" in bare.stderr
    returned = govmig(
        "review",
        "return",
        "630000-RST",
        "1",
        "--by",
        "wang",
        "--comment",
        "缺少备案号 [red]x[/red]",
        "--db",
        db,
    )
    assert returned.returncode == 0 and "已退回" in returned.stdout, returned.stderr
    approved = govmig("review", "approve", "630000-RST", "2", "--by", "wang", "--db", db, "--format", "json")
    assert approved.returncode == 0, approved.stderr
    assert json.loads(approved.stdout)["review"]["status"] == "approved"
    assert [v.version for v in accounts.current_plans()] == [2]

    for version, status in (("1", 1), ("3", 1), ("9", 2)):  # superseded, invalid: refused; missing: bad input
        late = govmig("review", "approve", "630000-RST", version, "--by", "wang", "--db", db)
        assert late.returncode == status and "error:" in late.stderr, (version, late.stderr)
    assert json.loads(govmig("review", "list", "--db", db, "--format", "json").stdout) == []
    shown = govmig("review", "list", "--all", "--db", db)
    assert "缺少备案号 [red]x[/red]" in shown.stdout  # a comment is shown as typed, not as markup
    everything = json.loads(govmig("review", "list", "--all", "--db", db, "--format", "json").stdout)
    assert [(r["version"], r["review"]["status"], r["in_force"]) for r in everything] == [
        (1, "returned", False),
        (2, "approved", True),
        (3, "pending", False),
    ]
