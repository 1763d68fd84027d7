#!/usr/bin/python
"""Moves one database with its engine's own replication: the Ansible module the data roles call.

It runs on the host that can reach both servers (the target host: it pulls from the source over the migration
link), with the engine's client library (psycopg for PostgreSQL and Kingbase, PyMySQL for MySQL and MariaDB) and
client tools (pg_dump/psql, mariadb-dump/mariadb). Every operation is idempotent, so a step re-run after a crash
picks up where the last attempt stopped; every wait is bounded by `timeout`.

  op        where      what
  backup    source     the engine's own dump (pg_dump -Fc / mariadb-dump --single-transaction) and its SHA-256
  prepare   target     schema, then a replica filled while the source serves (logical replication / a dump at
                       its binlog position and a replica from there); waits until it has caught up once
  quiesce   target     writes stop on the source (read-only), and a probe write as the application is refused
  catchup   target     positions equal (the source's last WAL or GTID position applied), bounded
                       (a replica an earlier attempt already promoted has nothing left to confirm)
  promote   target     sequences set past their tables' maximum, the replica detached (the application still
                       read-only on it: until cutover the source's data is the authority)
  open      target     the application may write on the target (the cutover's first act)
  verify    target     row counts and per-table checksums on both sides: a difference fails the step
  reverse   target     the way back after cutover: the target made read-only (probe refused), its data carried
                       back to the source in one transaction, checksums compared
  release   target     the source writable again, replication objects dropped (rollback before cutover)
  unquiesce source     the source writable again, nothing else (a database a cloud operator moves)
  standby   source     a physical standby the cloud's operator keeps (a CloudNativePG replica cluster, streaming
                       as `standby_user`) has flushed the source's last WAL position: the gate before promotion
  prereq    source     read only: every replication prerequisite the source lacks (PostgreSQL wal_level=logical,
                       no large objects, replication slots and WAL senders free for the subscription and its
                       initial copy; MySQL/MariaDB log_bin on, binlog_format=ROW, a server_id of its own; a
                       target, where it answers, of the source's version or newer), all named in one failure
                       (preflight runs it days before the night, outside check mode)
  check     target     check mode: what can be checked without changing anything, and what cannot
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import Any, Tuple

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_db
short_description: Move one database with its engine's own replication (govmig)
options:
  op: {type: str, required: true}
  engine: {type: str, required: true}
  name: {type: str, required: true}
  source: {type: dict, required: true}
  target: {type: dict}
  replica_host: {type: str}
  standby_user: {type: str}
  backup_file: {type: path}
  timeout: {type: float, default: 600}
"""

PG = ("postgresql", "kingbase")
MY = ("mysql", "mariadb")
SLOT = "govmig_{}"


def _slot(p: dict[str, Any]) -> str:
    """The publication, subscription and slot of one database's move share this name."""
    return SLOT.format(re.sub(r"\W", "_", p["name"]))


class Fail(Exception):
    """A refusal with its reason in Chinese and English."""

    def __init__(self, zh: str, en: str, **figures: Any) -> None:
        super().__init__(f"{zh} / {en}")
        self.figures = figures


# --- connections -------------------------------------------------------------------------------------------


def _pg(side: dict[str, Any], user: str = "admin", autocommit: bool = True) -> Any:
    import psycopg

    return psycopg.connect(
        host=side["host"],
        port=int(side.get("port") or 5432),
        dbname=side["dbname"],
        user=side[f"{user}_user"],
        password=side[f"{user}_password"],
        connect_timeout=5,
        autocommit=autocommit,
        # the orchestrator's own sessions may write on a database it made read-only (to drop what it set up);
        # the application's may not
        options="-c default_transaction_read_only=off" if user == "admin" else None,
    )


def _my(side: dict[str, Any], user: str = "admin", db: bool = True) -> Any:
    import pymysql

    return pymysql.connect(
        host=side["host"],
        port=int(side.get("port") or 3306),
        user=side[f"{user}_user"],
        password=side[f"{user}_password"],
        database=side["dbname"] if db else None,
        connect_timeout=5,
        read_timeout=60,
        write_timeout=60,
        autocommit=True,
    )


def _rows(conn: Any, sql: str, args: Sequence[Any] = ()) -> list[Any]:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return list(cur.fetchall()) if cur.description else []


def _env(side: dict[str, Any], kind: str) -> dict[str, str]:
    env = dict(os.environ)
    if kind == "pg":
        env["PGPASSWORD"] = side["admin_password"]
    else:
        env["MYSQL_PWD"] = side["admin_password"]
    return env


def _pg_args(side: dict[str, Any]) -> list[str]:
    return ["-h", side["host"], "-p", str(side.get("port") or 5432), "-U", side["admin_user"]]


def _my_args(side: dict[str, Any]) -> list[str]:
    return ["-h", side["host"], "-P", str(side.get("port") or 3306), "-u", side["admin_user"]]


