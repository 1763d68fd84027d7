"""The periods the reports have data for: the years and months in which systems were cut over or retired, and the
month of the latest monitoring cycle. The reports open on the latest of them (not on an empty calendar year).

Each is one small read: the cutover and retirement dates (a row per system) and the newest cycle, never the
monitoring history itself (a row per system and day)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..store import Engine, HealthStore, aware, moved, retired


def report_periods(engine: Engine, as_of: date) -> dict[str, Any]:
    """`{"years": [...], "months": ["YYYY-MM", ...], "year", "month"}`, newest first, none after `as_of`; `year`
    and `month` are the latest with data, or the year and month before `as_of` when there is none."""
    days = [at.date() for at in (*moved(engine).values(), *retired(engine).values())]
    days += [aware(c.at).date() for c in HealthStore(engine).cycles(1)]
    seen = [d for d in days if d <= as_of]
    years = sorted({d.year for d in seen}, reverse=True)
    months = sorted({f"{d:%Y-%m}" for d in seen}, reverse=True)
    before = as_of.replace(day=1) - timedelta(days=1)
    return {
        "years": years,
        "months": months,
        "year": years[0] if years else as_of.year - 1,
        "month": months[0] if months else f"{before:%Y-%m}",
    }
