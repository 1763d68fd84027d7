"""When the store itself fails (a full disk, a lock held too long, a corrupt or damaged file) `govmig` says so in
Chinese and English and exits 1, never with a traceback; and what it recorded before stays resumable."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.execute import STEPS
from orchestrator.store import Store, open_store
from tests.execute.harness import preflighted, site


def govmig(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "orchestrator", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def said_plainly(proc: subprocess.CompletedProcess[str], zh: str, en: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and zh in proc.stderr and en in proc.stderr, proc.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of the test's own, unmounted afterwards (root only, like the network-namespace tests)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root")
    where = tmp_path / "disk"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], check=True, timeout=30)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], timeout=30)


def _fill(disk: Path, leave: int) -> Path:
    filler = disk / "filler"
    try:
        with filler.open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
    except OSError:
        pass
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


def test_a_full_disk_is_said_and_the_wave_resumes_once_there_is_room(
    tmp_path: Path, small_disk: Path
) -> None:
    where = site(tmp_path, ["alpha", "beta"])
    db = f"sqlite:///{small_disk / 'govmig.db'}"
    Store(open_store(db))  # the store exists; then the disk fills up
    preflighted(where.tree, db)
    filler = _fill(small_disk, leave=48 * 1024)
    common = ["--tree", str(where.tree), "--db", db, "--hold", "0", "--format", "json"]
    first = govmig("run", "W01", *common, cwd=tmp_path)
    said_plainly(first, "磁盘已满", "disk is full")
    filler.unlink()
    store = Store(open_store(db))
    verb = "resume" if store.wave("W01") is not None else "run"
    second = govmig(verb, "W01", *common, cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert {s["state"] for s in json.loads(second.stdout)["systems"]} == {"done"}
    for key in where.systems:
        finished = [e.step for e in store.step_log("W01", key) if e.status == "finished"]
        assert finished == [s.name for s in STEPS]  # nothing lost, nothing twice
        assert where.moved(key.split("/")[1])


def test_a_store_locked_by_another_process_is_said(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    path = tmp_path / "govmig.db"
    open_store(f"sqlite:///{path}").dispose()
    preflighted(where.tree, f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        proc = govmig("run", "W01", "--tree", str(where.tree), "--db", f"sqlite:///{path}", cwd=tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    said_plainly(proc, "锁定", "locked")
    again = govmig(
        "run", "W01", "--tree", str(where.tree), "--db", f"sqlite:///{path}", "--hold", "0", cwd=tmp_path
    )
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_file_that_is_no_database_is_said(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    bad = tmp_path / "govmig.db"
    bad.write_bytes(b"this is not a database, it is a letter\n" * 200)
    for verb in (["run", "W01", "--tree", str(where.tree)], ["status"]):
        said_plainly(govmig(*verb, "--db", f"sqlite:///{bad}", cwd=tmp_path), "损坏", "corrupt")


def test_run_checks_the_stores_integrity_before_it_starts(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    path = tmp_path / "govmig.db"
    store = Store(open_store(f"sqlite:///{path}"))
    for n in range(300):
        store.audit("ops", "note", f"t{n}", "ok", "x" * 200)
    store.engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    with path.open("r+b") as f:  # scribble over a page in the middle of the audit table
        f.seek(page * (pages - 3) + 16)
        f.write(os.urandom(page - 32))
    proc = govmig("run", "W01", "--tree", str(where.tree), "--db", f"sqlite:///{path}", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert ("完整性" in proc.stderr and "integrity" in proc.stderr) or (
        "损坏" in proc.stderr and "corrupt" in proc.stderr
    )
    assert where.frontend("alpha") == ""  # nothing ran