def _wait(what_zh: str, what_en: str, timeout: float, done: Callable[[], Any], pause: float = 0.2) -> None:
    """Polls done() until it is true or `timeout` seconds pass (bounded in time, and so in count)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if done():
                return
        except Fail:
            raise  # a definite refusal: no use waiting
        except Exception as exc:  # a cut link or a restarting server: retried until the deadline
            last = exc
        time.sleep(pause)
    raise Fail(
        f"{what_zh}超时（{timeout:.0f} 秒）", f"{what_en} timed out after {timeout:.0f} s: {last or ''}"
    )


# --- PostgreSQL (and Kingbase, PostgreSQL-compatible) -------------------------------------------------------


def _pg_tables(conn: Any) -> list[Any]:
    return [
        (s, t)
        for s, t in _rows(
            conn,
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema') ORDER BY 1, 2",
        )
    ]


def _q(*parts: str) -> str:
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts)


Problem = Tuple[str, str]
"""A prerequisite the source lacks, in Chinese and English."""


def _pg_problems(s: Any) -> list[Problem]:
    """Every prerequisite of logical replication the source lacks (it only reads)."""
    problems: list[Problem] = []
    level = _rows(s, "SHOW wal_level")[0][0]
    if level != "logical":
        problems.append(
            (
                f"源库 wal_level 为 {level}，逻辑复制需要 logical",
                f"the source's wal_level is {level}; logical replication needs 'logical'",
            )
        )
    if _rows(s, "SELECT count(*) FROM pg_largeobject_metadata")[0][0]:
        problems.append(
            (
                "源库有大对象（large objects），逻辑复制不复制它们：请改为 bytea 或在窗口内用 pg_dump 迁移",
                "the source has large objects, which logical replication does not copy: move them to bytea, or "
                "carry them with pg_dump in the window",
            )
        )
    return problems


SYNC_WORKERS = 2
"""PostgreSQL's default `max_sync_workers_per_subscription`: the tables copied at once at the start, each by a worker
with a replication slot and a WAL sender of its own on the source (the target's setting, where it answers)."""


def _pg_room(
    slots: tuple[int, int], senders: tuple[int, int], own_slot: bool, sync_workers: int
) -> list[Problem]:
    """The replication slots and WAL senders the source has free (max, in use) against what the move takes: one of
    each for the subscription and one for each table copied at once, none once its slot exists (a move begun)."""
    if own_slot:
        return []
    need = 1 + max(0, sync_workers)
    problems: list[Problem] = []
    for (most, used), zh, en, setting in (
        (slots, "复制槽", "replication slots", "max_replication_slots"),
        (senders, "WAL 发送进程", "WAL senders", "max_wal_senders"),
    ):
        free = most - used
        if free < need:
            problems.append(
                (
                    f"源库空闲{zh}只有 {max(free, 0)} 个（{setting}={most}，已用 {used}），本次迁移需要 {need} 个"
                    f"（订阅 1 个，初始复制 {need - 1} 个）：请调大 {setting} 并重启，或释放不用的{zh}",
                    f"the source has {max(free, 0)} {en} free ({setting}={most}, {used} in use); the move needs "
                    f"{need} (1 for the subscription, {need - 1} for the initial copy): raise {setting} and "
                    f"restart, or free unused {en}",
                )
            )
    return problems


def _version(text: str) -> tuple[int, ...]:
    """ "15.4 (Debian 15.4-1)", "10.11.6-MariaDB-0+deb12u1", "8.0.36": the leading numbers."""
    found = re.match(r"\s*(\d+(?:\.\d+)*)", text)
    return tuple(int(n) for n in found.group(1).split(".")) if found else ()


def _versions(engine: str, source: str, target: str | None) -> list[Problem]:
    """The engine's replication between these versions: PostgreSQL's logical replication needs 10 or later on
    both sides and a target of the source's major version or newer (its schema is restored there); a MySQL or
    MariaDB replica may not be older than its source (major.minor). An unknown target is checked at presync."""
    problems: list[Problem] = []
    src = _version(source)
    if engine in PG and src and src[0] < 10:
        problems.append(
            (
                f"源库版本 {source} 低于 10，不支持逻辑复制",
                f"the source runs {source}: logical replication needs PostgreSQL 10 or later",
            )
        )
    if target is None or not src:
        return problems
    tgt = _version(target)
    width = 1 if engine in PG else 2
    if tgt and tgt[:width] < src[:width]:
        problems.append(
            (
                f"目标库版本 {target} 低于源库 {source}：复制只能从旧版本到同版本或新版本",
                f"the target runs {target}, older than the source's {source}: replication goes only to the same "
                "version or a newer one",
            )
        )
    return problems


def _pg_target(side: dict[str, Any] | None) -> tuple[str | None, int]:
    """The target's version and its `max_sync_workers_per_subscription`, where it answers days before the night
    (else unknown, and the default)."""
    if not side:
        return None, SYNC_WORKERS
    try:
        with _pg(side) as t:
            version, workers = _rows(
                t,
                "SELECT current_setting('server_version'), "
                "current_setting('max_sync_workers_per_subscription')::int",
            )[0]
            return str(version), int(workers)
    except Exception:
        return None, SYNC_WORKERS


def _pg_capacity(s: Any, name: str, sync_workers: int) -> list[Problem]:
    (slots_max, slots_used, senders_max, senders_used, own) = _rows(
        s,
        "SELECT current_setting('max_replication_slots')::int, (SELECT count(*) FROM pg_replication_slots), "
        "current_setting('max_wal_senders')::int, (SELECT count(*) FROM pg_stat_replication), "
        "EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = %s)",
        (name,),
    )[0]
    return _pg_room(
        (int(slots_max), int(slots_used)), (int(senders_max), int(senders_used)), bool(own), sync_workers
    )


def _my_problems(s: Any, target_server_id: int | None) -> list[Problem]:
    """Every prerequisite of a binlog replica the source lacks (it only reads): the binary log on, in ROW
    format, and a server id of its own (not 0, not the target's)."""
    problems: list[Problem] = []
    log_bin, binlog_format, server_id = _rows(s, "SELECT @@log_bin, @@binlog_format, @@server_id")[0]
    if not int(log_bin or 0):
        problems.append(
            (
                "源库未开启二进制日志（log_bin），无法建立副本",
                "the source's binary log is off (log_bin): no replica can follow it",
            )
        )
    if str(binlog_format).upper() != "ROW":
        problems.append(
            (
                f"源库 binlog_format 为 {binlog_format}，副本需要 ROW",
                f"the source's binlog_format is {binlog_format}; the replica needs ROW",
            )
        )
    if not int(server_id or 0):
        problems.append(
            (
                "源库 server_id 为 0，副本不能连接它",
                "the source's server_id is 0: no replica may connect to it",
            )
        )
    elif target_server_id is not None and int(server_id) == int(target_server_id):
        problems.append(
            (
                f"源库与目标库的 server_id 相同（{server_id}），每台服务器需要各自的 server_id",
                f"the source and the target share server_id {server_id}: each server needs its own",
            )
        )
    return problems


def _my_target(side: dict[str, Any] | None) -> tuple[int | None, str | None]:
    """The target's server id and version, where it answers (else both unknown: days before the night, a target
    not up yet; they are checked again at presync)."""
    if not side:
        return None, None
    try:
        with _my(side, db=False) as t:
            server_id, version = _rows(t, "SELECT @@server_id, VERSION()")[0]
            return int(server_id), str(version)
    except Exception:
        return None, None


def prereq(p: dict[str, Any]) -> dict[str, Any]:
    """Every replication prerequisite the source lacks, read only (preflight asks days before the night); any
    found fails the task with all of them."""
    src = p["source"]
    if p["engine"] in PG:
        target_version, workers = _pg_target(p.get("target"))
        with _pg(src) as s:
            problems = _pg_problems(s) + _pg_capacity(s, _slot(p), workers)
            source_version = str(_rows(s, "SELECT current_setting('server_version')")[0][0])
    else:
        target_id, target_version = _my_target(p.get("target"))
        with _my(src, db=False) as s:
            problems = _my_problems(s, target_id)
            source_version = str(_rows(s, "SELECT VERSION()")[0][0])
    problems += _versions(p["engine"], source_version, target_version)
    found = [{"zh": zh, "en": en} for zh, en in problems]
    if problems:
        raise Fail("；".join(zh for zh, _ in problems), "; ".join(en for _, en in problems), problems=found)
    return {"problems": found, "changed": False}


def _pg_prepare(p: dict[str, Any], timeout: float) -> dict[str, Any]:
    src, tgt, name = p["source"], p["target"], _slot(p)
    with _pg(src) as s:
        problems = _pg_problems(s)
        if problems:
            raise Fail(*problems[0])
        no_key = [
            (n, t)
            for n, t in _rows(
                s,
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid "
                "AND i.indisprimary)",
            )
        ]
        for n, t in no_key:  # without a key, UPDATE and DELETE cannot be replicated
            s.execute(f"ALTER TABLE {_q(n, t)} REPLICA IDENTITY FULL")
        if not _rows(s, "SELECT 1 FROM pg_publication WHERE pubname = %s", (name,)):
            s.execute(f'CREATE PUBLICATION "{name}" FOR ALL TABLES')
    with _pg(tgt) as t:
        subscribed = _rows(t, "SELECT 1 FROM pg_subscription WHERE subname = %s", (name,))
        if not subscribed:
            # a target made read-only by an earlier way back: its replication workers must write again (the
            # application stays read-only on it, by its role's setting below)
            t.execute(f"ALTER DATABASE {_q(tgt['dbname'])} RESET default_transaction_read_only")
            tables = _pg_tables(t)
            if not tables:  # logical replication copies no schema: the engine's own dump does
                dump = subprocess.run(
                    [
                        "pg_dump",
                        "--schema-only",
                        "--no-publications",
                        "--no-subscriptions",
                        *_pg_args(src),
                        "-d",
                        src["dbname"],
                    ],
                    capture_output=True,
                    env=_env(src, "pg"),
                    timeout=timeout,
                    check=False,
                )
                if dump.returncode:
                    raise Fail(
                        "导出表结构失败", "pg_dump --schema-only failed: " + dump.stderr.decode()[-400:]
                    )
                load = subprocess.run(
                    ["psql", "-v", "ON_ERROR_STOP=1", "-q", *_pg_args(tgt), "-d", tgt["dbname"]],
                    input=dump.stdout,
                    capture_output=True,
                    env=_env(tgt, "pg"),
                    timeout=timeout,
                    check=False,
                )
                if load.returncode:
                    raise Fail("导入表结构失败", "loading the schema failed: " + load.stderr.decode()[-400:])
            else:  # a replica left by an earlier, rolled-back attempt: never authoritative, so started afresh
                t.execute("TRUNCATE " + ", ".join(_q(n, x) for n, x in tables))
            conninfo = " ".join(
                f"{k}='{str(v).replace(chr(92), chr(92) * 2).replace(chr(39), chr(92) + chr(39))}'"
                for k, v in (
                    ("host", p.get("replica_host") or src["host"]),
                    ("port", src.get("port") or 5432),
                    ("dbname", src["dbname"]),
                    ("user", src["admin_user"]),
                    ("password", src["admin_password"]),
                    ("connect_timeout", 5),
                )
            )

            def subscribe() -> bool:
                # CREATE SUBSCRIPTION reaches the source at once (to make its slot): over a cut link it fails,
                # and is tried again until the deadline
                with _pg(src) as s:
                    if _rows(s, "SELECT 1 FROM pg_replication_slots WHERE slot_name = %s", (name,)):
                        s.execute("SELECT pg_drop_replication_slot(%s)", (name,))
                t.execute(
                    f"CREATE SUBSCRIPTION \"{name}\" CONNECTION '{conninfo.replace(chr(39), chr(39) * 2)}' "
                    f'PUBLICATION "{name}"'
                )
                return True

            _wait("创建订阅", "creating the subscription", timeout, subscribe, pause=0.5)
        # the application may not write on a replica: the role's setting, which the apply worker (running as
        # the subscription's owner) does not share
        t.execute(
            f"ALTER ROLE {_q(tgt['app_user'])} IN DATABASE {_q(tgt['dbname'])} "
            "SET default_transaction_read_only = on"
        )

    def ready() -> Any:
        with _pg(tgt) as t:
            states = _rows(
                t,
                "SELECT r.srsubstate FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid "
                "WHERE s.subname = %s",
                (name,),
            )
            return all(x[0] == "r" for x in states) and len(states) == len(_pg_tables(t))

    _wait("初始复制", "the initial copy", timeout, ready, pause=0.5)
    return {"replication": "logical", "no_primary_key": [f"{n}.{t}" for n, t in no_key]}


def _pg_quiesce(p: dict[str, Any]) -> dict[str, Any]:
    src = p["source"]
    with _pg(src) as s:
        s.execute(f"ALTER DATABASE {_q(src['dbname'])} SET default_transaction_read_only = on")
        ended = _rows(
            s,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            (src["dbname"],),
        )[0][0]
    _probe(lambda: _pg_probe(src))
    return {"sessions_ended": ended}


def _pg_probe(side: dict[str, Any]) -> None:
    with _pg(side, "app") as a:
        a.execute("CREATE TABLE govmig_quiesce_probe (i int)")
        a.execute("DROP TABLE govmig_quiesce_probe")


def _probe(write: Callable[[], Any]) -> None:
    """The probe write as the application: it must be refused, or the quiesce failed."""
    try:
        write()
    except Exception as exc:
        text = str(exc)
        if "read-only" in text or "read_only" in text or "--read-only" in text or "1290" in text:
            return
        raise Fail(
            "探测写入失败但原因不是只读", f"the probe write failed, but not as read-only: {text}"
        ) from exc
    raise Fail(
        "停写后探测写入仍然成功：不能做最终同步", "a probe write still succeeded after stopping writes"
    )


def _pg_catchup(p: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Waits until the subscriber has confirmed the source's last WAL position. A replica already being
    detached (its subscription disabled or gone on the target) was promoted by an earlier attempt of this step,
    which got here only after its own catch-up, on a source read-only since: its slot confirms nothing any more,
    so waiting would only time out after a crash between promotion and the step's end. The promotion is then
    finished (idempotently) and verification compares every table before any cutover."""
    src, tgt, name = p["source"], p["target"], _slot(p)
    with _pg(tgt) as t:
        live = _rows(t, "SELECT subenabled FROM pg_subscription WHERE subname = %s", (name,))
    if not live or not live[0][0]:
        return {"already_promoted": True, "catchup_seconds": 0.0}
    with _pg(src) as s:
        end = _rows(s, "SELECT pg_current_wal_lsn()::text")[0][0]

    def equal() -> Any:
        with _pg(src) as s:
            row = _rows(
                s,
                "SELECT confirmed_flush_lsn >= %s::pg_lsn, confirmed_flush_lsn::text FROM pg_replication_slots "
                "WHERE slot_name = %s",
                (end, name),
            )
            return bool(row and row[0][0])

    started = time.monotonic()
    _wait("副本追平", "the replica catching up", timeout, equal, pause=0.1)
    return {"source_position": end, "catchup_seconds": round(time.monotonic() - started, 3)}


def _pg_standby(p: dict[str, Any], timeout: float) -> dict[str, Any]:
    """After the quiesce, the standby that the cloud's operator keeps (a CloudNativePG replica cluster's
    designated primary streams from the source as `standby_user`) must hold the source's last WAL position
    before the window promotes it, or the writes acknowledged in between would be lost. Its flush position is
    what counts: a promoted standby replays all it has flushed before it takes writes, and the flush is
    reported at once (the replay only every `wal_receiver_status_interval`)."""
    src, user = p["source"], p.get("standby_user") or p["source"]["admin_user"]
    with _pg(src) as s:
        end = _rows(s, "SELECT pg_current_wal_lsn()::text")[0][0]
    seen = {}

    def flushed() -> Any:
        with _pg(src) as s:
            found = _rows(
                s,
                "SELECT application_name, state, coalesce(flush_lsn::text, ''), "
                "coalesce(flush_lsn >= %s::pg_lsn, false) FROM pg_stat_replication WHERE usename = %s",
                (end, user),
            )
        seen["standbys"] = [{"name": n, "state": st, "flushed": lsn} for n, st, lsn, _ in found]
        streaming = [ok for _, st, _, ok in found if st == "streaming"]
        return bool(streaming) and all(streaming)

    started = time.monotonic()
    try:
        _wait("云上副本追平", "the cloud's standby catching up", timeout, flushed, pause=0.1)
    except Fail as exc:
        raise Fail(
            f"云上副本（{user}）未追平源库 {end}，不能提升",
            f"the cloud's standby (streaming as {user}) has not flushed the source's {end}: no promotion; {exc}",
            source_position=end,
            **seen,
        ) from exc
    return {"source_position": end, "catchup_seconds": round(time.monotonic() - started, 3), **seen}


def _pg_sequences(src: dict[str, Any], tgt: dict[str, Any]) -> dict[str, Any]:
    """Logical replication carries no sequence positions: each is set past its table's largest value (and at
    least where the source had it), or the application's first insert on the target would fail."""
    moved = {}
    with _pg(src) as s, _pg(tgt) as t:
        for schema, seq, last in _rows(
            s, "SELECT schemaname, sequencename, coalesce(last_value, 0) FROM pg_sequences"
        ):
            owned = _rows(
                t,
                "SELECT a.attname, tn.nspname, tc.relname FROM pg_depend d "
                "JOIN pg_class sc ON sc.oid = d.objid JOIN pg_namespace sn ON sn.oid = sc.relnamespace "
                "JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace "
                "JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = d.refobjsubid "
                "WHERE sc.relkind = 'S' AND sn.nspname = %s AND sc.relname = %s AND d.deptype IN ('a', 'i')",
                (schema, seq),
            )
            top = last
            for col, tschema, table in owned:
                top = max(
                    top, _rows(t, f"SELECT coalesce(max({_q(col)}), 0) FROM {_q(tschema, table)}")[0][0]
                )
            t.execute("SELECT setval(%s, %s, true)", (_q(schema, seq), max(1, top)))
            moved[f"{schema}.{seq}"] = max(1, top)
    return moved


