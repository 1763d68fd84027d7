"""Reading, verifying and pruning the audit log (the auditor's work: GB/T 22239 8.1.4.3 安全审计; 网络安全法
第二十一条: kept at least six months).

`verify` walks the chain oldest first and names the first entry that does not fit: changed, a MAC made without
the site's key, a gap (entries deleted), a second entry of one number (inserted), entries cut from the end, or an
entry written outside govmig (no place in the chain). `prune` removes only entries older than the retention period,
and leaves an anchor entry (action `audit.prune`) recording the last removed entry's MAC, from which `verify`
starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, text
from sqlalchemy.orm import sessionmaker

from . import audit_chain
from .clock import Clock, utcnow
from .engine import POSTGRES_GUARDS, SQLITE_GUARDS
from .keys import SiteKeys
from .schema import Audit, AuditHead

RETENTION_DAYS = 180
"""The default and the least: 网络安全法 第二十一条 asks for network logs kept no less than six months."""
PRUNE = "audit.prune"
PAGE = 1000
"""The most entries one read of the log returns (the API and the page are paged by `after`)."""


class AuditRefused(Exception):
    """A prune the retention rule (`retention`: the caller asked too much) or a broken chain (`broken`) forbids;
    carries the reason in Chinese and English."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.reason, self.zh, self.en = reason, zh, en


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not fit the chain: its number (None when it has none) and row id."""

    seq: int | None
    id: int | None
    reason: str  # changed | missing | inserted | unchained | truncated
    zh: str
    en: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "id": self.id, "reason": self.reason, "zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first: int | None
    last: int | None
    broken: ChainBreak | None

    @property
    def whole(self) -> bool:
        return self.broken is None

    def as_json(self) -> dict[str, Any]:
        return {
            "whole": self.whole,
            "entries": self.entries,
            "first": self.first,
            "last": self.last,
            "broken": self.broken.as_json() if self.broken else None,
        }


@dataclass(frozen=True)
class Pruned:
    entries: int
    through: int | None
    """The last removed entry's number (the anchor names it), None when nothing was old enough."""


def entry_json(a: Audit) -> dict[str, Any]:
    return {
        "seq": a.seq,
        "at": audit_chain.utc(a.at).isoformat(),
        "actor": a.actor,
        "action": a.action,
        "target": a.target,
        "result": a.result,
        "detail": a.detail,
        "mac": a.mac,
    }


class AuditLog:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.session = sessionmaker(engine, expire_on_commit=False)

    # reading ----------------------------------------------------------------------------------------------
    def entries(self, since: datetime | None = None, after: int = 0, limit: int = PAGE) -> list[Audit]:
        """Chained entries, oldest first: from `since`, past the entry numbered `after`, at most `limit`."""
        query = select(Audit).where(Audit.seq > after).order_by(Audit.seq).limit(max(1, min(limit, PAGE)))
        if since is not None:
            query = query.where(Audit.at >= audit_chain.utc(since))
        with self.session() as s:
            return list(s.scalars(query))

    def export(self, since: datetime | None = None) -> Iterator[Audit]:
        """Every chained entry from `since`, oldest first, read page by page (memory stays bounded)."""
        after = 0
        while True:
            page = self.entries(since, after)
            yield from page
            if len(page) < PAGE:
                return
            after = int(page[-1].seq or 0)

    # verifying --------------------------------------------------------------------------------------------
    def verify(self) -> ChainReport:
        keys = audit_chain.keys_for(self.engine)
        with self.engine.connect() as conn:
            head = conn.execute(select(AuditHead.seq, AuditHead.mac).where(AuditHead.id == 1)).first()
            head_seq, head_mac = (int(head.seq), str(head.mac)) if head is not None else (0, "")
            stray = conn.execute(
                select(Audit.id).where(Audit.seq.is_(None) | Audit.mac.is_(None)).order_by(Audit.id).limit(1)
            ).scalar()
            report = self._walk_chain(conn, keys, head_seq, head_mac)
        if stray is None:
            return report
        # a row written around govmig: the first break is whichever comes first in the log, that row or a break
        # in the chain before it (a row added at the end must not hide an entry changed earlier)
        if report.broken is not None and report.broken.id is not None and report.broken.id < stray:
            return report
        return ChainReport(report.entries, report.first, report.last, _unchained(stray))

    def _walk_chain(self, conn: Connection, keys: SiteKeys, head_seq: int, head_mac: str) -> ChainReport:
        first = conn.execute(select(func.min(Audit.seq))).scalar()
        if first is None:
            broken = _truncated(0, head_seq) if head_seq > 0 else None
            return ChainReport(0, None, None, broken)
        prev = "" if first == 1 else _anchor(conn, int(first) - 1)
        if prev is None:
            row = conn.execute(select(Audit.id).where(Audit.seq == first)).scalar()
            return ChainReport(0, first, None, _unanchored(int(first), row))
        return _walk(conn, audit_chain.Checker(keys), int(first), prev, head_seq, head_mac)

    # pruning ----------------------------------------------------------------------------------------------
    def prune(self, before: datetime, actor: str, retention_days: int = RETENTION_DAYS) -> Pruned:
        """Removes the entries older than `before`, which must itself lie past the retention period, and
        records an anchor entry so the rest still verifies. Refused on a broken chain (that is evidence)."""
        before = audit_chain.utc(before)
        oldest_allowed = self.clock() - timedelta(days=retention_days)
        if before > oldest_allowed:
            raise AuditRefused(
                "retention",
                f"审计记录至少保留 {retention_days} 天（网络安全法 第二十一条）：只能清理 "
                f"{oldest_allowed.date().isoformat()} 之前的记录",
                f"audit entries are kept at least {retention_days} days (Cybersecurity Law art. 21): only "
                f"entries before {oldest_allowed.date().isoformat()} can be pruned",
            )
        report = self.verify()
        if report.broken is not None:
            raise AuditRefused(
                "broken",
                f"审计链不完整，不能清理（{report.broken.zh}）",
                f"the audit chain is broken, nothing is pruned ({report.broken.en})",
            )
        with self.session.begin() as s:
            conn = s.connection()
            audit_chain.take_turn(conn)
            first = conn.execute(select(func.min(Audit.seq))).scalar()
            young = conn.execute(select(func.min(Audit.seq)).where(Audit.at >= before)).scalar()
            through = (
                (int(young) - 1) if young is not None else conn.execute(select(func.max(Audit.seq))).scalar()
            )
            if first is None or through is None or through < first:
                return Pruned(0, None)
            last_mac = conn.execute(select(Audit.mac).where(Audit.seq == through)).scalar()
            audit_chain.unguard(conn)
            removed = conn.execute(delete(Audit).where(Audit.seq <= through)).rowcount
            for statement in POSTGRES_GUARDS if conn.dialect.name == "postgresql" else SQLITE_GUARDS:
                conn.execute(text(statement))
            anchor = {"through": through, "mac": last_mac, "before": before.isoformat(), "entries": removed}
            s.add(
                Audit(
                    at=self.clock(),
                    actor=actor,
                    action=PRUNE,
                    target=f"audit/{first}-{through}",
                    result="ok",
                    detail=json.dumps(anchor, sort_keys=True),
                )
            )
        return Pruned(int(removed), int(through))


