"""`govmig approvals approve ID --ticket T` for a cutover's go: without a ticket, or with one that is not a
reference, exit 2 with a located bilingual error (before the decider's one-time code is spent); the asker is refused
(exit 1) with a ticket all the same; another person's go keeps the ticket, which `approvals list --format json`
lists and the audit names."""

from __future__ import annotations

import json
import time
from pathlib import Path

from orchestrator.store import Approvals, Store, open_store
from tests.cli.test_execute_commands import approver, govmig

ALPHA = "630000-T/alpha"


def test_approving_a_go_needs_a_change_ticket(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    wang, li = approver("wang", db, tmp_path), approver("li", db, tmp_path)
    engine = open_store(db)
    asked = Approvals(engine).ask("cutover_go", ALPHA, "W01", "wang", {"tree": str(tmp_path / "render")})

    def approve(by: str, code: str, *ticket: str) -> tuple[int, str, str]:
        done = govmig(
            "approvals", "approve", str(asked.id), "--by", by, "--otp", code, *ticket, "--comment", "值班长",
            "--db", db, "--format", "json", cwd=tmp_path,
        )  # fmt: skip
        return done.returncode, done.stdout, done.stderr

    code = li.now()
    for ticket in ((), ("--ticket", "  "), ("--ticket", "CHG 0412"), ("--ticket", "C" * 80)):
        status, _, said = approve("li", code, *ticket)
        assert status == 2 and "--ticket：" in said and "变更单号" in said and "change ticket" in said, said
        assert "Traceback" not in said
    status, _, said = approve("wang", wang.now(), "--ticket", "CHG-2026-0412")
    assert status == 1 and "second person" in said and "另一人" in said
    status, out, said = approve("li", code, "--ticket", "CHG-2026-0412")  # the same code: it was not spent
    assert status == 0, said
    assert (json.loads(out)["status"], json.loads(out)["ticket"]) == ("approved", "CHG-2026-0412")

    listed = json.loads(govmig("approvals", "list", "--db", db, "--format", "json", cwd=tmp_path).stdout)
    assert [(a["id"], a["ticket"], a["decided_by"]) for a in listed] == [(asked.id, "CHG-2026-0412", "li")]
    entries = [
        (a.action, a.detail) for a in Store(engine).audit_log(ALPHA) if a.action.startswith("approval.")
    ]
    assert ("approval.approve", f"#{asked.id} ticket CHG-2026-0412: 值班长") in entries
    assert ("approval.self", f"#{asked.id} approve") in entries


def test_a_no_go_needs_no_ticket(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    li = approver("li", db, tmp_path)
    asked = Approvals(open_store(db)).ask("cutover_go", ALPHA, "W01", "wang")
    done = govmig(
        "approvals", "reject", str(asked.id), "--by", "li", "--otp", li.at(time.time()), "--db", db,
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout)["ticket"] is None, done.stderr
