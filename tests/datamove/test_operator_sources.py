"""The source side of a database that the cloud's operator brings in, against real servers.

On the cloud a CloudNativePG replica cluster streams from the source (physical replication) until the window
promotes it; here a real standby made with `pg_basebackup` stands in for its designated primary, the same
PostgreSQL doing the same thing. While a client writes, the final sync stops the source's writes and waits until
the standby has flushed the source's last position; the standby promoted then holds every write the source
acknowledged, exactly once. A standby that no longer streams is refused, bounded. A rollback before cutover gives
the source back (`unquiesce`), for MariaDB too.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestrator.lab import servers
from tests.datamove.rehearsal import Writer, refused, tokens, write_rows
from tests.datamove.test_faults import _module, side

PG_MISSING, MARIADB_MISSING = servers.missing("postgresql"), servers.missing("mariadb")


@contextmanager
def started(engine: str, server_id: int) -> Iterator[servers.Server]:
    server = servers.start(engine, "ledger", "127.0.0.1", None, server_id)
    try:
        servers.seed(server, "630000-LAB/ledger")
        yield server
    finally:
        servers.stop(server.to_json())


def _as_postgres(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


@contextmanager
def standby_of(source: servers.Server) -> Iterator[tuple[Path, int]]:
    """A hot standby of `source`, streaming as its administrator (a replication role), as a replica cluster's
    designated primary does: its data folder and port."""
    bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="govmig-standby-"))
    data, sock, port = root / "data", root / "sock", servers.free_port()
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    conninfo = (
        f"host={source.host} port={source.port} user={source.admin_user} "
        f"password={source.admin_password} application_name=cloud-standby"
    )

    def run(*args: str) -> None:
        done = subprocess.run(_as_postgres(*args), capture_output=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-600:]

    run(
        str(bin_dir / "pg_basebackup"),
        "-d",
        conninfo,
        "-D",
        str(data),
        "-R",
        "-X",
        "stream",
        "--no-sync",
        "--checkpoint=fast",
    )
    options = f"-p {port} -k {sock} -c listen_addresses='127.0.0.1' -c hot_standby=on -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o", options, "start")
    try:
        yield data, port
    finally:
        subprocess.run(
            _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def _promote(data: Path) -> None:
    bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]).parent
    done = subprocess.run(
        _as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "promote"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")


@pytest.mark.skipif(PG_MISSING is not None, reason=f"PostgreSQL: {PG_MISSING}")
def test_the_standby_holds_every_acknowledged_write_before_it_is_promoted() -> None:
    module = _module()
    with started("postgresql", 1) as source, standby_of(source) as (data, port):
        p = {"engine": "postgresql", "name": "ledger", "source": side(source), "timeout": 30.0}
        standby = source.dsn().replace(f":{source.port}/", f":{port}/")
        writer = Writer({"source": source.dsn(), "target": standby}, limit=60)
        writer.start()
        try:
            for _ in range(200):  # the client is writing before the window opens (bounded)
                if len(writer.acked) >= 30:
                    break
                writer.join(timeout=0.05)
            module.run({**p, "op": "quiesce"})
            gate = module.run({**p, "op": "standby", "standby_user": source.admin_user})
            for _ in range(200):  # and it has been refused by the read-only source since (bounded)
                if writer.refusals:
                    break
                writer.join(timeout=0.05)
        finally:
            writer.stop()
        acked = [t for side, t, _ in writer.acked if side == "source"]
        assert len(acked) >= 30 and writer.refusals >= 1, (len(acked), writer.errors)
        assert [s["state"] for s in gate["standbys"]] == ["streaming"], gate
        assert gate["standbys"][0]["name"] == "cloud-standby"

        _promote(data)  # what the window does to the replica cluster
        on_standby = tokens(standby)
        assert all(on_standby.get(t) == 1 for t in acked), [t for t in acked if on_standby.get(t) != 1][:5]
        assert set(on_standby) == set(acked)  # the source refused all else

        # promoted, it streams no more: the gate refuses, within its bound, and says whom it waited for
        with pytest.raises(module.Fail) as late:
            module.run({**p, "op": "standby", "standby_user": source.admin_user, "timeout": 1.0})
        assert source.admin_user in str(late.value) and "云上副本" in str(late.value)
        assert late.value.figures["standbys"] == []

        # a rollback before cutover: the source takes the application's writes again
        module.run({**p, "op": "unquiesce"})
        write_rows(source.dsn(), ["after-rollback"], "source")
        assert tokens(source.dsn())["after-rollback"] == 1


@pytest.mark.skipif(MARIADB_MISSING is not None, reason=f"MariaDB: {MARIADB_MISSING}")
def test_mariadb_source_is_stopped_and_given_back() -> None:
    module = _module()
    with started("mariadb", 7) as source:
        p = {"engine": "mariadb", "name": "ledger", "source": side(source), "timeout": 30.0}
        write_rows(source.dsn(), ["before"], "source")
        module.run({**p, "op": "quiesce"})
        with pytest.raises(Exception) as stopped:
            write_rows(source.dsn(), ["in-the-window"], "source")
        assert refused(stopped.value)
        module.run({**p, "op": "unquiesce"})
        write_rows(source.dsn(), ["after-rollback"], "source")
        assert tokens(source.dsn()) == {"before": 1, "after-rollback": 1}
