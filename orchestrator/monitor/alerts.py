"""Health transitions as Alertmanager alerts (API v2), over an httpx client that tests replace with their own.

Firing alerts are re-sent every cycle with an end a few cycles ahead, as Prometheus itself does: if the monitor
stops, or Prometheus goes away and states become unknown, the alerts lapse instead of paging about a system
nobody can currently see. Recovery is sent at once as the same alert (same labels, so the same fingerprint) ending now.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

import httpx

from .model import STATE_ZH, State, Target

log = logging.getLogger(__name__)

ALERT = {State.down: ("GovmigSystemDown", "page"), State.degraded: ("GovmigSystemDegraded", "ticket")}


def alert(
    target: Target, state: State, reason: str, detail: str, starts: datetime, ends: datetime
) -> dict[str, object]:
    name, severity = ALERT.get(state, ALERT[State.down])
    return {
        "labels": {
            "alertname": name,
            "severity": severity,
            "department": target.department,
            "system": target.system,
            "zone": target.zone,
            "wave": target.wave,
        },
        "annotations": {
            "reason": reason,
            "summary": f"{target.key} {STATE_ZH[state]} / {state.value}",
            "description": detail,
        },
        "startsAt": starts.isoformat(),
        "endsAt": ends.isoformat(),
    }


class Alertmanager:
    def __init__(self, url: str, client: httpx.Client | None = None, timeout: float = 5) -> None:
        self.url = url.rstrip("/") + "/api/v2/alerts"
        self.client = client or httpx.Client(timeout=timeout)

    def send(self, alerts: Sequence[dict[str, object]]) -> bool:
        """Posts the batch; a failure is logged and reported, never raised: the cycle's records matter more."""
        if not alerts:
            return True
        try:
            response = self.client.post(self.url, json=list(alerts))
        except httpx.HTTPError as exc:
            log.warning("Alertmanager unreachable: %s", exc)
            return False
        if response.status_code >= 300:
            log.warning(
                "Alertmanager refused %d alerts: HTTP %d %s",
                len(alerts),
                response.status_code,
                response.text[:200],
            )
            return False
        return True


def hold(now: datetime, interval: float, cycles: int) -> datetime:
    return now + timedelta(seconds=interval * cycles)
