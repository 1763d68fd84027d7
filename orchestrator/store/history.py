"""What the reports need from the store's history: when each system finished moving, and how often the monitor
found it up within a year."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from .repo import aware
from .schema import SystemRun, UsageDay, WaveRun


def moved(engine: Engine) -> dict[str, datetime]:
    """System → when a real (not check-mode) wave run brought it to `done`."""
    with Session(engine) as s:
        query = (
            select(SystemRun.system, func.min(SystemRun.updated_at))
            .join(WaveRun, WaveRun.wave == SystemRun.wave)
            .where(WaveRun.check_mode.is_(False), SystemRun.state == "done")
            .group_by(SystemRun.system)
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
