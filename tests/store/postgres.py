"""A throwaway PostgreSQL server for the tests (Debian's postgresql), on a loopback port, removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def missing() -> str | None:
    if os.geteuid() != 0:
        return "starting PostgreSQL here needs root (to run it as the postgres user)"
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "postgresql is not installed (scripts/system-deps.sh installs it)"
    if shutil.which("runuser") is None:
        return "runuser is missing"
    return None


@contextmanager
def server(root: Path) -> Iterator[str]:
    bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    data, sockets = root / "pgdata", root / "pgsock"
    for path in (data, sockets):
        path.mkdir(parents=True)
    shutil.chown(root, "postgres")
    for path in (data, sockets):
        shutil.chown(path, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    def as_postgres(*args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=120
        )

    as_postgres(str(bin_dir / "initdb"), "-D", str(data), "-U", "govmig", "--auth=trust", "-E", "UTF8")
    as_postgres(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-w",
        "-l",
        str(root / "pg.log"),
        "-o",
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    try:
        yield f"postgresql+psycopg://govmig@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
            timeout=120,
        )
