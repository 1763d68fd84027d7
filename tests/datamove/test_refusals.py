"""What refuses a cutover, and the way back after one.

A row changed behind the orchestrator's back after the final sync (on the PostgreSQL target) makes verification
refuse the cutover: the system rolls back, the front end never moves and the source takes writes again. The
MariaDB system moves; the application then writes on the target, and a rollback carries every one of those
writes back to the source before the front end points back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.contracts.steps import WORD_TASK
from orchestrator.execute import AnsibleRunner, Ports, RunConfig, RunRequest, RunResult, WaveExecutor
from orchestrator.lab import netns
from orchestrator.store import Store, open_store
from tests.datamove.rehearsal import (
    CASES,
    TRADE,
    admin_dsn,
    backend,
    connect,
    refused,
    rehearsal,
    rows,
    tokens,
    write_rows,
)

WHY = netns.missing()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"the rehearsal site needs namespaces: {WHY}")


class TamperAfterFinalSync:
    """The runner seam: once the systems' final sync finished (the verify step's word is asked for), someone
    changes a row on a target."""

    def __init__(self, dsns: dict[str, str]) -> None:
        self.inner, self.dsns = AnsibleRunner(), dsns

    def __call__(self, request: RunRequest, on_event: Any, cancelled: Any) -> RunResult:
        def spy(event: dict[str, Any]) -> None:
            task = (event.get("event_data") or {}).get("task")
            if event.get("event") == "playbook_on_task_start" and task == f"{WORD_TASK}verify":
                for system in set(request.systems) & set(self.dsns):
                    conn = connect(self.dsns[system])
                    try:
                        conn.cursor().execute(
                            "UPDATE records SET body = 'changed behind the back' WHERE n = 4242"
                        )
                    finally:
                        conn.close()
            on_event(event)

        return self.inner(request, spy, cancelled)


def test_a_changed_row_refuses_the_cutover_and_a_rollback_keeps_the_target_writes(tmp_path: Path) -> None:
    with rehearsal(tmp_path, local=True) as (tree, site):
        store = Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))
        before = {k: backend(site, k) for k in (TRADE, CASES)}
        runner = TamperAfterFinalSync({TRADE: admin_dsn(site, TRADE, "target")})
        outcome = WaveExecutor(Ports(store, runner), RunConfig(tree, failure_budget=2)).run("W01")
        log = [(e.step, e.status) for e in store.step_log("W01", TRADE)]

        # refused: verification failed on the changed table, nothing cut over, the source writes again
        assert outcome.states == {TRADE: "rolled_back", CASES: "done"}, log
        assert ("verify", "failed") in log and not any(step == "cutover" for step, _ in log)
        failed = next(e for e in store.step_log("W01", TRADE) if e.status == "failed")
        assert "records" in (failed.detail or ""), failed.detail
        differ = [f.data for f in store.figures("W01", TRADE) if f.data.get("differ")]
        assert differ and differ[0]["differ"] == ["public.records"]
        assert backend(site, TRADE) == before[TRADE] == site.systems[TRADE]["backends"]["source"]
        trade = site.systems[TRADE]["databases"][0]
        write_rows(trade["source"], ["after-refusal"], "source")  # the source is the application's again
        assert tokens(trade["source"])["after-refusal"] == 1

        # the way back after cutover: every write made on the target goes back to the source
        cases = site.systems[CASES]["databases"][0]
        assert backend(site, CASES) == site.systems[CASES]["backends"]["target"]  # cut over
        written = [f"on-target-{n}" for n in range(50)]
        write_rows(cases["target"], written, "target")
        conn = connect(cases["target"])
        try:
            cur = conn.cursor()
            cur.execute("UPDATE records SET body = 'edited on the target' WHERE n = 7")
            cur.execute("DELETE FROM records WHERE n = 8")
        finally:
            conn.close()
        back = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(tree)).rollback("W01", CASES)
        assert back.states == {CASES: "rolled_back"}, [
            (e.step, e.status, e.detail) for e in store.step_log("W01", CASES)
        ]
        on_source = tokens(cases["source"])
        assert all(on_source.get(t) == 1 for t in written)
        assert rows(cases["source"], "SELECT body FROM records WHERE n = 7") == [("edited on the target",)]
        assert rows(cases["source"], "SELECT count(*) FROM records WHERE n = 8") == [(0,)]
        assert backend(site, CASES) == before[CASES]  # traffic back on the source
        write_rows(cases["source"], ["after-rollback"], "source")  # the source takes the application again
        with pytest.raises(Exception) as late:  # and the target no longer does
            write_rows(cases["target"], ["too-late"], "target")
        assert refused(late.value)
        reverse = [
            f.data
            for f in store.figures("W01", CASES)
            if f.step == "rollback" and f.data.get("op") == "reverse"
        ]
        assert reverse and reverse[0]["differ"] == [] and reverse[0]["source"] == reverse[0]["target"]
