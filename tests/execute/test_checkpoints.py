"""A database govmig cannot move itself (Oracle here) waits at a checkpoint until the operator confirms.

Its system stops before verification (writes stopped, the files' final sync done), the wave pauses and says why,
the audit records the wait; `govmig confirm` records the operator's word, and `resume` takes it to cutover. The
other system of the wave is not held up.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from orchestrator.app import summarize
from orchestrator.execute import AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.store import Store, open_store
from tests.execute.harness import site

ORACLE = {
    "name": "alpha",
    "engine": "oracle",
    "move": "checkpoint",
    "runbook": {"zh": "Oracle Data Pump（expdp/impdp）", "en": "Oracle Data Pump (expdp/impdp)"},
}


def test_a_checkpoint_waits_for_the_operators_word(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    inventory = where.tree / "inventories" / "W01" / "hosts.yml"
    doc = yaml.safe_load(inventory.read_text())
    doc["all"]["children"]["govcloud"]["hosts"]["alpha-tgt"]["govmig_databases"] = [ORACLE]
    inventory.write_text(yaml.safe_dump(doc))
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    store = Store(open_store(db))

    first = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run("W01")
    assert first.status == "paused" and first.states == {"630000-T/alpha": "synced", "630000-T/beta": "done"}
    assert "tgt-" not in where.frontend("alpha")  # not cut over
    waiting = [a for a in store.audit_log("W01/630000-T/alpha") if a.action == "checkpoint.waiting"]
    assert waiting and "Data Pump" in (waiting[0].detail or "")
    assert "Data Pump" in summarize(store, "W01")["630000-T/alpha"].checkpoints[0]
    again = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run(
        "W01"
    )  # nothing moves without the word
    assert again.states["630000-T/alpha"] == "synced"

    confirm = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "confirm",
            "W01",
            "630000-T/alpha",
            "--note",
            "expdp/impdp done, row counts checked by 王工",
            "--tree",
            str(where.tree),
            "--db",
            db,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert confirm.returncode == 0, confirm.stdout + confirm.stderr
    done = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run("W01")
    assert done.status == "done" and where.moved("alpha")
    confirmed = [a for a in store.audit_log("W01/630000-T/alpha") if a.action == "checkpoint.confirm"]
    assert confirmed and "王工" in (confirmed[0].detail or "")
