"""Drift explained: a replica that `govmig verify` found drifting (and still drifting on the recheck) holds its
system's cutover until a later verification finds the wave equal or a person says why the difference is expected
(`govmig explain WAVE DEPT/ID --note`), audited `verify.explained` with the explanation."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from ..store import Store

VERIFIED, EXPLAINED = "wave.verify", "verify.explained"


class DriftRefused(Exception):
    """Nothing to explain, or no explanation: its reason in both languages (exit 2: the input is wrong)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Explained:
    wave: str
    system: str
    drift: str
    """What the verification found differing (its audit entry's detail)."""
    by: str
    note: str


def explain_drift(store: Store, wave: str, system: str, note: str, by: str | None = None) -> Explained:
    """Records the explanation of the system's last drift (audited); refused when the note is blank or the
    system's last verification found no drift (or it was explained already)."""
    note = note.strip()
    if not note:
        raise DriftRefused("请写明差异为何可以接受（--note）", "say why the difference is expected (--note)")
    mine = f"{wave}/{system}"
    log = [a for a in store.audit_log(wave) if a.target in (wave, mine)]
    drifted = [a for a in log if a.action == VERIFIED and a.target == mine and a.result == "drift"]
    if not drifted or any(
        a.id > drifted[-1].id and (a.result == "equal" or (a.action == EXPLAINED and a.target == mine))
        for a in log
        if a.action in (VERIFIED, EXPLAINED)
    ):
        raise DriftRefused(
            f"{system} 在批次 {wave} 中没有待说明的数据差异",
            f"{system} has no unexplained drift in wave {wave}",
        )
    who = by or getpass.getuser()
    store.audit(who, EXPLAINED, mine, "explained", note[:2000])
    return Explained(wave, system, drifted[-1].detail or "", who, note)
