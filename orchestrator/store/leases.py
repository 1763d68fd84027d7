"""Leases: one runner per wave, across processes and machines, on SQLite and PostgreSQL alike.

A lease is a row keyed by the wave's record name. Taking it is an INSERT (the primary key lets exactly one
writer win); taking over a dead holder's lease is an UPDATE that names the holder it replaces (compare and
swap), so two processes that both find it stale cannot both take it. Either raises the record's fencing token
in the same transaction (store/fences.py): the holder's writes name it, and a holder taken over is refused. Who is stale is the caller's policy
(execute/loop/lease.py): this module only keeps the rows honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from . import audit_chain, fences
from .clock import Clock, aware, utcnow
from .schema import FenceToken, WaveLease


@dataclass(frozen=True)
class Holder:
    wave: str
    owner: str
    actor: str
    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime
    token: int = 0
    """The record's fencing token this holder took it with (store/fences.py)."""
    stale_after: float | None = None
    """The quiet seconds after which the holder asks to be taken over (shorter while its wave is in its window)."""

    def fence(self) -> fences.Fence:
        return fences.Fence(self.wave, self.token)


def _audit(conn: Connection, at: datetime, actor: str, action: str, wave: str, detail: str) -> None:
    audit_chain.append(conn, at, actor, action, wave, "ok", detail)


class Leases:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine, self.clock = engine, clock

    def claim(self, wave: str, owner: str, actor: str, host: str, pid: int) -> Holder | None:
        """Takes a free lease: None when taken, else whoever holds it."""
        for _ in range(3):  # a holder that releases between our insert and our look retries, boundedly
            now = self.clock()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(WaveLease).values(
                            wave=wave,
                            owner=owner,
                            actor=actor,
                            host=host,
                            pid=pid,
                            acquired_at=now,
                            heartbeat_at=now,
                        )
                    )
                    token = fences.bump(conn, wave, owner)
                    _audit(conn, now, actor, "lease.take", wave, f"{host} pid {pid}, token {token}")
                return None
            except IntegrityError:
                held = self.holder(wave)
                if held is not None:
                    return held
        raise RuntimeError(f"lease {wave} keeps changing hands")

    def take_over(self, wave: str, owner: str, actor: str, host: str, pid: int, previous: Holder) -> bool:
        """Replaces `previous` (found dead or stale) as the holder, if nobody else did first."""
        now = self.clock()
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(WaveLease)
                .where(WaveLease.wave == wave, WaveLease.owner == previous.owner)
                .values(owner=owner, actor=actor, host=host, pid=pid, acquired_at=now, heartbeat_at=now)
            ).rowcount
            if changed:
                token = fences.bump(conn, wave, owner)
                _audit(
                    conn,
                    now,
                    actor,
                    "lease.takeover",
                    wave,
                    f"from {previous.actor}@{previous.host} pid {previous.pid}, "
                    f"last heartbeat {previous.heartbeat_at.isoformat()}, token {token}",
                )
        return bool(changed)

    def beat(self, wave: str, owner: str, stale_after: float | None = None) -> bool:
        """The holder is alive (and, with `stale_after`, asks to be taken over after that many quiet seconds);
        False when the lease is no longer this owner's (taken over: stop at once)."""
        with self.engine.begin() as conn:
            alive = bool(
                conn.execute(
                    update(WaveLease)
                    .where(WaveLease.wave == wave, WaveLease.owner == owner)
                    .values(heartbeat_at=self.clock())
                ).rowcount
            )
            if alive and stale_after is not None:
                conn.execute(
                    update(FenceToken)
                    .where(FenceToken.record == wave, FenceToken.owner == owner)
                    .values(stale_after=stale_after)
                )
            return alive

    def release(self, wave: str, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(WaveLease).where(WaveLease.wave == wave, WaveLease.owner == owner))
            conn.execute(
                update(FenceToken)
                .where(FenceToken.record == wave, FenceToken.owner == owner)
                .values(stale_after=None)
            )

    def holder(self, wave: str) -> Holder | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(
                    select(WaveLease, FenceToken.token, FenceToken.stale_after)
                    .outerjoin(FenceToken, FenceToken.record == WaveLease.wave)
                    .where(WaveLease.wave == wave)
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return Holder(
            row["wave"],
            row["owner"],
            row["actor"],
            row["host"],
            row["pid"],
            aware(row["acquired_at"]),
            aware(row["heartbeat_at"]),
            int(row["token"] or 0),
            row["stale_after"],
        )