def _pg_detach(p: dict[str, Any], abandon: bool = False) -> None:
    """Drops the subscription on the target, then the slot and the publication on the source. `abandon` (a
    rollback before cutover): a target that cannot be reached (its disk full, its server down) is given up
    and its walsender ended, so the source never keeps a slot that holds its WAL for ever."""
    src, tgt, name = p["source"], p["target"], _slot(p)
    try:
        with _pg(tgt) as t:
            if _rows(t, "SELECT 1 FROM pg_subscription WHERE subname = %s", (name,)):
                t.execute(f'ALTER SUBSCRIPTION "{name}" DISABLE')
                t.execute(f'ALTER SUBSCRIPTION "{name}" SET (slot_name = NONE)')
                t.execute(f'DROP SUBSCRIPTION "{name}"')
    except Exception:
        if not abandon:
            raise

    def dropped() -> Any:
        # the walsender lets go of the slot shortly after the subscriber disconnects; a slot left behind would
        # hold the source's WAL for ever, so this waits (bounded) and fails rather than leave it
        with _pg(src) as s:
            row = _rows(
                s, "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = %s", (name,)
            )
            if row and row[0][0] and abandon:
                s.execute("SELECT pg_terminate_backend(%s)", (row[0][1],))
            if row and not row[0][0]:
                s.execute("SELECT pg_drop_replication_slot(%s)", (name,))
            return not row or not row[0][0]

    _wait("删除复制槽", "dropping the replication slot", 30, dropped, pause=0.1)
    with _pg(src) as s:
        s.execute(f'DROP PUBLICATION IF EXISTS "{name}"')


