"""`govmig preflight` played as ops would, from outside (the real command, Ansible through ansible-runner in check
mode): a source without its data directory and a host nobody can reach are named, by system, before the night; a
playbook edited after review is refused without asking the hosts; nothing on a host changes; what was found is
recorded and audited, and a real run leans on the newest ready preflight of the same tree."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.app import PreflightMissing, require_preflight
from orchestrator.contracts import tree as layout
from orchestrator.store import Preflights, Store, open_store
from tests.execute.harness import site


def _govmig(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def _digest_tree(root: Path) -> dict[str, str]:
    """Every file under the hosts' folders with its content's hash (what a change on a host would show)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in ("src", "tgt", "fe", "backups")
        if (root / folder).exists()
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def _index_wave_files(tree: Path) -> None:
    """As render does: the index keeps the SHA-256 of the wave's playbook and inventory."""
    t = layout.Tree(tree)
    index = t.read_index()
    index.files = {
        rel: hashlib.sha256((tree / rel).read_bytes()).hexdigest()
        for rel in (layout.playbook("W01"), layout.inventory("W01"))
    }
    t.index.write_text(index.to_json(), encoding="utf-8")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _preflight(tree: Path, db: str) -> tuple[int, dict[str, Any]]:
    done = _govmig("preflight", "W01", "--tree", str(tree), "--db", db, "--format", "json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_preflight_names_what_would_fail_the_night_and_changes_nothing(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    shutil.rmtree(where.source("alpha"))  # the source's data directory is gone
    inventory = where.tree / layout.inventory("W01")
    doc = yaml.safe_load(inventory.read_text())
    stop = doc["all"]["children"]["private"]["hosts"]["alpha-src"].pop(
        "govmig_service_stop"
    )  # and no way to stop it
    doc["all"]["children"]["govcloud"]["hosts"]["beta-tgt"].update(
        ansible_connection="ssh", ansible_host="127.0.0.1", ansible_port=_closed_port(), ansible_user="nobody"
    )
    inventory.write_text(yaml.safe_dump(doc))
    _index_wave_files(where.tree)
    before = _digest_tree(tmp_path)

    code, said = _preflight(where.tree, db)
    assert code == 1 and said["wave"] == "W01" and said["ready"] is False and said["at"]
    critical = {(f["system"], f["check"]) for f in said["findings"] if f["severity"] == "critical"}
    assert critical == {("630000-T/alpha", "precheck"), ("630000-T/beta", "reachable")}
    alpha = [f for f in said["findings"] if f["system"] == "630000-T/alpha"]  # both of the host's problems
    assert len(alpha) == 2, alpha
    assert "数据目录" in alpha[0]["zh"] and "data directory" in alpha[0]["en"]
    assert "govmig_service_stop" in alpha[1]["zh"] and "stops the source's service" in alpha[1]["en"]
    assert all(set(f) == {"system", "check", "severity", "zh", "en"} for f in said["findings"])
    assert _digest_tree(tmp_path) == before  # check mode: nothing on a host changed

    # someone "fixes" the inventory by hand after review: refused as changed, the hosts are not asked
    doc["all"]["children"]["govcloud"]["hosts"]["beta-tgt"] = {
        k: v
        for k, v in doc["all"]["children"]["govcloud"]["hosts"]["beta-tgt"].items()
        if not k.startswith("ansible_") or k == "ansible_python_interpreter"
    } | {"ansible_connection": "local"}
    doc["all"]["children"]["private"]["hosts"]["alpha-src"]["govmig_service_stop"] = stop
    inventory.write_text(yaml.safe_dump(doc))
    where.source("alpha").mkdir(parents=True)
    code, said = _preflight(where.tree, db)
    assert code == 1
    assert [(f["system"], f["check"]) for f in said["findings"]] == [(None, "tree_changed")]
    assert "render again" in said["findings"][0]["en"]

    # rendered again (the index agrees): ready; asked with the tree relative to where ops stand, as the demo does
    _index_wave_files(where.tree)
    done = _govmig(
        "preflight", "W01", "--tree", str(where.tree.relative_to(tmp_path)), "--db", db, "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    code, said = done.returncode, json.loads(done.stdout)
    assert (code, said["ready"], said["findings"]) == (0, True, []), done.stderr

    store = Store(open_store(db))
    recorded = Preflights(store.engine).latest("W01", str(where.tree.resolve()))
    assert recorded is not None and recorded.ready
    audited = [(a.action, a.result) for a in store.audit_log() if a.action == "wave.preflight"]
    assert audited == [("wave.preflight", "not_ready")] * 2 + [("wave.preflight", "ready")]

    require_preflight(store, where.tree, "W01")  # ready and young: a real run may go
    with pytest.raises(PreflightMissing) as old:
        require_preflight(store, where.tree, "W01", max_age_hours=1e-9)
    assert "older than" in old.value.en and "超过" in old.value.zh
    with pytest.raises(PreflightMissing) as other_tree:
        require_preflight(store, tmp_path / "elsewhere", "W01")
    assert "no preflight on this tree" in other_tree.value.en
    require_preflight(store, tmp_path / "elsewhere", "W01", max_age_hours=0)  # the site turned the rule off


def test_bad_input_is_said_not_thrown(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'govmig.db'}"
    missing = _govmig("preflight", "W01", "--tree", str(tmp_path / "nowhere"), "--db", db)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "no rendered tree" in missing.stderr + missing.stdout
    empty = tmp_path / "tree"
    empty.mkdir()
    code, said = _preflight(empty, db)
    assert code == 1 and [f["check"] for f in said["findings"]] == ["tree"]
