"""The periods the reports have data for: the years and months in which systems were cut over or retired, or
monitored. The reports open on the latest of them (not on an empty calendar year)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..store import Engine, HealthStore, moved, retired


def report_periods(engine: Engine, as_of: date) -> dict[str, Any]:
    """`{"years": [...], "months": ["YYYY-MM", ...], "year", "month"}`, newest first, none after `as_of`; `year`
    and `month` are the latest with data, or the year and month before `as_of` when there is none."""
    days = [at.date() for at in (*moved(engine).values(), *retired(engine).values())]
    days += [u.day for u in HealthStore(engine).usage()]
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