def _pg_figures(side: dict[str, Any]) -> dict[str, Any]:
    out = {}
    with _pg(side) as c:
        for schema, table in _pg_tables(c):
            if table.startswith("govmig_"):
                continue
            count, digest = _rows(
                c,
                f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') FROM "
                f"(SELECT md5(x::text) AS h FROM {_q(schema, table)} x) d",
            )[0]
            out[f"{schema}.{table}"] = {"rows": int(count), "checksum": digest}
    return out


def _pg_reverse(p: dict[str, Any]) -> None:
    """After cutover the target holds acknowledged writes: it stops taking them, and its whole content goes
    back to the source in one transaction (the source stayed read-only since the final sync, so nothing there
    is newer)."""
    src, tgt = p["source"], p["target"]
    with _pg(tgt) as t:
        t.execute(f"ALTER DATABASE {_q(tgt['dbname'])} SET default_transaction_read_only = on")
        t.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            (tgt["dbname"],),
        )
    _probe(lambda: _pg_probe(tgt))
    with _pg(tgt) as t, _pg(src, autocommit=False) as s:
        tables = [x for x in _pg_tables(t) if not x[1].startswith("govmig_")]
        s.execute("SET session_replication_role = replica")  # no triggers or FK checks while reloading
        s.execute("TRUNCATE " + ", ".join(_q(n, x) for n, x in tables))
        for n, x in tables:
            reading = t.cursor().copy(f"COPY {_q(n, x)} TO STDOUT")
            with reading as out, s.cursor().copy(f"COPY {_q(n, x)} FROM STDIN") as into:
                for chunk in out:
                    into.write(chunk)
        s.commit()
    _pg_sequences(tgt, src)


