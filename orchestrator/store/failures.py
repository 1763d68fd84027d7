"""The store's failures said plainly: a locked database, a full disk, a corrupt file, an unreachable server.

The CLI and the web turn any of these into a bilingual message (exit 1, HTTP 503) instead of a traceback. Every
store operation is one transaction, so whatever failed left the state as it was before: `resume` continues.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .fences import Fenced
from .patience import StoreGone

StoreFailure = SQLAlchemyError
"""What a failing store raises, for adapters that answer it (the web's 503) without importing SQLAlchemy."""

KINDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("database is locked", "database table is locked", "lock timeout", "deadlock"),
        "状态库被其他进程锁定，请稍后重试",
        "the store is locked by another process; try again shortly",
    ),
    (
        ("database or disk is full", "disk full", "no space left", "could not extend file"),
        "状态库所在磁盘已满：请释放空间后用 govmig resume 继续",
        "the store's disk is full: free space, then continue with govmig resume",
    ),
    (
        ("file is not a database", "malformed", "corrupt", "disk i/o error"),
        "状态库文件损坏：请从备份恢复后再运行",
        "the store is corrupt: restore it from a backup before running",
    ),
    (
        ("readonly database", "read-only", "permission denied", "unable to open database file"),
        "无法写入状态库（只读或无权限）",
        "the store cannot be written (read-only or no permission)",
    ),
    (
        ("could not connect", "connection refused", "server closed the connection", "timeout expired"),
        "无法连接状态库服务器",
        "cannot reach the store's database server",
    ),
)


def describe_failure(exc: BaseException, detail: bool = True) -> tuple[str, str] | None:
    """(zh, en) for a failure of the store itself, or None for anything else (which is then a bug to report).
    With `detail` the driver's first line follows (for the operator's console); without it (the web's answer)
    only the kind is said: a driver's words may name a socket's or a file's path on the server. A run fenced
    by a takeover, or paused by a store gone past its bound, says its own words."""
    if isinstance(exc, (Fenced, StoreGone)):
        return exc.zh, exc.en
    if not isinstance(exc, SQLAlchemyError):
        return None
    message = str(getattr(exc, "orig", None) or exc).lower()
    for needles, zh, en in KINDS:
        if any(n in message for n in needles):
            if not detail:
                return zh, en
            return f"{zh}（{message.splitlines()[0][:160]}）", f"{en} ({message.splitlines()[0][:160]})"
    if isinstance(exc, DBAPIError):
        if not detail:
            return "状态库出错", "the store failed"
        first = message.splitlines()[0][:200] if message else type(exc).__name__
        return f"状态库出错：{first}", f"the store failed: {first}"
    return None


def integrity_problem(engine: Engine) -> str | None:
    """SQLite's own quick check of every page and index (PRAGMA quick_check): what it found, or None when sound.

    Run before a wave starts or resumes, so a damaged store is said at once instead of half-way through."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        rows = [str(r[0]) for r in conn.execute(text("PRAGMA quick_check")).fetchmany(5)]
    return None if rows == ["ok"] else "; ".join(rows)[:400]
