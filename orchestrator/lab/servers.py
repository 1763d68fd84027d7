"""Real database servers for a rehearsal site: PostgreSQL and MariaDB from Debian, in a host's namespace or on
loopback, each with an administrator (the orchestrator's) and an application user (the client's), seeded.

PostgreSQL runs as the `postgres` user when the site runs as root (it refuses root), so its files live in a
folder of their own under the system's temporary directory that the `postgres` user can reach. MariaDB stands in
for MySQL as well (the same protocol, dump and replication commands).
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..plan import ENGINE_PROFILES

SERVER_ENGINE: dict[str, str] = {p.name: p.rehearsal for p in ENGINE_PROFILES if p.rehearsal}
"""The server a declared engine is rehearsed on (its profile's `rehearsal`); engines not listed cannot run on
this machine."""
ROWS = 10_000


def missing(engine: str) -> str | None:
    if engine == "postgresql" and not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        return "PostgreSQL is not installed (scripts/system-deps.sh installs it)"
    if engine == "mariadb" and shutil.which("mariadbd") is None and not Path("/usr/sbin/mariadbd").exists():
        return "MariaDB is not installed (scripts/system-deps.sh installs it)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    engine: str  # postgresql | mariadb (the server, not the declared engine)
    dbname: str
    host: str  # where a client on this machine reaches it
    port: int
    data: str
    ns: str | None
    admin_user: str
    admin_password: str
    app_user: str
    app_password: str
    pid: int | None = None
    disk_mb: int | None = None  # its files on a tmpfs of this size (a small disk, to rehearse it filling up)

    def dsn(self, user: str = "app") -> str:
        scheme = "postgresql" if self.engine == "postgresql" else "mysql"
        name, password = (
            (self.app_user, self.app_password)
            if user == "app"
            else (
                self.admin_user,
                self.admin_password,
            )
        )
        return f"{scheme}://{name}:{password}@{self.host}:{self.port}/{self.dbname}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _in_ns(ns: str | None, *args: str) -> list[str]:
    return ["ip", "netns", "exec", ns, *args] if ns else list(args)


def _as_postgres(*args: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(args, capture_output=True, timeout=120, check=False, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:6])}…: {done.stderr.decode(errors='replace')[-600:]}")
    return done


def start(
    engine: str,
    dbname: str,
    host: str,
    ns: str | None,
    server_id: int,
    passwords: tuple[str, str] | None = None,
    disk_mb: int | None = None,
) -> Server:
    """Starts an empty server for one database (the database and both users created), listening on `host`
    (inside `ns` on every address of the namespace); with `disk_mb` (root only) its files live on a tmpfs of that
    size, a disk a rehearsal can fill."""
    # in a namespace the engine's own port (the host has the namespace to itself), on loopback a free one
    port = (5432 if engine == "postgresql" else 3306) if ns else free_port()
    admin, app = passwords or (secrets.token_urlsafe(12), secrets.token_urlsafe(12))
    server = Server(engine, dbname, host, port, "", ns, "govmig", admin, "app", app, disk_mb=disk_mb)
    if engine == "postgresql":
        _start_postgresql(server)
    else:
        _start_mariadb(server, server_id)
    return server


def _folder(prefix: str, disk_mb: int | None) -> Path:
    """A server's own folder with a short path (a Unix socket's may not exceed 107 bytes), on a tmpfs of
    `disk_mb` when asked."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    if disk_mb:
        _run(["mount", "-t", "tmpfs", "-o", f"size={disk_mb}m,mode=0700", "tmpfs", str(root)])
    return root


def fill(server: Server) -> Path:
    """Fills the disk of a server started with `disk_mb` to the last block; returns the filler (delete it to
    free the space)."""
    filler = Path(server.data) / "filler"
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    return filler


