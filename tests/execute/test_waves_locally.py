"""A wave through the real ansible-runner against this machine: state persisted, failures rolled back, check mode
harmless, the audit log complete and append-only."""

from __future__ import annotations

import copy
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from orchestrator.app import close_task
from orchestrator.contracts import ManualTask, WaveTasks
from orchestrator.contracts import tree as layout
from orchestrator.contracts.steps import WORD_TASK
from orchestrator.execute import (
    STEPS,
    AnsibleRunner,
    GateResult,
    Ports,
    RunConfig,
    RunRequest,
    RunResult,
    WaveExecutor,
)
from orchestrator.store import Accounts, Store, open_store
from tests.execute.harness import site


def store(tmp_path: Path) -> Store:
    return Store(open_store(f"sqlite:///{tmp_path / 'govmig.db'}"))


def finished_steps(s: Store, wave: str, system: str) -> list[str]:
    return [e.step for e in s.step_log(wave, system) if e.status == "finished"]


def test_a_wave_moves_every_system_and_records_each_step_once(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    s = store(tmp_path)
    outcome = WaveExecutor(Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=2)).run("W01")
    assert outcome.status == "done"
    assert outcome.states == {"630000-T/alpha": "done", "630000-T/beta": "done"}
    for name in ("alpha", "beta"):
        assert where.moved(name)
        assert finished_steps(s, "W01", f"630000-T/{name}") == [step.name for step in STEPS]
    assert (tmp_path / "backups" / "alpha-W01.tar.gz").is_file()
    events = s.events("W01", "630000-T/alpha")
    assert any(e.kind == "runner_on_ok" and e.task for e in events)
    actions = [(a.action, a.result) for a in s.audit_log("W01/630000-T/alpha")]
    assert actions.count(("step.precheck", "started")) == 1 and ("step.cutover", "finished") in actions


def test_a_failing_system_is_rolled_back_and_the_others_complete(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"], broken={"beta": "deploy"})
    s = store(tmp_path)
    outcome = WaveExecutor(
        Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=2, failure_budget=1)
    ).run("W01")
    assert outcome.states == {"630000-T/alpha": "done", "630000-T/beta": "rolled_back"}
    assert outcome.status == "partial"
    assert where.moved("alpha")
    assert "src-beta" in where.frontend("beta")  # traffic back on the source
    beta = s.system("W01", "630000-T/beta")
    log = [(e.step, e.status) for e in s.step_log("W01", "630000-T/beta")]
    assert ("deploy", "failed") in log and log[-1] == ("rollback", "finished")
    assert "Start the service on the target" in (s.step_log("W01", "630000-T/beta")[-3].detail or "")
    assert beta.state == "rolled_back"
    audit = [(a.action, a.result) for a in s.audit_log("W01/630000-T/beta")]
    assert ("step.deploy", "failed") in audit and ("step.rollback", "finished") in audit


def test_the_monitors_word_holds_back_a_cutover(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    s = store(tmp_path)
    asked: list[str] = []

    def watch(system: str) -> GateResult:
        asked.append(system)
        return GateResult(
            system.endswith("alpha"), 1, "ok" if system.endswith("alpha") else "probe failed within 60s"
        )

    outcome = WaveExecutor(Ports(s, AnsibleRunner(), watch=watch), RunConfig(where.tree, concurrency=2)).run(
        "W01"
    )
    assert sorted(asked) == ["630000-T/alpha", "630000-T/beta"]
    assert outcome.states == {"630000-T/alpha": "done", "630000-T/beta": "rolled_back"}
    log = [(e.step, e.status, e.detail) for e in s.step_log("W01", "630000-T/beta")]
    assert ("cutover", "failed", "monitor: probe failed within 60s") in log
    assert "src-beta" in where.frontend("beta")


def test_past_the_failure_budget_the_wave_pauses_and_resumes(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"], broken={"alpha": "deploy"})
    s = store(tmp_path)
    outcome = WaveExecutor(
        Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=1, failure_budget=0)
    ).run("W01")
    assert outcome.status == "paused"
    # beta's deploy ran in the same run as alpha's and finished; no step started after it
    assert outcome.states["630000-T/alpha"] == "rolled_back" and outcome.states["630000-T/beta"] == "deployed"
    assert "final_sync" not in [e.step for e in s.step_log("W01", "630000-T/beta")]
    again = WaveExecutor(
        Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=1, failure_budget=0)
    ).run("W01")
    assert again.states == {"630000-T/alpha": "rolled_back", "630000-T/beta": "done"} and where.moved("beta")
    assert finished_steps(s, "W01", "630000-T/beta") == [step.name for step in STEPS]


