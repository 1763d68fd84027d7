"""`govmig preflight` names a database's replication prerequisites before the night, on the rehearsal site's real
servers: a large object on the PostgreSQL source (which logical replication would not copy) makes the wave not
ready, with a critical finding of that system in Chinese and English from the module's own words; so is a MariaDB source's binlog_format that is not ROW; once both are put right, the
wave is ready again. The check only reads: it runs inside preflight's check mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.datamove.rehearsal import CASES, TRADE, admin_dsn, rehearsal, rows


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


def test_a_large_object_on_the_source_is_named_before_the_night(tmp_path: Path) -> None:
    with rehearsal(tmp_path) as (tree, site):
        db = f"sqlite:///{tmp_path / 'govmig.db'}"
        code, said = _preflight(tree, db)  # the lab's servers have what replication needs (warnings aside)
        assert (code, said["ready"], _critical(said)) == (0, True, []), said

        source = admin_dsn(site, TRADE, "source")
        (oid,) = rows(source, "SELECT lo_from_bytea(0, 'scanned form'::bytea)")[0]
        code, said = _preflight(tree, db)
        assert code == 1 and said["ready"] is False, said
        critical = _critical(said)
        assert [(f["system"], f["check"]) for f in critical] == [(TRADE, "precheck")], said
        assert "大对象" in critical[0]["zh"] and "large objects" in critical[0]["en"]
        assert not any(f["system"] == CASES for f in critical)  # the MariaDB source lacks nothing

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
        code, said = _preflight(tree, db)
        assert (code, said["ready"], _critical(said)) == (0, True, []), said
