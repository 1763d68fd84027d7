"""The maintenance windows, in order, from the earliest start: weekly, skipping any that touch a holiday."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .settings import WaveSettings


@dataclass(frozen=True)
class Slot:
    index: int
    start: datetime
    end: datetime


def _holidays(settings: WaveSettings) -> set[date]:
    days: set[date] = set()
    for span in settings.holidays:
        day = span.first
        while day <= span.last:
            days.add(day)
            day += timedelta(days=1)
    return days


def windows(settings: WaveSettings, earliest: date) -> Iterator[Slot]:
    """Up to `horizon_windows` windows, each starting no earlier than `earliest` (local time)."""
    tz = timezone(timedelta(hours=settings.utc_offset_hours))
    holidays = _holidays(settings)
    w = settings.window
    first = earliest + timedelta(days=(w.start_weekday - earliest.weekday()) % 7)
    start = datetime.combine(first, w.start_time, tz)
    length = timedelta(hours=w.hours)
    index = 0
    for _ in range(settings.horizon_windows):
        end = start + length
        touched = {start.date() + timedelta(days=n) for n in range((end.date() - start.date()).days + 1)}
        if not touched & holidays:
            yield Slot(index, start, end)
            index += 1
        start += timedelta(days=7)
