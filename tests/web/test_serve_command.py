"""`govmig user add` and `govmig serve` as an operator runs them: a real uvicorn process on a loopback port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tests.cli.test_intake_commands import run
from tests.conftest import EXAMPLES, ROOT
from tests.web.server import govmig_serve


def test_users_are_added_and_serve_answers_with_their_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "user",
            "add",
            "ops1",
            "--role",
            "ops",
            "--password-stdin",
            "--token",
            "--db",
            db,
            "--format",
            "json",
        ],
        input="A-long-enough-passw0rd\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    token = json.loads(proc.stdout)["token"]
    status, _, err = run("user", "add", "x", "--role", "department", "--db", db, "--password-stdin")
    assert status == 2 and "--department" in err
    status, out, _ = run("user", "list", "--db", db, "--format", "json")
    assert status == 0 and [u["username"] for u in json.loads(out)] == ["ops1"]

    seed = (
        "--plans",
        str(EXAMPLES),
        "--policy",
        str(ROOT / "examples" / "policy.yaml"),
        "--as-of",
        "2026-11-22",
    )
    with govmig_serve(db, tmp_path, *seed) as base:
        auth = {"Authorization": f"Bearer {token}"}
        assert httpx.get(base + "/api/me", headers=auth).json()["username"] == "ops1"
        assert len(httpx.get(base + "/api/departments", headers=auth).json()) == 10
        assert httpx.get(base + "/api/me").status_code == 401
        assert oct((tmp_path / "secret").stat().st_mode & 0o777) == "0o600"
