"""Two people for what cannot be undone, played from outside against a real `govmig serve` over HTTP (with a
real `govmig worker` carrying out what is approved): one click no longer decommissions a source; an ask with
another system's key is refused; the asker cannot approve their own ask; a second person's approval runs it;
a finished wave is not run again unless someone says so (audited).

Before this change the same first request (a POST with no body) queued the decommissioning at once (200), and a
finished wave's run was queued again without a word."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from orchestrator.execute import accept
from orchestrator.store import Store, open_store
from tests.execute.harness import preflighted, site
from tests.web.server import govmig_serve, govmig_worker

PASSWORD = "Gov-Mig-2026-x"
ALPHA = "630000-T/alpha"
OFF = f"/api/waves/W01/decommission/{ALPHA}"


def _govmig(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _ops(db: str, name: str) -> dict[str, str]:
    """An ops account with an API token (bearer requests need no CSRF token)."""
    made = _govmig(
        "user", "add", name, "--role", "ops", "--password-stdin", "--token", "--db", db, "--format", "json",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}


def _until(what: str, check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.3)


def _bilingual(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["zh"] and body["en"] and "detail" not in body, body
    return body


def test_irreversible_operations_need_the_typed_key_and_a_second_person(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    (tmp_path / "render").symlink_to(where.tree)
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    preflighted(where.tree, db)
    ran = _govmig("run", "W01", "--tree", str(where.tree), "--db", db, "--hold", "0", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    store = Store(open_store(db))
    accept(store, ALPHA, "W01", "业务正常 checked", "t-clerk")  # the department accepted: ops may go on
    wang, li = _ops(db, "wang"), _ops(db, "li")

    with govmig_serve(db, tmp_path, "--hold", "0") as base:
        web = httpx.Client(base_url=base, timeout=30)
        status = lambda: web.get("/api/waves/W01/status", headers=wang).json()  # noqa: E731

        # one click (the old button's request, no body) decommissions nothing
        click = _bilingual(web.post(OFF, headers=wang), 422)
        assert click["field"] == "confirm"
        # the key of another system typed: refused, nothing recorded
        wrong = _bilingual(web.post(OFF, headers=wang, json={"confirm": "630000-T/beta"}), 422)
        assert wrong["field"] == "confirm" and ALPHA in wrong["en"]
        assert web.get("/api/approvals", headers=li).json() == []
        assert status()["job"] is None

        # the key typed out: asked (202), waiting; nothing runs yet
        asked = web.post(OFF, headers=wang, json={"confirm": ALPHA})
        assert asked.status_code == 202, asked.text
        assert asked.json()["status"] == "pending" and asked.json()["system"] == ALPHA
        approval = asked.json()["approval"]
        again = web.post(OFF, headers=wang, json={"confirm": ALPHA})
        assert again.status_code == 409  # the same ask waits already
        pending = web.get("/api/approvals?status=pending", headers=li).json()
        assert [(a["id"], a["kind"], a["asked_by"]) for a in pending] == [(approval, "decommission", "wang")]
        assert status()["job"] is None and "tgt-alpha" in where.frontend("alpha")

        # the asker approving their own ask: refused, and audited
        own = _bilingual(
            web.post(f"/api/approvals/{approval}", headers=wang, json={"decision": "approve"}), 403
        )
        assert "second person" in own["en"]
        assert web.get("/api/approvals?status=pending", headers=li).json()[0]["id"] == approval

        # a finished wave is not run again by a click; only on purpose, and that is audited
        rerun = _bilingual(web.post("/api/waves/W01/run", headers=li), 409)
        assert "--rerun" in rerun["en"] and "已完成" in rerun["zh"]
        assert status()["job"] is None

        # a second person approves: it is queued, and a worker decommissions the source
        yes = web.post(
            f"/api/approvals/{approval}", headers=li, json={"decision": "approve", "comment": "核对无误"}
        )
        assert yes.status_code == 200, yes.text
        assert yes.json()["status"] == "approved" and yes.json()["decided_by"] == "li" and yes.json()["job"]
        with govmig_worker(db, tmp_path, "--hold", "0"):
            _until(
                "the source is decommissioned",
                lambda: {s["system"]: s["state"] for s in status()["systems"]}[ALPHA] == "decommissioned",
            )
        decided = _bilingual(
            web.post(f"/api/approvals/{approval}", headers=li, json={"decision": "reject"}), 409
        )
        assert "decided already" in decided["en"]

        # asked on purpose, a re-run is queued and audited
        on_purpose = web.post("/api/waves/W01/run", headers=li, json={"rerun": True})
        assert on_purpose.status_code == 200, on_purpose.text
        assert web.post("/api/waves/W01/pause", headers=li).status_code == 200  # no worker: it never starts

    said = [
        (a.action, a.actor, a.result)
        for a in store.audit_log()
        if a.action.startswith(("approval.", "wave.re"))
    ]
    assert said == [
        ("approval.ask", "wang", "pending"),
        ("approval.self", "wang", "refused"),
        ("approval.approve", "li", "approved"),
        ("wave.rerun", "li", "asked"),
    ]
    assert [a.actor for a in store.audit_log() if a.action == "step.decommission"][:1] == ["wang"]
