"""The monitor's findings as one document, for `govmig health --format json`, the web API and the dashboard."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..store import HealthStore, StateRow, aware
from .model import State
from .reasons import reason_said, state_said

ORDER = {"down": 0, "degraded": 1, "unknown": 2, "up": 3}


def ordered(rows: list[StateRow]) -> list[StateRow]:
    """Worst first: what needs a look stands at the top."""
    return sorted(rows, key=lambda h: (ORDER.get(h.state, 9), h.department, h.system))


def counts(rows: list[StateRow]) -> dict[str, int]:
    seen = Counter(h.state for h in rows)
    return {s.value: seen.get(s.value, 0) for s in State}


def health_document(store: HealthStore, department: str | None = None) -> dict[str, Any]:
    rows = ordered(store.states(department))
    last = store.cycles(1)
    return {
        # what each code says to people, once for the document rather than once a row (10,000 rows)
        "said": {
            "states": {s.value: state_said(s.value) for s in State},
            "reasons": {
                r: dict(zip(("zh", "en"), reason_said(r), strict=True))
                for r in sorted({h.reason for h in rows})
            },
        },
        "last_cycle": aware(last[0].at).isoformat() if last else None,
        "cycle": last[0].id if last else None,
        "prometheus_reachable": last[0].reachable if last else None,
        "counts": counts(rows),
        "systems": [
            {
                "system": h.system,
                "department": h.department,
                "zone": h.zone,
                "wave": h.wave,
                "state": h.state,
                "reason": h.reason,
                "since": aware(h.since).isoformat(),
                "metrics": h.metrics,
            }
            for h in rows
        ],
    }
