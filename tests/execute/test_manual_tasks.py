"""A manual task of the site's runbook holds its system before the step it names, as a checkpoint does: the wave
pauses with the other system cut over, the wait is audited once however often the run comes back, `govmig status`
lists the task, `govmig task done` closes it only for an account of the task's role (a department's own), and the
next run takes the system to cutover. A check run waits for nobody."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestrator.contracts import ManualTask, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.execute import AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.store import Accounts, Store, open_store
from tests.execute.harness import site

ALPHA, BETA = "630000-T/alpha", "630000-T/beta"


def _govmig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=120
    )


def _run(store: Store, tree: Path) -> Any:
    return WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree)).run("W01")


def test_a_manual_task_holds_its_system_until_someone_of_its_role_closes_it(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    task = ManualTask(
        id="notify-users", zh="通知业务用户停机", en="Tell the users", before="final_sync", role="department"
    )
    tasks = WaveTasks(wave="W01", systems={ALPHA: [task]})
    (where.tree / layout.tasks("W01")).write_text(tasks.model_dump_json(), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    store = Store(open_store(db))
    accounts = Accounts(store.engine)
    accounts.add_user("li", "ops", None, "not-checked-here", actor="admin")
    accounts.add_user("rst", "department", "630000-T", "not-checked-here", actor="admin")
    accounts.add_user("fgw", "department", "630000-FGW", "not-checked-here", actor="admin")

    # a check run rehearses the automation: it waits for nobody
    rehearsal = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run("W01", check=True)
    assert rehearsal.status == "done", rehearsal
    assert not [a for a in store.audit_log(f"W01@check/{ALPHA}") if a.action == "task.waiting"]

    first = _run(store, where.tree)
    assert first.status == "paused" and first.states == {ALPHA: "deployed", BETA: "done"}
    assert "tgt-" not in where.frontend("alpha") and "tgt-" in where.frontend("beta")
    assert _run(store, where.tree).states[ALPHA] == "deployed"  # nothing moves while the task is open
    waits = [(a.action, a.detail) for a in store.audit_log(f"W01/{ALPHA}") if a.action == "task.waiting"]
    assert waits == [("task.waiting", "notify-users")]  # said once

    status = _govmig("status", "W01", "--db", db, "--format", "json")
    listed = json.loads(status.stdout)["tasks"]
    assert [(t["system"], t["task"], t["state"], t["role"]) for t in listed] == [
        (ALPHA, "notify-users", "waiting", "department")
    ]

    def done(by: str, name: str = "notify-users") -> subprocess.CompletedProcess[str]:
        return _govmig(
            "task", "done", "W01", ALPHA, name, "--by", by, "--note", "短信已发 sent by SMS",
            "--tree", str(where.tree), "--db", db, "--format", "json",
        )  # fmt: skip

    ops, other, unknown = done("li"), done("fgw"), done("rst", "no-such-task")
    assert ops.returncode == 1 and "department" in ops.stderr and "Traceback" not in ops.stderr
    assert other.returncode == 1 and "own department" in other.stderr
    assert unknown.returncode == 2 and "no manual task no-such-task" in unknown.stderr
    closed = done("rst")
    assert closed.returncode == 0 and json.loads(closed.stdout)["done_by"] == "rst"
    assert done("rst").returncode == 1  # closed once

    last = _run(store, where.tree)
    assert last.status == "done" and where.moved("alpha")
    assert json.loads(_govmig("status", "W01", "--db", db, "--format", "json").stdout)["tasks"] == []