def _start_postgresql(s: Server) -> None:
    bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    root = _folder("govmig-lab-pg-", s.disk_mb)
    s.data = str(root)
    data, sock = root / "data", root / "sock"
    data.mkdir()
    sock.mkdir()
    if os.geteuid() == 0:
        for path in (root, data, sock):
            shutil.chown(path, "postgres")
    _run(
        _as_postgres(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--wal-segsize=1",
            "-E",
            "UTF8",
            "--no-sync",
        )
    )
    with open(data / "pg_hba.conf", "a", encoding="utf-8") as hba:
        hba.write("host all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 scram-sha-256\n")
    listen = "*" if s.ns else s.host
    options = (
        f"-p {s.port} -k {sock} -c listen_addresses='{listen}' -c wal_level=logical -c fsync=off "
        "-c max_replication_slots=10 -c max_wal_senders=10 -c shared_buffers=32MB -c min_wal_size=4MB "
        "-c max_wal_size=32MB"
    )
    _run(
        _in_ns(
            s.ns,
            *_as_postgres(
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                options,
                "start",
            ),
        )
    )
    pid = (data / "postmaster.pid").read_text().split()[0]
    s.pid = int(pid)
    sql = (
        f"CREATE ROLE {s.admin_user} LOGIN SUPERUSER REPLICATION PASSWORD '{s.admin_password}';"
        f"CREATE ROLE {s.app_user} LOGIN PASSWORD '{s.app_password}';"
        f"CREATE DATABASE {s.dbname} OWNER {s.app_user};"
    )
    for statement in sql.split(";")[:-1]:
        _run(
            _as_postgres(
                str(bin_dir / "psql"),
                "-h",
                str(sock),
                "-p",
                str(s.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                statement,
            )
        )


def _start_mariadb(s: Server, server_id: int) -> None:
    # a folder of its own with a short path: a Unix socket's path may not exceed 107 bytes
    # and a temporary folder of its own: by default the bootstrap's temporary tables go to the shared /tmp,
    # where another test's cleanup may take them from under it
    root = _folder("govmig-lab-my-", s.disk_mb)
    s.data = str(root)
    data, tmp = root / "data", root / "tmp"
    data.mkdir()
    tmp.mkdir()
    user = ["--user=root"] if os.geteuid() == 0 else []
    _run(
        [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={data}",
            f"--tmpdir={tmp}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *user,
        ]
    )
    sock = root / "sock"
    log = open(root / "server.log", "wb")  # noqa: SIM115 (the server keeps the descriptor)
    proc = subprocess.Popen(
        _in_ns(
            s.ns,
            "mariadbd",
            "--no-defaults",
            f"--datadir={data}",
            f"--tmpdir={tmp}",
            f"--socket={sock}",
            f"--pid-file={root / 'pid'}",
            f"--port={s.port}",
            f"--bind-address={'0.0.0.0' if s.ns else s.host}",
            f"--log-bin={data / 'binlog'}",
            f"--server-id={server_id}",
            "--binlog-format=ROW",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--skip-innodb-doublewrite",
            "--innodb-flush-log-at-trx-commit=2",
            "--sync-binlog=0",
            *user,
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    s.pid = proc.pid
    deadline = time.monotonic() + 60
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("mariadbd did not start: " + (root / "server.log").read_text()[-800:])
        time.sleep(0.1)
    sql = (
        f"CREATE USER '{s.admin_user}'@'%' IDENTIFIED BY '{s.admin_password}';"
        f"GRANT ALL PRIVILEGES ON *.* TO '{s.admin_user}'@'%' WITH GRANT OPTION;"
        f"CREATE USER '{s.app_user}'@'%' IDENTIFIED BY '{s.app_password}';"
        f"GRANT ALL PRIVILEGES ON `{s.dbname}`.* TO '{s.app_user}'@'%';"
    )
    _run(["mariadb", f"--socket={sock}", "-u", "root", "-e", sql])


def seed(s: Server, system: str) -> None:
    """Tables as a department's system has them (10,000 records, a table without a primary key, the client's
    table; for MariaDB a trigger, a routine and an event the dump must carry)."""
    (_seed_postgresql if s.engine == "postgresql" else _seed_mariadb)(s, system)


def _seed_postgresql(s: Server, system: str) -> None:
    import psycopg

    with psycopg.connect(
        host=s.host,
        port=s.port,
        dbname=s.dbname,
        user=s.app_user,
        password=s.app_password,
        autocommit=True,
    ) as c:
        c.execute(
            "CREATE TABLE records (id bigserial PRIMARY KEY, system text NOT NULL, n int NOT NULL, "
            "body text NOT NULL)"
        )
        c.execute("CREATE TABLE audit_trail (who text, what text)")  # no primary key
        c.execute("CREATE TABLE writes (id bigserial PRIMARY KEY, token text NOT NULL, side text)")
        with c.cursor().copy("COPY records (system, n, body) FROM STDIN") as copy:
            for n in range(ROWS):
                copy.write_row((system, n, f"{system} 记录 record {n}"))
        c.execute("INSERT INTO audit_trail SELECT 'seed', 'row ' || g FROM generate_series(1, 100) g")


def _seed_mariadb(s: Server, system: str) -> None:
    import pymysql

    with (
        pymysql.connect(
            host=s.host, port=s.port, user=s.admin_user, password=s.admin_password, autocommit=True
        ) as c,
        c.cursor() as cur,
    ):
        cur.execute(f"CREATE DATABASE IF NOT EXISTS `{s.dbname}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{s.dbname}`")
        cur.execute(
            "CREATE TABLE records (id BIGINT AUTO_INCREMENT PRIMARY KEY, `system` VARCHAR(120) NOT NULL, "
            "n INT NOT NULL, body VARCHAR(300) NOT NULL) ENGINE=InnoDB"
        )
        cur.execute("CREATE TABLE audit_trail (who VARCHAR(60), what VARCHAR(200)) ENGINE=InnoDB")
        cur.execute(
            "CREATE TABLE writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, token VARCHAR(64) NOT NULL, "
            "side VARCHAR(10)) ENGINE=InnoDB"
        )
        for start in range(0, ROWS, 1000):
            cur.executemany(
                "INSERT INTO records (`system`, n, body) VALUES (%s, %s, %s)",
                [(system, n, f"{system} 记录 record {n}") for n in range(start, start + 1000)],
            )
        cur.execute("INSERT INTO audit_trail VALUES " + ",".join(f"('seed', 'row {n}')" for n in range(100)))
        cur.execute(
            "CREATE TRIGGER records_audit AFTER DELETE ON records FOR EACH ROW "
            "INSERT INTO audit_trail VALUES ('trigger', CONCAT('deleted ', OLD.id))"
        )
        cur.execute("CREATE PROCEDURE record_count() SELECT COUNT(*) FROM records")
        cur.execute(
            "CREATE EVENT nightly_tidy ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit_trail "
            "WHERE who = 'never'"
        )


def stop(server: dict[str, Any]) -> None:
    """Stops a server started by `start` (given as its JSON), and removes PostgreSQL's own folder."""
    pid = server.get("pid")
    if server["engine"] == "postgresql":
        bin_dir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]).parent
        subprocess.run(
            _as_postgres(
                str(bin_dir / "pg_ctl"), "-D", f"{server['data']}/data", "-m", "immediate", "-w", "stop"
            ),
            capture_output=True,
            timeout=60,
            check=False,
        )
    elif pid:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        time.sleep(0.2)
    if server.get("disk_mb"):
        subprocess.run(["umount", "-l", server["data"]], capture_output=True, timeout=60, check=False)
    shutil.rmtree(server["data"], ignore_errors=True)