def _pg_open(side: dict[str, Any]) -> None:
    with _pg(side) as c:
        c.execute(
            f"ALTER ROLE {_q(side['app_user'])} IN DATABASE {_q(side['dbname'])} "
            "RESET default_transaction_read_only"
        )
        c.execute(f"ALTER DATABASE {_q(side['dbname'])} RESET default_transaction_read_only")


def _pg_release(side: dict[str, Any]) -> None:
    with _pg(side) as c:
        c.execute(f"ALTER DATABASE {_q(side['dbname'])} RESET default_transaction_read_only")


# --- MySQL and MariaDB --------------------------------------------------------------------------------------


def _bq(name: str) -> str:
    """A MySQL identifier, quoted."""
    return "`" + str(name).replace("`", "``") + "`"


def _my_status(conn: Any) -> dict[str, Any] | None:
    with conn.cursor() as cur:
        cur.execute("SHOW SLAVE STATUS")
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None


def _my_prepare(p: dict[str, Any], timeout: float) -> dict[str, Any]:
    src, tgt = p["source"], p["target"]
    if src["dbname"] != tgt["dbname"]:
        raise Fail("源库和目标库名称不同", "source and target database names differ")
    try:  # over a cut link the replica below is tried again until the deadline: the check goes with it
        with _my(src, db=False) as s:
            problems = _my_problems(s, _my_target(tgt)[0])
    except Exception:
        problems = []
    if problems:
        raise Fail(*problems[0])

    def replicate() -> Any:
        with _my(tgt, db=False) as t:
            status = _my_status(t)
            if status is not None and status.get("Slave_SQL_Running") == "Yes":
                return True
            if status is not None:
                _rows(t, "STOP SLAVE")
                _rows(t, "RESET SLAVE ALL")
            # a replica left by an earlier, rolled-back attempt is never authoritative: started afresh
            _rows(t, f"DROP DATABASE IF EXISTS {_bq(tgt['dbname'])}")
            dump = subprocess.run(
                [
                    "mariadb-dump",
                    *_my_args(src),
                    "--single-transaction",
                    "--master-data=2",
                    "--gtid",
                    "--routines",
                    "--triggers",
                    "--events",
                    "--databases",
                    src["dbname"],
                ],
                capture_output=True,
                env=_env(src, "my"),
                timeout=timeout,
                check=False,
            )
            if dump.returncode:  # over a cut link: tried again until the deadline
                raise RuntimeError("mariadb-dump --single-transaction failed: " + dump.stderr.decode()[-400:])
            head = dump.stdout[:20000].decode("utf-8", "replace")
            gtid = re.search(r"gtid_slave_pos\s*=\s*'([^']*)'", head)
            file_pos = re.search(r"MASTER_LOG_FILE='([^']+)',\s*MASTER_LOG_POS=(\d+)", head)
            load = subprocess.run(
                ["mariadb", *_my_args(tgt)],
                input=dump.stdout,
                capture_output=True,
                env=_env(tgt, "my"),
                timeout=timeout,
                check=False,
            )
            if load.returncode:
                raise Fail("导入一致性导出失败", "loading the dump failed: " + load.stderr.decode()[-400:])
            host = p.get("replica_host") or src["host"]
            change = (
                "CHANGE MASTER TO MASTER_HOST=%s, MASTER_PORT=%s, MASTER_USER=%s, MASTER_PASSWORD=%s, "
                "MASTER_CONNECT_RETRY=1"
            )
            args = [host, int(src.get("port") or 3306), src["admin_user"], src["admin_password"]]
            if gtid is not None:  # the dump's exact position, as a GTID where both sides have one
                _rows(t, "SET GLOBAL gtid_slave_pos = %s", (gtid.group(1),))
                change += ", MASTER_USE_GTID=slave_pos"
            elif file_pos is not None:
                change += ", MASTER_LOG_FILE=%s, MASTER_LOG_POS=%s"
                args += [file_pos.group(1), int(file_pos.group(2))]
            else:
                raise Fail(
                    "导出中没有二进制日志位置（源库需开启 log_bin）",
                    "the dump carries no binlog position: the source needs log_bin",
                )
            _rows(t, change, args)
            _rows(t, "SET GLOBAL read_only = ON")  # the application may not write on a replica
            _rows(t, "START SLAVE")
            return True

    _wait("建立副本", "setting up the replica", timeout, replicate, pause=0.5)

    def running() -> Any:
        with _my(tgt, db=False) as t:
            st = _my_status(t) or {}
            if st.get("Last_SQL_Error"):
                raise Fail("副本应用出错", "the replica stopped on an error: " + str(st["Last_SQL_Error"]))
            return st.get("Slave_SQL_Running") == "Yes" and st.get("Seconds_Behind_Master") == 0

    _wait("副本追平", "the replica catching up", timeout, running, pause=0.5)
    return {"replication": "binlog+gtid"}


