"""`govmig user` and `govmig department`: the password policy, a new password and a disabled user ending their
sessions, departments created only on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orchestrator.store import Accounts, Sessions, open_store


def govmig(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_departments_and_the_password_policy(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    weak = govmig("user", "add", "wang", "--role", "ops", "--password-stdin", "--db", db, stdin="password\n")
    assert weak.returncode == 2 and "三类" in weak.stderr and "three of" in weak.stderr
    named = govmig(
        "user", "add", "wang", "--role", "ops", "--password-stdin", "--db", db, stdin="Wang-2026-x\n"
    )
    assert named.returncode == 2 and "user name" in named.stderr
    ok = govmig(
        "user", "add", "wang", "--role", "ops", "--password-stdin", "--db", db, stdin="Gov-Mig-2026\n"
    )
    assert ok.returncode == 0, ok.stderr
    engine = open_store(db)
    accounts, sessions = Accounts(engine), Sessions(engine)
    user = accounts.user("wang")
    assert user is not None
    sessions.start(user), sessions.start(user)
    changed = govmig(
        "user", "passwd", "wang", "--password-stdin", "--db", db, "--format", "json", stdin="New-Pass-2027\n"
    )
    assert changed.returncode == 0 and json.loads(changed.stdout)["sessions_ended"] == 2
    assert sessions.live(user.id) == 0
    sessions.start(user)
    off = govmig("user", "disable", "wang", "--db", db, "--format", "json")
    assert off.returncode == 0 and json.loads(off.stdout) == {
        "username": "wang",
        "disabled": True,
        "sessions_ended": 1,
    }
    assert accounts.user("wang") is None  # can no longer sign in
    assert govmig("user", "disable", "nobody", "--db", db).returncode == 2
    assert govmig("department", "add", "bad code!", "--db", db).returncode == 2
    made = govmig("department", "add", "630000-NEW", "--name", "新厅", "--db", db, "--format", "json")
    assert json.loads(made.stdout) == {"code": "630000-NEW", "name": "新厅", "created": True}
    again = govmig("department", "add", "630000-NEW", "--db", db, "--format", "json")
    assert json.loads(again.stdout)["created"] is False
    assert json.loads(govmig("department", "list", "--db", db, "--format", "json").stdout) == ["630000-NEW"]