def test_one_run_takes_the_wave_through_and_a_failing_host_stops_only_its_system(tmp_path: Path) -> None:
    """The wave's seven steps run in one playbook run, each system's steps still recorded one by one. Beta's
    source does not stop, so its final sync fails in the step's first play; the step's second play (databases
    quiesced, the delta synced, replicas promoted on the target) does not touch beta's target, no later step
    begins for beta, and alpha goes on to its cutover in the same run; then beta alone is rolled back."""
    where = site(tmp_path, ["alpha", "beta"], broken={"beta": "quiesce"})
    s = store(tmp_path)
    runs: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    class Counting(AnsibleRunner):
        def __call__(self, request: RunRequest, on_event: Any, cancelled: Any) -> RunResult:
            runs.append((request.tags, request.systems))
            return super().__call__(request, on_event, cancelled)

    outcome = WaveExecutor(Ports(s, Counting()), RunConfig(where.tree, concurrency=2, failure_budget=1)).run(
        "W01"
    )
    assert outcome.states == {"630000-T/alpha": "done", "630000-T/beta": "rolled_back"}
    both = ("630000-T/alpha", "630000-T/beta")
    assert runs == [(tuple(step.name for step in STEPS), both), (("rollback",), ("630000-T/beta",))]
    assert finished_steps(s, "W01", "630000-T/alpha") == [step.name for step in STEPS]
    log = [(e.step, e.status) for e in s.step_log("W01", "630000-T/beta")]
    assert log[-4:] == [
        ("final_sync", "started"),
        ("final_sync", "failed"),
        ("rollback", "started"),
        ("rollback", "finished"),
    ], log
    failed = next(e for e in s.step_log("W01", "630000-T/beta") if e.status == "failed")
    assert "Stop writes on the source" in (failed.detail or ""), failed.detail

    def worked(key: str) -> set[str | None]:
        """The hosts that did work in the system's final sync: ran a task (a task's start is no work done) other
        than those of the step's first play, which hears the word, reaches every host, looks at the source's data
        directory and the front end and digests the source, all while the source serves; or a play's mark."""
        done = ("runner_on_ok", "runner_on_failed")
        reaching = (
            f"{WORD_TASK}final_sync",
            "Reach the host",
            "See that",
            "Digest the data tree",
            "Mark the host",
        )
        return {
            e.host
            for e in s.events("W01", key)
            if e.step == "final_sync" and e.kind in done and not (e.task or "").startswith(reaching)
        }

    assert worked("630000-T/beta") == {"beta-src"}
    assert worked("630000-T/alpha") == {"alpha-src", "alpha-tgt"}
    assert where.moved("alpha") and "src-beta" in where.frontend("beta")


def test_a_host_out_of_reach_fails_its_final_sync_before_its_source_stops(tmp_path: Path) -> None:
    """The window's first play reaches every host while the sources serve. Beta's front end answers at the precheck
    (which reaches the front ends too) and is lost before the window (a refused SSH connection on loopback, while
    a manual task holds beta before its final sync), so beta's final sync fails there: its source is never stopped
    and its target gets no delta; alpha, in the same wave, is cut over."""
    where = site(tmp_path, ["alpha", "beta"])
    task = ManualTask(
        id="change-window", zh="确认变更窗口", en="Confirm the window", before="final_sync", role="ops"
    )
    (where.tree / layout.tasks("W01")).write_text(
        WaveTasks(wave="W01", systems={"630000-T/beta": [task]}).model_dump_json(), encoding="utf-8"
    )
    inventory = where.tree / "inventories" / "W01" / "hosts.yml"
    doc = yaml.safe_load(inventory.read_text())
    hosts = doc["all"]["children"]
    for name in ("alpha", "beta"):
        hosts["private"]["hosts"][f"{name}-src"]["govmig_service_stop"] = (
            f"touch {tmp_path / (name + '-stopped')}"
        )
    inventory.write_text(yaml.safe_dump(doc))
    s = store(tmp_path)
    Accounts(s.engine).add_user("li", "ops", None, "not-checked-here", actor="admin")

    def run() -> Any:
        return WaveExecutor(
            Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=2, failure_budget=1)
        ).run("W01")

    held = run()  # beta waits at its task, its precheck passed with its front end in reach
    assert held.states == {"630000-T/alpha": "done", "630000-T/beta": "deployed"}, held.states
    with socket.socket() as closed:  # a port nothing listens on: the connection is refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    hosts["frontends"]["hosts"]["beta-fe"].update(
        ansible_connection="ssh", ansible_host="127.0.0.1", ansible_port=port, ansible_user="nobody"
    )
    inventory.write_text(yaml.safe_dump(doc))
    close_task(s, where.tree, "W01", "630000-T/beta", "change-window", "li")
    outcome = run()
    assert outcome.states["630000-T/alpha"] == "done" and where.moved("alpha")
    assert (tmp_path / "alpha-stopped").exists()  # the control: a source that was stopped leaves its mark
    assert not (tmp_path / "beta-stopped").exists()  # beta's source was never stopped
    log = [(e.step, e.status) for e in s.step_log("W01", "630000-T/beta")]
    assert ("final_sync", "failed") in log and ("verify", "started") not in log, log
    failed = next(e for e in s.step_log("W01", "630000-T/beta") if e.status == "failed")
    assert "Reach the host" in (failed.detail or "") and "Connection refused" in (failed.detail or "")

    def pulled(key: str) -> list[str | None]:
        """The hosts that pulled the delta (a task's start, sent to every system in the run, is no pull)."""
        return [
            e.host
            for e in s.events("W01", key)
            if e.kind == "runner_on_ok" and (e.task or "").endswith("rsync (final)")
        ]

    assert pulled("630000-T/beta") == [] and pulled("630000-T/alpha") == ["alpha-tgt"]
    assert "tgt-beta" not in where.frontend("beta")