def _my_quiesce(p: dict[str, Any]) -> dict[str, Any]:
    with _my(p["source"], db=False) as s:
        _rows(s, "SET GLOBAL read_only = ON")
    _probe(lambda: _my_probe(p["source"]))
    return {}


def _my_probe(side: dict[str, Any]) -> None:
    with _my(side, "app") as a:
        _rows(a, "CREATE TABLE govmig_quiesce_probe (i int)")
        _rows(a, "DROP TABLE govmig_quiesce_probe")


def _my_catchup(p: dict[str, Any], timeout: float) -> dict[str, Any]:
    with _my(p["source"], db=False) as s:
        pos = _rows(s, "SELECT @@gtid_binlog_pos")[0][0]
    started = time.monotonic()

    def equal() -> Any:
        with _my(p["target"], db=False) as t:
            return _rows(t, "SELECT MASTER_GTID_WAIT(%s, 1)", (pos,))[0][0] == 0

    _wait("副本追平", "the replica catching up", timeout, equal, pause=0.05)
    return {"source_position": pos, "catchup_seconds": round(time.monotonic() - started, 3)}


def _my_detach(p: dict[str, Any]) -> None:
    with _my(p["target"], db=False) as t:
        if _my_status(t) is not None:
            _rows(t, "STOP SLAVE")
            _rows(t, "RESET SLAVE ALL")


