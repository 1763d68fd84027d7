"""The cutover's go/no-go where the site asks for one (`--cutover-go`), through the approvals of the two-person rule:
the run asks before each system's cutover and holds it there (the others are held too, each on its own ask); the one
who started the run cannot give the go; another person's go lets the next resume cut the system over, their no-go
has it rolled back (its source serves again, audited `cutover.no_go`); each ask is told as `approval_waiting`."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
import time
from pathlib import Path

import pyotp

from orchestrator.app import GatePolicy, Worker, build_executor
from orchestrator.notify import raised
from orchestrator.store import Approvals, ChainEntry, Store, open_store
from tests.cli.test_execute_commands import approver
from tests.execute.harness import preflighted, site
from tests.execute.test_one_run_per_wave import ops_client

ALPHA, BETA = "630000-T/alpha", "630000-T/beta"
TICKET = "CHG-2026-0412"


def _govmig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=300
    )


def test_each_cutover_waits_for_a_second_persons_go_and_a_no_go_rolls_it_back(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    common = ["--tree", str(where.tree), "--db", db]
    runner = getpass.getuser()  # who runs the wave from this console: the ask is theirs
    own, li = approver(runner, db, tmp_path), approver("li", db, tmp_path)
    preflighted(where.tree, db)

    ran = _govmig("run", "W01", *common, "--hold", "0", "--cutover-go", "--format", "json")
    states = {s["system"]: s["state"] for s in json.loads(ran.stdout)["systems"]}
    assert ran.returncode == 1 and states == {ALPHA: "verified", BETA: "verified"}, ran.stderr
    assert "tgt-" not in where.frontend("alpha") + where.frontend("beta")  # nobody cut over
    listed = json.loads(_govmig("approvals", "list", "--db", db, "--format", "json").stdout)
    asks = {a["system"]: a for a in listed}
    assert {(a["kind"], a["status"], a["asked_by"]) for a in listed} == {("cutover_go", "pending", runner)}
    assert set(asks) == {ALPHA, BETA} and asks[ALPHA]["kind_en"] == "the cutover's go/no-go"
    again = _govmig(
        "resume", "W01", *common, "--hold", "0", "--cutover-go"
    )  # no decision: still held, no new ask
    assert (
        again.returncode == 1
        and len(json.loads(_govmig("approvals", "list", "--db", db, "--format", "json").stdout)) == 2
    )

    def decide(verb: str, system: str, by: str, otp: str, *ticket: str) -> subprocess.CompletedProcess[str]:
        return _govmig(
            "approvals", verb, str(asks[system]["id"]), "--by", by, "--otp", otp, "--comment", "值班长 on duty",
            *ticket, "--db", db, "--format", "json",
        )  # fmt: skip

    mine = decide("approve", ALPHA, runner, own.now(), "--ticket", TICKET)
    assert mine.returncode == 1 and "second person" in mine.stderr  # the one who started the run: refused
    code = li.now()
    unticketed = decide("approve", ALPHA, "li", code)  # a go carries its change ticket
    assert unticketed.returncode == 2 and "--ticket" in unticketed.stderr, unticketed.stderr
    go = decide("approve", ALPHA, "li", code, "--ticket", TICKET)
    assert go.returncode == 0 and json.loads(go.stdout)["ticket"] == TICKET, go.stderr
    assert "govmig resume W01" in json.loads(go.stdout)["resume"]["en"]  # run from a console: say so
    li_again = pyotp_next(li)
    no_go = decide("reject", BETA, "li", li_again)
    assert no_go.returncode == 0 and json.loads(no_go.stdout)["status"] == "rejected", no_go.stderr

    last = _govmig("resume", "W01", *common, "--hold", "0", "--cutover-go", "--format", "json")
    states = {s["system"]: s["state"] for s in json.loads(last.stdout)["systems"]}
    assert states == {ALPHA: "done", BETA: "rolled_back"}, last.stdout + last.stderr
    assert where.moved("alpha") and "src-beta" in where.frontend("beta")  # beta's source serves again
    store = Store(open_store(db))
    went = [e.task for e in store.events("W01", ALPHA) if e.step == "cutover" and e.kind == "go"]
    assert went == [f"go #{asks[ALPHA]['id']} by li, ticket {TICKET}"]  # the cutover's line names the ticket
    assert [a.detail for a in store.audit_log(f"W01/{ALPHA}") if a.action == "cutover.go"] == [
        f"#{asks[ALPHA]['id']} ticket {TICKET}"
    ]
    assert [a.result for a in store.audit_log(f"W01/{BETA}") if a.action == "cutover.no_go"] == [
        "rolled_back"
    ]
    told = [
        raised(ChainEntry(0, a.at, a.actor, a.action, a.target, a.result, a.detail))
        for a in store.audit_log()
        if a.action == "approval.ask"
    ]
    assert sorted((r.event, r.system) for r in told if r) == [
        ("approval_waiting", ALPHA),
        ("approval_waiting", BETA),
    ]
    assert all("切换放行" in r.zh and "cut over (go/no-go)" in r.en for r in told if r)


def pyotp_next(totp: pyotp.TOTP) -> str:
    """The authenticator's code for the next 30-second step (each step's code is accepted once)."""
    return totp.at(time.time() + 30)


def test_a_go_given_in_the_web_queues_the_resume_and_a_worker_cuts_over(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    preflighted(where.tree, db)
    engine = open_store(db)
    worker = Worker(
        engine,
        where.tree,
        lambda s, t, a: build_executor(s, t, a, GatePolicy(hold_seconds=0, cutover_go=True)),
        heartbeat=0.2,
    )
    queued = _govmig("run", "W01", "--tree", str(where.tree), "--db", db, "--queue")
    assert queued.returncode == 0, queued.stderr
    held = worker.once()
    assert held is not None and (held.status, held.detail) == ("done", "paused")
    asked = Approvals(engine).list("pending")
    assert [(a.kind, a.system, a.asked_by) for a in asked] == [("cutover_go", ALPHA, held.actor)]

    with ops_client(engine, where.tree) as web:  # another ops account decides in the web
        answer = web.post(
            f"/api/approvals/{asked[0].id}", json={"decision": "approve", "comment": "go", "ticket": TICKET}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["record"] == "W01" and answer.json()["job"]
        assert answer.json()["ticket"] == TICKET
    ended = worker.once()
    assert ended is not None and (ended.status, ended.detail) == ("done", "done")
    assert where.moved("alpha")
