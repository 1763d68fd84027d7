"""What a site tunes about supervision: the cycle, the thresholds that make a system degraded, the hysteresis.

Defaults follow the issue and common practice (a 15 s cycle, two confirming cycles before a state changes); a
site overrides any of them in a YAML file (`govmig monitor --settings FILE`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class MonitorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interval_seconds: Annotated[float, Field(gt=0, le=3600)] = 15
    """How often a collection cycle runs."""
    query_timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10
    """Every query to Prometheus gives up after this; the client library's default is to wait for ever."""
    misfire_grace_seconds: Annotated[int, Field(ge=1)] = 30
    """A cycle that could not start on time still runs if it is at most this late (then coalesced into one)."""
    clock_stale_seconds: Annotated[float | None, Field(gt=0, le=86400)] = None
    """How long the monitoring clock's holder may go without a tick before another process takes the clock over
    (monitor/clock.py); None: three intervals plus two query timeouts, so a slow cycle is not taken for a death."""
    confirm_cycles: Annotated[int, Field(ge=1, le=20)] = 2
    """A new state must be seen this many cycles in a row before it is reported: one bad scrape does not flap."""
    slow_seconds: Annotated[float, Field(gt=0)] = 1.0
    """Probe duration or p95 latency above this makes an answering system degraded."""
    error_ratio: Annotated[float, Field(ge=0, le=1)] = 0.05
    """Share of 5xx among requests (from the system's own metrics) above this makes it degraded."""
    rate_window: str = Field(default="5m", pattern=r"^[0-9]+[smh]$")
    """The range of rate() in the request, error, latency and CPU queries."""
    alert_hold_cycles: Annotated[int, Field(ge=2)] = 4
    """A firing alert sent to Alertmanager lasts this many cycles unless re-sent: a silent monitor lets it end."""

    @property
    def clock_stale(self) -> float:
        if self.clock_stale_seconds is not None:
            return self.clock_stale_seconds
        return 3 * self.interval_seconds + 2 * self.query_timeout_seconds