def _anchor(conn: Connection, through: int) -> str | None:
    """The MAC of the last pruned entry, as the newest prune's anchor entry records it."""
    rows = conn.execute(select(Audit.detail).where(Audit.action == PRUNE).order_by(Audit.seq.desc()))
    for (detail,) in rows:
        try:
            said = json.loads(detail or "")
        except ValueError:
            continue
        if isinstance(said, dict) and said.get("through") == through and isinstance(said.get("mac"), str):
            return str(said["mac"])
    return None


def _walk(
    conn: Connection, checker: audit_chain.Checker, first: int, prev: str, head_seq: int, head_mac: str
) -> ChainReport:
    query = (
        select(
            Audit.id,
            Audit.seq,
            Audit.at,
            Audit.actor,
            Audit.action,
            Audit.target,
            Audit.result,
            Audit.detail,
            Audit.mac,
        )
        .where(Audit.seq.is_not(None), Audit.mac.is_not(None))
        .order_by(Audit.seq, Audit.id)
    )
    expected, count, last = first, 0, None
    for row in conn.execution_options(yield_per=PAGE).execute(query):
        seq = int(row.seq)
        if seq < expected:
            return ChainReport(count, first, last, _inserted(seq, row.id))
        if seq > expected:
            return ChainReport(count, first, last, _missing(expected, seq, row.id))
        data = audit_chain.payload(
            seq, row.at, row.actor, row.action, row.target, row.result, row.detail, prev
        )
        if not checker.matches(data, str(row.mac)):
            return ChainReport(count, first, last, _changed(seq, row.id))
        if seq == head_seq and row.mac != head_mac:
            return ChainReport(count, first, last, _changed(seq, row.id))
        prev, expected, count, last = str(row.mac), expected + 1, count + 1, seq
    if head_seq > (last or 0):
        return ChainReport(count, first, last, _truncated(last or 0, head_seq))
    return ChainReport(count, first, last, None)


def _changed(seq: int, row: int) -> ChainBreak:
    return ChainBreak(
        seq,
        row,
        "changed",
        f"第 {seq} 条审计记录与其校验码不符：被改动、被移动，或校验码不是用本站密钥算出的",
        f"audit entry {seq} does not match its MAC: changed, moved, or its MAC was not made with the site's key",
    )


def _missing(expected: int, seq: int, row: int) -> ChainBreak:
    gap = f"{expected}" if seq - expected == 1 else f"{expected}-{seq - 1}"
    return ChainBreak(
        seq,
        row,
        "missing",
        f"第 {seq} 条之前的第 {gap} 条审计记录缺失（被删除）",
        f"audit entries {gap} before entry {seq} are missing (deleted)",
    )


def _inserted(seq: int, row: int) -> ChainBreak:
    return ChainBreak(
        seq,
        row,
        "inserted",
        f"第 {seq} 条审计记录出现两次（有记录被插入）",
        f"audit entry {seq} appears twice (an entry was inserted)",
    )


def _unchained(row: int) -> ChainBreak:
    return ChainBreak(
        None,
        row,
        "unchained",
        f"审计表第 {row} 行不在链上（绕过 govmig 写入）",
        f"audit row {row} is not in the chain (written around govmig)",
    )


def _unanchored(first: int, row: int | None) -> ChainBreak:
    return ChainBreak(
        first,
        row,
        "missing",
        f"第 {first} 条之前的审计记录缺失，且没有清理记录为其作证",
        f"the audit entries before entry {first} are missing and no prune record vouches for them",
    )


def _truncated(last: int, head: int) -> ChainBreak:
    gap = f"{last + 1}" if head == last + 1 else f"{last + 1}-{head}"
    return ChainBreak(
        last + 1,
        None,
        "truncated",
        f"链头为第 {head} 条，但第 {gap} 条审计记录缺失（末尾被删除）",
        f"the chain's head is entry {head} but audit entries {gap} are missing (cut from the end)",
    )