def _my_figures(side: dict[str, Any]) -> dict[str, Any]:
    out = {}
    with _my(side) as c:
        for table, _kind in _rows(c, "SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'"):
            if table.startswith("govmig_"):
                continue
            count = _rows(c, f"SELECT count(*) FROM {_bq(table)}")[0][0]
            checksum = _rows(c, f"CHECKSUM TABLE {_bq(table)} EXTENDED")[0][1]
            out[table] = {"rows": int(count), "checksum": str(checksum)}
    return out


def _my_reverse(p: dict[str, Any]) -> None:
    src, tgt = p["source"], p["target"]
    with _my(tgt, db=False) as t:
        _rows(t, "SET GLOBAL read_only = ON")
    _probe(lambda: _my_probe(tgt))
    dump = subprocess.run(
        [
            "mariadb-dump",
            *_my_args(tgt),
            "--single-transaction",
            "--routines",
            "--triggers",
            "--events",
            tgt["dbname"],
        ],
        capture_output=True,
        env=_env(tgt, "my"),
        timeout=600,
        check=False,
    )
    if dump.returncode:
        raise Fail("导出目标库失败", "dumping the target failed: " + dump.stderr.decode()[-400:])
    load = subprocess.run(  # the administrator may write on the read-only source; the application may not
        ["mariadb", *_my_args(src), src["dbname"]],
        input=dump.stdout,
        capture_output=True,
        env=_env(src, "my"),
        timeout=600,
        check=False,
    )
    if load.returncode:
        raise Fail(
            "写回源库失败", "loading the target's data into the source failed: " + load.stderr.decode()[-400:]
        )


def _my_release(side: dict[str, Any]) -> None:
    with _my(side, db=False) as c:
        _rows(c, "SET GLOBAL read_only = OFF")


# --- operations ---------------------------------------------------------------------------------------------


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(p: dict[str, Any]) -> dict[str, Any]:
    src, path = p["source"], p["backup_file"]
    if os.path.exists(path) and os.path.exists(path + ".sha256"):
        return {"backup": path, "sha256": open(path + ".sha256").read().split()[0], "changed": False}
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    part = path + ".part"
    if p["engine"] in PG:
        cmd = ["pg_dump", "-Fc", "-f", part, *_pg_args(src), "-d", src["dbname"]]
        env = _env(src, "pg")
    else:
        cmd = [
            "mariadb-dump",
            *_my_args(src),
            "--single-transaction",
            "--routines",
            "--triggers",
            "--events",
            f"--result-file={part}",
            "--databases",
            src["dbname"],
        ]
        env = _env(src, "my")
    done = subprocess.run(cmd, capture_output=True, env=env, timeout=p["timeout"], check=False)
    if done.returncode:
        raise Fail("数据库备份失败", "the engine's dump failed: " + done.stderr.decode()[-400:])
    digest = _sha256(part)
    os.replace(part, path)  # the dump appears whole or not at all
    with open(path + ".sha256", "w") as f:
        f.write(f"{digest}  {os.path.basename(path)}\n")
    return {"backup": path, "sha256": digest, "changed": True}