def test_a_step_later_play_goes_on_only_with_systems_whose_hosts_came_through(tmp_path: Path) -> None:
    """The playbook's own guards, where one run carries two systems: a front end points back to its source only
    when its target carried the writes back, and over to its target only when the target's databases opened."""
    where = site(tmp_path, ["alpha", "beta"])
    s = store(tmp_path)
    executor = WaveExecutor(Ports(s, AnsibleRunner()), RunConfig(where.tree, concurrency=2))
    assert executor.run("W01").status == "done"
    files = executor.files("W01")
    playbook, inventory, roles = files.playbook, files.inventory, files.roles
    pristine = yaml.safe_load(inventory.read_text())
    both = ("630000-T/alpha", "630000-T/beta")

    def run(tags: str, beta_target: dict[str, Any], extravars: dict[str, Any]) -> tuple[RunResult, list[str]]:
        doc = copy.deepcopy(pristine)
        doc["all"]["children"]["govcloud"]["hosts"]["beta-tgt"].update(beta_target)
        inventory.write_text(yaml.safe_dump(doc))
        seen: list[str] = []
        request = RunRequest(
            wave="W01",
            systems=both,
            step=tags,
            attempt=1,
            tags=(tags,),
            limit=("alpha-src", "alpha-tgt", "alpha-fe", "beta-src", "beta-tgt", "beta-fe"),
            check=False,
            playbook=playbook,
            inventory=inventory,
            roles=roles,
            private_dir=tmp_path / "runs",
            extravars=extravars,
        )

        def ok_on(event: dict[str, Any]) -> None:
            if event.get("event") == "runner_on_ok":
                seen.append(str((event.get("event_data") or {}).get("host")))

        return AnsibleRunner()(request, ok_on, lambda: False), seen

    # beta's target cannot carry its writes back (its source's directory is gone): beta's front end stays
    result, worked = run(
        "rollback",
        {"govmig_source_data_dir": str(tmp_path / "gone" / "beta")},
        {"govmig_rollback_reverse": True},
    )
    assert result.failed_hosts == {"beta-tgt"} and result.came_through(("alpha-tgt", "alpha-fe"))
    assert "src-alpha" in where.frontend("alpha") and "tgt-beta" in where.frontend("beta")
    assert "beta-fe" not in worked and "beta-src" not in worked
    # and beta's target database does not open (its secrets are missing): beta's front end is not cut over
    database = {"name": "records", "engine": "postgresql", "move": "logical", "source": {}, "target": {}}
    result, worked = run("cutover", {"govmig_databases": [database]}, {})
    assert result.failed_hosts == {"beta-tgt"}
    assert "tgt-alpha" in where.frontend("alpha") and "tgt-beta" in where.frontend("beta")
    assert "beta-fe" not in worked and "alpha-fe" in worked


def test_check_mode_changes_nothing_and_keeps_its_own_record(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    s = store(tmp_path)
    outcome = WaveExecutor(Ports(s, AnsibleRunner()), RunConfig(where.tree)).run("W01", check=True)
    assert outcome.wave == "W01@check" and outcome.status == "done"
    assert not where.target("alpha").exists() and where.frontend("alpha") == ""
    assert not (tmp_path / "backups").exists()
    assert s.wave("W01") is None  # the real record is untouched


def test_the_audit_log_refuses_to_be_rewritten(tmp_path: Path) -> None:
    s = store(tmp_path)
    s.audit("ops", "wave.run", "W01", "started")
    with s.engine.begin() as conn, pytest.raises(DatabaseError):
        conn.execute(text("UPDATE audit SET result = 'forged'"))
    with s.engine.begin() as conn, pytest.raises(DatabaseError):
        conn.execute(text("DELETE FROM audit"))
    assert [a.result for a in s.audit_log()] == ["started"]
