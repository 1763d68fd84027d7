"""A throwaway PostgreSQL server for the tests (Debian's postgresql), on a loopback port, removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


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


@dataclass
class Server:
    """A PostgreSQL server of a test's own, which the test stops and starts (a store outage)."""

    root: Path
    url: str

    def _ctl(self, *args: str) -> None:
        bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]).parent
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(bin_dir / "pg_ctl"),
                "-D",
                str(self.root / "pgdata"),
                *args,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def restart(self, mode: str) -> None:
        self._ctl("-m", mode, "-w", "-l", str(self.root / "pg.log"), "restart")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        port = make_url(self.url).port
        options = f"-p {port} -k {self.root / 'pgsock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-w", "-l", str(self.root / "pg.log"), "-o", options, "start")


@contextmanager
def restartable(prefix: str) -> Iterator[Server]:
    """A throwaway server the test may restart, stop and start, in a directory of its own, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        with server(root) as url:
            yield Server(root, url)
    finally:
        shutil.rmtree(root, ignore_errors=True)
