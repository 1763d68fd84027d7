"""The preflight gate (shared/DOMAIN.md v1.2): a real run starts a wave only after a ready preflight of the same
tree younger than `preflight_max_age_hours`. Played from outside with the real commands: `govmig run` (and `run
--queue`) refuse without one, in Chinese and English, exit 1, audited, and so does the web (409); a check run needs none; a worker ends a
queued run that lacks one `failed` with the same words; a failed preflight is no better than none; an edit to the
tree after the ready preflight is refused; once ready, the wave runs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from orchestrator.app import GatePolicy, Worker, build_executor, run_preflight
from orchestrator.contracts import tree as layout
from orchestrator.store import RunQueue, Store, open_store
from tests.execute.harness import site
from tests.execute.test_one_run_per_wave import ops_client


def _govmig(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=300
    )


def test_a_real_run_needs_a_ready_preflight_of_its_tree(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    common = ["--tree", str(where.tree), "--db", db, "--hold", "0"]

    refused = _govmig("run", "W01", *common, "--format", "json")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "尚未" in refused.stderr and "预检" in refused.stderr, refused.stderr
    assert "no preflight on this tree" in refused.stderr and "govmig preflight W01" in refused.stderr
    assert where.frontend("alpha") == "" and not where.target("alpha").exists()  # nothing ran
    queued = _govmig("run", "W01", *common, "--queue")
    assert queued.returncode == 1 and "no preflight" in queued.stderr, queued.stderr
    store = Store(open_store(db))
    with ops_client(store.engine, where.tree) as web:  # the web's run: refused at once, nothing queued
        answer = web.post("/api/waves/W01/run")
        assert answer.status_code == 409 and "no preflight" in answer.json()["en"], answer.text
        assert "预检" in answer.json()["zh"]
    assert store.wave("W01") is None and RunQueue(store.engine).jobs(10) == []
    refusals = [(a.action, a.result) for a in store.audit_log() if a.action == "wave.refused"]
    assert refusals == [("wave.refused", "no_preflight")] * 3

    checked = _govmig("run", "W01", *common, "--check", "--format", "json")  # a check run needs none
    assert checked.returncode == 0, checked.stderr

    # a queued run that reached the queue some other way: the worker refuses it, the job ends failed
    RunQueue(store.engine).enqueue("run", "W01", "W01", str(where.tree.resolve()), "ops-li")
    worker = Worker(
        store.engine,
        where.tree,
        lambda s, t, a: build_executor(s, t, a, GatePolicy(hold_seconds=0)),
        heartbeat=0.2,
    )
    ended = worker.once()
    assert ended is not None and ended.status == "failed", ended
    assert ended.detail is not None and "预检" in ended.detail and "no preflight" in ended.detail
    assert store.wave("W01") is None

    # a preflight that found something critical is no better than none
    shutil.rmtree(where.source("alpha"))
    assert not run_preflight(store, where.tree, "W01", "ops-li").ready
    failed = _govmig("run", "W01", *common)
    assert failed.returncode == 1 and "was not ready" in failed.stderr and "未通过" in failed.stderr

    # fixed and preflighted: ready; then the inventory edited by hand (the index keeps its digest): refused
    where.source("alpha").mkdir()
    for n in range(3):
        (where.source("alpha") / f"records-{n}.txt").write_text(f"alpha record {n}\n" * 50)
    inventory = where.tree / layout.inventory("W01")
    tree = layout.Tree(where.tree)
    index = tree.read_index()
    index.files = {layout.inventory("W01"): _sha(inventory)}
    tree.index.write_text(index.to_json(), encoding="utf-8")
    assert run_preflight(store, where.tree, "W01", "ops-li").ready
    reviewed = inventory.read_text()
    inventory.write_text(reviewed + "# edited after review\n")
    edited = _govmig("run", "W01", *common)
    assert edited.returncode == 1 and "changed since its preflight" in edited.stderr, edited.stderr
    assert "预检后被改动" in edited.stderr
    inventory.write_text(reviewed)

    ran = _govmig("run", "W01", *common, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert {s["state"] for s in json.loads(ran.stdout)["systems"]} == {"done"} and where.moved("alpha")
    bad = _govmig("run", "W01", *common, "--preflight-max-age-hours", "0")  # no way to turn the rule off
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