def verify(p: dict[str, Any]) -> dict[str, Any]:
    figures = _pg_figures if p["engine"] in PG else _my_figures
    source, target = figures(p["source"]), figures(p["target"])
    differ = sorted(t for t in set(source) | set(target) if source.get(t) != target.get(t))
    result = {
        "tables": len(source),
        "rows": sum(v["rows"] for v in source.values()),
        "differ": differ,
        "source": source,
        "target": target,
    }
    if differ:
        raise Fail(
            f"校验不一致，拒绝切换：{', '.join(differ[:5])}",
            f"source and target differ, cutover refused: {', '.join(differ[:5])}",
            **result,
        )
    return result


def run(p: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0912 (a dispatcher: one branch per operation)
    op, engine, timeout = p["op"], p["engine"], p["timeout"]
    pg = engine in PG
    if engine not in PG + MY:
        raise Fail(f"本模块不迁移 {engine}", f"this module does not move {engine}")
    if op == "backup":
        return backup(p)
    if op == "prereq":
        return prereq(p)
    if op == "prepare":
        return _pg_prepare(p, timeout) if pg else _my_prepare(p, timeout)
    if op == "quiesce":
        return _pg_quiesce(p) if pg else _my_quiesce(p)
    if op == "catchup":
        return _pg_catchup(p, timeout) if pg else _my_catchup(p, timeout)
    if op == "promote":
        moved: dict[str, Any] = _pg_sequences(p["source"], p["target"]) if pg else {}
        (_pg_detach if pg else _my_detach)(p)
        return {"sequences": moved}
    if op == "standby":
        if not pg:
            raise Fail("只有 PostgreSQL 有流复制备库", "only PostgreSQL keeps a streaming standby")
        return _pg_standby(p, timeout)
    if op == "verify":
        return verify(p)
    if op == "open":
        (_pg_open if pg else _my_release)(p["target"])
        return {}
    if op == "reverse":
        (_pg_reverse if pg else _my_reverse)(p)
        result = verify(p)
        (_pg_release if pg else _my_release)(p["source"])
        return result
    if op in ("release", "unquiesce"):
        (_pg_release if pg else _my_release)(p["source"])
        if op == "unquiesce":  # a database a cloud operator brought in: only the source is govmig's to undo
            return {}
        if pg:
            _pg_detach(p, abandon=True)
            return {}
        try:  # the source holds nothing for a binlog replica: a target out of reach is simply left
            with _my(p["target"], db=False) as t:
                if _my_status(t) is not None:
                    _rows(t, "STOP SLAVE")
                    _rows(t, "RESET SLAVE ALL")
        except Exception as exc:
            return {"target_left": str(exc)[:200]}
        return {}
    raise Fail(f"未知操作 {op}", f"unknown op {op}")


def check(p: dict[str, Any]) -> dict[str, Any]:
    """Check mode: reach the source and say what it would do; the target may not exist yet."""
    said = []
    try:
        (_pg if p["engine"] in PG else _my)(p["source"]).close()
        said.append("source reachable / 源库可连接")
    except Exception as exc:
        raise Fail("连不上源库", f"cannot reach the source database: {exc}") from exc
    try:
        (_pg if p["engine"] in PG else _my)(p["target"]).close()
        said.append("target reachable / 目标库可连接")
    except Exception:
        said.append("not checked: the target database does not answer yet / 未检查：目标库尚未就绪")
    return {"checked": said}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "op": {"type": "str", "required": True},
            "engine": {"type": "str", "required": True},
            "name": {"type": "str", "required": True},
            "source": {"type": "dict", "required": True, "no_log": False},
            "target": {"type": "dict", "no_log": False},
            "passwords": {"type": "dict", "no_log": True, "default": {}},
            "replica_host": {"type": "str"},
            "standby_user": {"type": "str"},
            "backup_file": {"type": "path"},
            "timeout": {"type": "float", "default": 600},
        },
        supports_check_mode=True,
    )
    p = dict(module.params)
    pw = p.pop("passwords") or {}
    for where in ("source", "target"):
        if p.get(where):
            given = {k[len(where) + 1 :]: v for k, v in pw.items() if k.startswith(where + "_")}
            p[where] = {**p[where], **{f"{user}_password": v for user, v in given.items()}}
    started = time.monotonic()
    try:
        if module.check_mode:
            module.exit_json(changed=False, govmig_figures={"op": "check", "of": p["op"], **check(p)})
        figures = run(p)
        changed = bool(figures.pop("changed", p["op"] not in ("verify", "standby")))
        figures.update(
            op=p["op"], engine=p["engine"], database=p["name"], seconds=round(time.monotonic() - started, 3)
        )
        module.exit_json(changed=changed, govmig_figures=figures)
    except Fail as exc:
        module.fail_json(msg=str(exc), govmig_figures={"op": p["op"], "database": p["name"], **exc.figures})
    except Exception as exc:
        module.fail_json(msg=f"{p['op']} {p['name']}: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
