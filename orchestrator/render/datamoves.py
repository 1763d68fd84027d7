"""How each of a system's databases moves: by the engine's own replication where govmig drives it, else at a
checkpoint the operator confirms, with the engine's own tools named in the runbook.

PostgreSQL and Kingbase (人大金仓, PostgreSQL-compatible: its wire protocol, publications and subscriptions)
take logical replication; MySQL and MariaDB a consistent dump at its binlog position and a replica from there.
Oracle, Dameng and the rest cannot run on this machine and have no path govmig drives: their move is a
checkpoint. A classified system's data may not be pulled across into the isolated internal network: it moves
by an offline transfer (a checkpoint) unless the site declares an approved link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..plan import REPLICATED_ENGINES, DatabaseEngine

REPLICATED = {
    str(e): "logical" if e in (DatabaseEngine.postgresql, DatabaseEngine.kingbase) else "binlog"
    for e in REPLICATED_ENGINES
}
"""The replication each warm engine takes (the planning side's REPLICATED_ENGINES, from the plan's vocabulary)."""
PORTS = {
    "postgresql": 5432,
    "kingbase": 54321,
    "mysql": 3306,
    "mariadb": 3306,
    "oracle": 1521,
    "dameng": 5236,
}
TOOLS: dict[str, tuple[str, str]] = {
    "oracle": (
        "Oracle Data Pump（expdp/impdp），增量用 GoldenGate 或 DBMS_REDEFINITION",
        "Oracle Data Pump (expdp/impdp); the delta with GoldenGate",
    ),
    "dameng": (
        "达梦 dexp/dimp（逻辑导出导入），增量用 DMHS 数据同步",
        "Dameng dexp/dimp (logical export and import); the delta with DMHS",
    ),
    "sqlserver": (
        "SQL Server 备份还原（BACKUP/RESTORE WITH NORECOVERY）或日志传送",
        "SQL Server BACKUP/RESTORE WITH NORECOVERY, or log shipping",
    ),
    "db2": (
        "Db2 db2move / BACKUP 与 RESTORE，增量用 HADR",
        "Db2 db2move or BACKUP/RESTORE; the delta with HADR",
    ),
    "mongodb": (
        "mongodump/mongorestore，增量用副本集同步",
        "mongodump/mongorestore; the delta with a replica set",
    ),
    "other": ("该引擎自带的导出导入工具", "the engine's own export and import tools"),
}
OFFLINE = (
    "离线传输：源端导出并生成 SHA-256 校验值，经批准的介质摆渡，内网侧导入并核对校验值",
    "offline transfer: export with SHA-256 checksums on the source side, carried on approved media, imported "
    "and verified on the internal side",
)


@dataclass(frozen=True)
class DataMove:
    name: str  # the database's name on both sides
    engine: str
    how: str  # logical | binlog | checkpoint | offline
    port: int | None
    runbook: tuple[str, str] | None  # what the operator does at the checkpoint (zh, en)

    @property
    def driven(self) -> bool:
        return self.how in ("logical", "binlog")


def database_name(system: str, n: int) -> str:
    """`trade-stats` → `trade_stats` (a name every engine takes unquoted); the second database `trade_stats_1`."""
    base = re.sub(r"[^a-z0-9_]", "_", system.lower()).strip("_")[:56] or "db"
    return base if n == 0 else f"{base}_{n}"


def data_moves(system: str, engines: list[str], classified: bool, approved_link: bool) -> list[DataMove]:
    moves = []
    for n, engine in enumerate(engines):
        how = REPLICATED.get(engine, "checkpoint")
        runbook = TOOLS.get(engine, TOOLS["other"]) if how == "checkpoint" else None
        if classified and not approved_link:
            how, runbook = "offline", OFFLINE
        moves.append(DataMove(database_name(system, n), engine, how, PORTS.get(engine), runbook))
    return moves
