"""`govmig preflight` names what a wave's move lacks before the night, on the rehearsal site's real servers: a
large object on the PostgreSQL source (which logical replication would not copy) and, beside it, a target whose
disk cannot take the data the plan declares (measured where the data will be written) are both critical findings
of that system, in Chinese and English from the modules' own words, and the run is refused; so is a MariaDB
source's binlog_format that is not ROW; once all are put right, the wave is ready again and the run goes past the
gate. The checks only read: they run inside preflight's check mode."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestrator.contracts import tree as layout
from orchestrator.render import dump_inventory, load_inventory
from tests.datamove.rehearsal import CASES, TRADE, admin_dsn, rehearsal, rows
from tests.preflight.test_preflight import _govmig, _index_wave_files

GIB = 1 << 30


def _critical(said: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in said["findings"] if f["severity"] == "critical"]


def _preflight(tree: Path, db: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestrator",
            "preflight",
            "W01",
            "--tree",
            str(tree),
            "--db",
            db,
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def _declare_data(tree: Path, system: str, gb: float) -> None:
    """The plan says the system holds `gb` GB of data, rendered again (its target's govmig_data_gb, the index
    updated as render writes it)."""
    path = tree / layout.inventory("W01")
    doc = load_inventory(path.read_text(encoding="utf-8"))
    department, ident = system.split("/")
    for group in doc["all"]["children"].values():
        for hostvars in ((group or {}).get("hosts") or {}).values():
            if (hostvars.get("govmig_department"), hostvars.get("govmig_system")) == (department, ident):
                hostvars["govmig_data_gb"] = gb
    path.write_text(dump_inventory(doc), encoding="utf-8")
    _index_wave_files(tree)


def test_a_large_object_and_a_small_disk_are_named_before_the_night(tmp_path: Path) -> None:
    with rehearsal(tmp_path) as (tree, site):
        db = f"sqlite:///{tmp_path / 'govmig.db'}"
        code, said = _preflight(tree, db)  # the lab's servers have what replication needs (warnings aside)
        assert (code, said["ready"], _critical(said)) == (0, True, []), said

        source = admin_dsn(site, TRADE, "source")
        (oid,) = rows(source, "SELECT lo_from_bytea(0, 'scanned form'::bytea)")[0]
        # and the plan declares more data than the target's disk has free, where its data directory will be
        target_dir = Path(site.systems[TRADE]["files"]["target"])
        free = shutil.disk_usage(next(p for p in (target_dir, *target_dir.parents) if p.exists())).free
        _declare_data(tree, TRADE, round(free / GIB + 50, 1))
        code, said = _preflight(tree, db)
        assert code == 1 and said["ready"] is False, said
        critical = _critical(said)
        assert [(f["system"], f["check"]) for f in critical] == [(TRADE, "precheck")] * 2, said
        lobs = next(f for f in critical if "大对象" in f["zh"])
        assert "large objects" in lobs["en"]
        room = next(f for f in critical if "空间不足" in f["zh"])
        assert "lacks room" in room["en"] and "GiB needed" in room["en"] and "GiB" in room["zh"]
        assert not any(f["system"] == CASES for f in critical)  # the MariaDB source lacks nothing
        refused = _govmig("run", "W01", "--tree", str(tree), "--db", db, "--hold", "0")
        assert refused.returncode == 1 and "was not ready" in refused.stderr and "未通过" in refused.stderr

        # the MariaDB source's binary log turned to MIXED: named too, beside the large object
        mariadb = admin_dsn(site, CASES, "source")
        rows(mariadb, "SET GLOBAL binlog_format = 'MIXED'")
        code, said = _preflight(tree, db)
        by = {f["system"]: f for f in _critical(said)}
        assert code == 1 and set(by) == {TRADE, CASES}, said
        assert "binlog_format 为 MIXED" in by[CASES]["zh"] and "binlog_format is MIXED" in by[CASES]["en"]
        assert "ROW" in by[CASES]["zh"] and "ROW" in by[CASES]["en"]
        rows(mariadb, "SET GLOBAL binlog_format = 'ROW'")

        rows(source, "SELECT lo_unlink(%s)", (oid,))
        _declare_data(tree, TRADE, 0.01)  # what the disk can take
        code, said = _preflight(tree, db)
        assert (code, said["ready"], _critical(said)) == (0, True, []), said
        queued = _govmig("run", "W01", "--tree", str(tree), "--db", db, "--hold", "0", "--queue")
        assert queued.returncode == 0, queued.stderr  # past the gate: on the queue for a worker
