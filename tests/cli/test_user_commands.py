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
    assert weak.returncode == 2 and "3 类" in weak.stderr and "3 of" in weak.stderr
    common = govmig(
        "user", "add", "wang", "--role", "ops", "--password-stdin", "--db", db, stdin="Password1\n"
    )
    assert common.returncode == 2 and "common or easy to guess" in common.stderr
    named = govmig(
        "user", "add", "wang", "--role", "ops", "--password-stdin", "--db", db, stdin="Wang-2026-x\n"
    )
    assert named.returncode == 2 and "user name" in named.stderr
    ok = govmig(
        "user",
        "add",
        "wang",
        "--role",
        "ops",
        "--password-stdin",
        "--db",
        db,
        "--format",
        "json",
        stdin="Gov-Mig-2026\n",
    )
    assert ok.returncode == 0, ok.stderr
    added = json.loads(ok.stdout)
    assert added["username"] == "wang" and added["role"] == "ops" and "token" not in added
    assert added["totp_uri"].startswith("otpauth://totp/govmig:wang?secret=")
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
    again = govmig("user", "passwd", "wang", "--password-stdin", "--db", db, stdin="Gov-Mig-2026\n")
    assert again.returncode == 2 and "used recently" in again.stderr  # the history: not the last ones
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


def test_totp_seeds_are_sealed_and_tokens_have_a_term_a_list_and_a_revocation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'g.db'}"
    args = ("--password-stdin", "--db", db, "--format", "json")
    made = govmig("user", "add", "li", "--role", "sysadmin", "--token", *args, stdin="Gov-Mig-2026\n")
    assert made.returncode == 0, made.stderr
    doc = json.loads(made.stdout)
    assert set(doc) >= {"username", "role", "token", "totp_uri"} and doc["role"] == "sysadmin"
    seed = doc["totp_uri"].split("secret=", 1)[1].split("&", 1)[0]
    stored = (tmp_path / "g.db").read_bytes()
    assert seed.encode() not in stored  # sealed with the site's key, never in clear
    assert oct((tmp_path / "g.key").stat().st_mode & 0o777) == "0o600"
    renewed = json.loads(govmig("user", "totp", "li", "--db", db, "--format", "json").stdout)
    assert renewed["totp_uri"] != doc["totp_uri"]
    dept = govmig(
        "user",
        "add",
        "rst",
        "--role",
        "department",
        "--department",
        "630000-RST",
        *args,
        stdin="Gov-Mig-2026\n",
    )
    assert "totp_uri" not in json.loads(dept.stdout)  # a department needs one only where the site says so

    short = json.loads(
        govmig("token", "add", "rst", "--expires-days", "7", "--db", db, "--format", "json").stdout
    )
    assert short["username"] == "rst" and short["token"].startswith("gm_")
    listed = json.loads(govmig("token", "list", "--db", db, "--format", "json").stdout)
    assert [t["username"] for t in listed] == ["li", "rst"]
    assert all({"id", "username", "created", "expires", "last_used"} <= set(t) for t in listed)
    assert all("token" not in t for t in listed)
    assert (
        json.loads(govmig("token", "list", "rst", "--db", db, "--format", "json").stdout)[0]["id"]
        == short["id"]
    )
    assert govmig("token", "revoke", str(short["id"]), "--db", db, "--format", "json").returncode == 0
    assert govmig("token", "revoke", "999", "--db", db).returncode == 2
    assert govmig("token", "add", "nobody", "--db", db).returncode == 2
    assert govmig("user", "totp", "nobody", "--db", db).returncode == 2
    from orchestrator.store import Tokens
    from orchestrator.web import token_digest

    assert Tokens(open_store(db)).user_by_token(token_digest(short["token"])) is None
