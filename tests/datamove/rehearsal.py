"""What the data-move tests share: the rehearsal department's tree, its site, and a client that keeps writing.

The client is what a department's application does to its database through the night of the wave: it commits
rows to the source, and once the source refuses (read-only), to the target as soon as the target accepts. Every
commit it got an answer for is "acknowledged"; afterwards each acknowledged row must be on the target exactly once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pymysql
import yaml

from orchestrator.app import Portfolio
from orchestrator.lab import Site, down, up
from orchestrator.plan import load_paths
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
TRADE, CASES = "630000-LAB/trade-stats", "630000-LAB/case-files"  # PostgreSQL, MariaDB


ZOMBIE = "630000-LAB/old-stats"


def plan_with_zombie() -> dict[str, Any]:
    """The rehearsal plan with a third system idle for years (a zombie, Z1), as a document."""
    doc: dict[str, Any] = yaml.safe_load(PLAN.read_text(encoding="utf-8"))
    old = yaml.safe_load(yaml.safe_dump(doc["systems"][0]))
    old.update(id="old-stats", name="旧贸易统计系统")
    old["usage"]["last_business_use"] = "2024-06-30"
    doc["systems"].append(old)
    return doc


def render_tree(where: Path) -> Path:
    """The rehearsal department's render tree: W01 moves both systems."""
    plans = load_paths([PLAN]).plans
    Portfolio(plans, AS_OF).write(where)
    return where


@contextmanager
def rehearsal(
    root: Path, target_disk_mb: int | None = None, local: bool = False
) -> Iterator[tuple[Path, Site]]:
    """The rehearsal department's W01 on a site: in namespaces over SSH, or `local` (quicker, no link to cut)."""
    tree = render_tree(root / "tree")
    site = up(tree, "W01", root / "site", target_disk_mb=target_disk_mb, local=local)
    try:
        yield tree, site
    finally:
        down(root / "site")


def connect(dsn: str, autocommit: bool = True) -> Any:
    """A client connection from a site.json DSN (postgresql:// or mysql://)."""
    url = urlsplit(dsn)
    if url.scheme == "postgresql":
        return psycopg.connect(dsn, connect_timeout=3, autocommit=autocommit)
    return pymysql.connect(
        host=url.hostname,
        port=url.port or 3306,
        user=url.username,
        password=url.password or "",
        database=url.path.lstrip("/"),
        connect_timeout=3,
        read_timeout=10,
        write_timeout=10,
        autocommit=autocommit,
    )


def rows(dsn: str, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = connect(dsn)
    try:
        cur = conn.cursor()
        cur.execute(sql, args)
        found = list(cur.fetchall()) if cur.description else []
        cur.close()
        return found
    finally:
        conn.close()


def admin_dsn(site: Site, key: str, side: str) -> str:
    """The administrator's DSN of a system's first database on one side (what a person behind the
    orchestrator's back would use: it may write where the application may not)."""
    dsn = site.systems[key]["databases"][0][side]
    return next(s for s in site.servers if s.dsn() == dsn).dsn("admin")


def write_rows(dsn: str, tokens: list[str], side: str) -> None:
    conn = connect(dsn)
    try:
        cur = conn.cursor()
        for token in tokens:
            cur.execute("INSERT INTO writes (token, side) VALUES (%s, %s)", (token, side))
        cur.close()
    finally:
        conn.close()


def backend(site: Site, key: str) -> str:
    """Where the system's front end sends traffic now (the last word of its configuration)."""
    return Path(site.systems[key]["frontend_config"]).read_text().split()[-1].rstrip(";")


def refused(exc: BaseException) -> bool:
    """The database said no to a write because it is read-only (not a dropped connection)."""
    text = str(exc)
    return "read-only" in text or "read_only" in text or "1290" in text


@dataclass(eq=False)
class Writer(threading.Thread):
    """Commits one row at a time (at most 20,000, for at most `limit` seconds) and remembers what was acknowledged."""

    database: dict[str, str]  # site.json's entry: source and target DSNs
    limit: float = 600.0
    acked: list[tuple[str, str, float]] = field(default_factory=list)  # (side, token, when)
    refusals: int = 0
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)
        self.halt = threading.Event()

    def run(self) -> None:
        side, conn, deadline = "source", None, time.monotonic() + self.limit
        for n in range(20_000):
            if self.halt.is_set() or time.monotonic() > deadline:
                break
            token = f"{n}-{uuid.uuid4().hex[:8]}"
            try:
                if conn is None:
                    conn = connect(self.database[side])
                cur = conn.cursor()
                cur.execute("INSERT INTO writes (token, side) VALUES (%s, %s)", (token, side))
                cur.close()
                self.acked.append((side, token, time.monotonic()))
            except Exception as exc:
                _close(conn)
                conn = None
                if refused(exc):
                    self.refusals += 1
                    side = "target"  # the source is quiesced: the application's next home
                elif len(self.errors) < 50:
                    self.errors.append(f"{side}: {exc}")
                time.sleep(0.05)
                continue
            time.sleep(0.01)
        _close(conn)

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=30)

    def downtime(self) -> float:
        """From the last write the source acknowledged to the first the target did (seconds)."""
        last = max((t for s, _, t in self.acked if s == "source"), default=0.0)
        first = min((t for s, _, t in self.acked if s == "target"), default=0.0)
        return first - last if first and last else 0.0


def _close(conn: Any) -> None:
    if conn is not None:
        with suppress(Exception):
            conn.close()


def tokens(dsn: str) -> dict[str, int]:
    """Every token in the writes table, with how many times it is there."""
    return {t: int(c) for t, c in rows(dsn, "SELECT token, count(*) FROM writes GROUP BY token")}
