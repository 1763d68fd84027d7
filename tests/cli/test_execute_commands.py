"""`govmig run`, `status`, `resume` and `rollback` as ops use them, including Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyotp

from orchestrator.store import Store, open_store
from tests.execute.harness import preflighted, site


def govmig(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


ADD_USER = (sys.executable, "-m", "orchestrator", "user", "add")


def approver(name: str, db: str, cwd: Path) -> pyotp.TOTP:
    """An ops account with its authenticator (the seed from `user add`), as a second person needs."""
    made = subprocess.run(
        [*ADD_USER, name, "--role", "ops", "--password-stdin", "--db", db, "--format", "json"],
        input="Approver-Kestrel-2026!\n",
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    totp = pyotp.parse_uri(json.loads(made.stdout)["totp_uri"])
    assert isinstance(totp, pyotp.TOTP)
    return totp


def test_run_status_and_rollback(tmp_path: Path) -> None:
    """After cutover a rollback carries the target's new files back (the way back keeps its writes), unless
    the operator discards them: then a bilingual warning, and an audit entry."""
    where = site(tmp_path, ["alpha", "beta"])
    common = ["--tree", str(where.tree), "--db", f"sqlite:///{tmp_path / 'g.db'}"]
    preflighted(where.tree, common[3])
    proc = govmig("run", "W01", *common, "--hold", "0", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {s["state"] for s in json.loads(proc.stdout)["systems"]} == {"done"}
    status = json.loads(govmig("status", "W01", *common[2:], "--format", "json", cwd=tmp_path).stdout)
    assert status["status"] == "done"
    again = govmig("run", "W01", *common, "--hold", "0", cwd=tmp_path)  # a finished wave is not run again
    assert again.returncode == 1 and "--rerun" in again.stderr and "已完成" in again.stderr, again.stderr
    assert status["systems"][0]["verification"]["files_equal"] is True  # what the move measured
    waves = json.loads(govmig("status", *common[2:], "--format", "json", cwd=tmp_path).stdout)["waves"]
    assert [w["wave"] for w in waves] == ["W01"]
    for name in ("alpha", "beta"):  # written on the target after cutover
        (where.target(name) / "after-cutover.txt").write_text(f"{name} written on the target\n")
    back = govmig("rollback", "630000-T/alpha", "--wave", "W01", *common, "--format", "json", cwd=tmp_path)
    assert back.returncode == 0 and json.loads(back.stdout)["systems"][0]["state"] == "rolled_back"
    assert "src-alpha" in where.frontend("alpha")
    assert (where.source("alpha") / "after-cutover.txt").read_text() == "alpha written on the target\n"
    dropped = govmig(
        "rollback", "630000-T/beta", "--wave", "W01", "--discard-target-writes", *common,
        "--by", "wang", "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert dropped.returncode == 0, dropped.stderr
    assert "丢弃" in dropped.stderr and "discarded" in dropped.stderr
    asked = json.loads(dropped.stdout)
    assert asked["status"] == "pending" and "tgt-beta" in where.frontend("beta")  # only asked: nothing ran
    approve = ["approvals", "approve", str(asked["approval"]), *common[2:]]
    wang, li = (approver(name, common[3], tmp_path) for name in ("wang", "li"))
    nobody = govmig(*approve, "--by", "zhao", "--otp", "123456", cwd=tmp_path)
    assert (
        nobody.returncode == 1 and "not an enabled ops or supervisor account" in nobody.stderr
    )  # any name: no
    guessed = govmig(*approve, "--by", "li", "--otp", f"{(int(li.now()) + 1) % 10**6:06d}", cwd=tmp_path)
    assert guessed.returncode == 1 and "wrong or already used TOTP code" in guessed.stderr  # li must be there
    own = govmig(*approve, "--by", "wang", "--otp", wang.now(), cwd=tmp_path)
    assert own.returncode == 1 and "second person" in own.stderr  # the asker cannot approve
    approved = govmig(*approve, "--by", "li", "--otp", li.now(), "--format", "json", cwd=tmp_path)
    assert approved.returncode == 0, approved.stderr
    states = {s["system"]: s["state"] for s in json.loads(approved.stdout)["systems"]}
    assert states["630000-T/beta"] == "rolled_back"
    assert not (where.source("beta") / "after-cutover.txt").exists()
    store = Store(open_store(f"sqlite:///{tmp_path / 'g.db'}"))
    assert [a.action for a in store.audit_log("W01/630000-T/beta") if "discard" in a.action] == [
        "rollback.discard_target_writes"
    ]
    said = [(a.action, a.actor) for a in store.audit_log("630000-T/beta") if a.action.startswith("approval.")]
    assert said == [("approval.ask", "wang"), ("approval.self", "wang"), ("approval.approve", "li")]


def test_a_relative_tree_works_from_its_folder(tmp_path: Path) -> None:
    """ansible-runner runs in a private data directory: the tree given relative to here must still be found."""
    where = site(tmp_path, ["alpha"])
    preflighted(where.tree, f"sqlite:///{where.tree.parent / 'g.db'}")  # the store the relative URL names
    proc = govmig(
        "run",
        "W01",
        "--tree",
        where.tree.name,
        "--db",
        "sqlite:///g.db",
        "--hold",
        "0",
        "--format",
        "json",
        cwd=where.tree.parent,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert where.moved("alpha")


def test_unknown_wave_and_unknown_system_are_bad_input(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    common = ["--tree", str(where.tree), "--db", f"sqlite:///{tmp_path / 'g.db'}"]
    missing = govmig("run", "W99", *common, cwd=tmp_path)
    assert missing.returncode == 2 and "找不到批次 W99" in missing.stderr and "no playbook" in missing.stderr
    nobody = govmig("run", "W01", *common, "--only", "630000-T/ghost", cwd=tmp_path)
    assert nobody.returncode == 2 and "ghost" in nobody.stderr
    never = govmig("resume", "W01", *common, cwd=tmp_path)
    assert never.returncode == 2 and "还没有运行过" in never.stderr


def test_ctrl_c_pauses_after_the_running_step_and_resume_finishes(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    common = ["--tree", str(where.tree), "--db", f"sqlite:///{tmp_path / 'g.db'}", "--hold", "0"]
    preflighted(where.tree, common[3])
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "run",
            "W01",
            *common,
            "--concurrency",
            "1",
            "--format",
            "json",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    store = Store(open_store(f"sqlite:///{tmp_path / 'g.db'}"))
    deadline = time.monotonic() + 120  # wait until a step is running: the handler is installed by then
    while time.monotonic() < deadline and proc.poll() is None:
        if store.wave("W01") is not None and any(e.status == "finished" for e in store.step_log("W01")):
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "暂停" in err
    paused = json.loads(out)
    assert paused["status"] == "paused"
    assert all(s["step_status"] != "started" for s in paused["systems"])  # the running step was let finish
    assert any(s["state"] != "done" for s in paused["systems"])
    done = govmig("resume", "W01", *common, "--format", "json", cwd=tmp_path)
    assert done.returncode == 0 and {s["state"] for s in json.loads(done.stdout)["systems"]} == {"done"}
    assert where.moved("alpha")


def test_an_ask_that_could_never_run_is_refused_at_once_and_nothing_waits(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    common = ["--tree", str(where.tree), "--db", f"sqlite:///{tmp_path / 'g.db'}"]
    off = govmig("decommission", "630000-T/alpha", "--wave", "W01", *common, "--by", "wang", cwd=tmp_path)
    assert off.returncode == 2 and "not cut over" in off.stderr and "尚未切换" in off.stderr, off.stderr
    zombie = govmig("retire", "630000-T/alpha", *common, "--by", "wang", cwd=tmp_path)
    assert zombie.returncode == 2 and "only a zombie is retired" in zombie.stderr, zombie.stderr
    listed = govmig("approvals", "list", *common[2:], "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    nothing = govmig("approvals", "reject", "7", "--by", "li", "--otp", "123456", *common[2:], cwd=tmp_path)
    assert nothing.returncode == 2 and "#7" in nothing.stderr and "Traceback" not in nothing.stderr
