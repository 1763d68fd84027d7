"""What the reports need from the store's history: when each system finished moving, when each zombie was retired,
and how often the monitor found it up within a year."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .clock import aware
from .schema import StepLog, SystemRun, UsageDay, WaveRun


def moved(engine: Engine) -> dict[str, datetime]:
    """System → when a real (not check-mode) wave run cut it over, for each system cut over now (its source
    decommissioned since, or not; not rolled back)."""
    with Session(engine) as s:
        query = (
            select(StepLog.system, func.min(StepLog.at))
            .join(WaveRun, WaveRun.wave == StepLog.wave)
            .join(SystemRun, (SystemRun.wave == StepLog.wave) & (SystemRun.system == StepLog.system))
            .where(
                WaveRun.check_mode.is_(False),
                StepLog.step == "cutover",
                StepLog.status == "finished",
                SystemRun.state.in_(("done", "decommissioned")),
            )
            .group_by(StepLog.system)
        )
        return {system: aware(at) for system, at in s.execute(query)}


def retired(engine: Engine) -> dict[str, datetime]:
    """System → when its retirement (`govmig retire`) finished."""
    with Session(engine) as s:
        query = (
            select(StepLog.system, func.min(StepLog.at))
            .where(StepLog.step == "retire", StepLog.status == "finished")
            .group_by(StepLog.system)
        )
        return {system: aware(at) for system, at in s.execute(query)}


def watched(engine: Engine, year: int) -> dict[str, tuple[int, int]]:
    """System → (cycles it was up, cycles it was watched) in the year."""
    with Session(engine) as s:
        query = (
            select(UsageDay.system, func.sum(UsageDay.up_samples), func.sum(UsageDay.samples))
            .where(UsageDay.day >= date(year, 1, 1), UsageDay.day <= date(year, 12, 31))
            .group_by(UsageDay.system)
        )
        return {system: (int(up or 0), int(n or 0)) for system, up, n in s.execute(query)}
