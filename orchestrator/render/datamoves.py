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

from ..plan import engine_profile

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
        p = engine_profile(engine)
        how = p.moved_by
        runbook = p.checkpoint if how == "checkpoint" else None
        if classified and not approved_link:
            how, runbook = "offline", OFFLINE
        moves.append(DataMove(database_name(system, n), engine, how, p.port, runbook))
    return moves
