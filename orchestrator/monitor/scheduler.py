"""The collection cycle on APScheduler 3.x: every N seconds, coalesced, one at a time, with a misfire grace; and
across every process that runs it, only the holder of the monitoring clock (monitor/clock.py, a lease in the
store) collects, so any number of schedulers up make one cycle per interval, and a dead holder's clock is taken
over.

Each process keeps its schedule in memory (APScheduler warns against sharing a persistent job store among
processes); the job is referenced by name and its argument is a plain, picklable MonitorConfig; each process
builds its Monitor and its clock once per config and reuses them (and the HTTP connections) across cycles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from ..store import HealthStore, Leases, open_store
from .alerts import Alertmanager
from .catalog import load_catalog
from .clock import MonitorClock
from .collect import Collector, connect
from .cycle import CycleResult, Monitor
from .queries import cycle_queries
from .settings import MonitorSettings

JOB_ID = "govmig-monitor"


@dataclass(frozen=True)
class MonitorConfig:
    prometheus: str
    db: str
    tree: str
    alertmanager: str | None = None
    settings_json: str = "{}"
    only: tuple[str, ...] | None = None

    @property
    def settings(self) -> MonitorSettings:
        return MonitorSettings.model_validate_json(self.settings_json)


_MONITORS: dict[MonitorConfig, Monitor] = {}
_CLOCKS: dict[MonitorConfig, MonitorClock] = {}
_LOCK = threading.Lock()


def build_monitor(config: MonitorConfig) -> Monitor:
    settings = config.settings
    targets, _ = load_catalog(Path(config.tree), config.only)
    client = connect(config.prometheus, settings.query_timeout_seconds)
    return Monitor(
        targets,
        Collector(client, cycle_queries(settings.rate_window)),
        HealthStore(open_store(config.db)),
        settings,
        Alertmanager(config.alertmanager) if config.alertmanager else None,
    )


def clock_of(config: MonitorConfig) -> MonitorClock:
    """This process's hold on the monitoring clock of `config`'s store."""
    with _LOCK:
        clock = _CLOCKS.get(config)
        if clock is None:
            clock = _CLOCKS[config] = MonitorClock(Leases(open_store(config.db)), config.settings.clock_stale)
        return clock


def run_cycle(config: MonitorConfig) -> CycleResult | None:
    """The scheduled job (referenced by name): this interval's cycle when this process holds the monitoring
    clock, else None (another process collects)."""
    if not clock_of(config).tick():
        return None
    with _LOCK:
        monitor = _MONITORS.get(config)
        if monitor is None:
            monitor = _MONITORS[config] = build_monitor(config)
    return monitor.cycle()


def run(
    config: MonitorConfig,
    cycles: int | None = None,
    on_cycle: Callable[[CycleResult], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Runs the scheduler until this process has run `cycles` cycles (None: until `stop` is set); returns how
    many it ran. Ticks where another process held the clock run nothing and do not count."""
    settings = config.settings
    stop = stop or threading.Event()
    done = 0

    def listen(event: JobExecutionEvent) -> None:
        nonlocal done
        if event.job_id != JOB_ID:
            return
        if event.exception is not None:
            if on_error:
                on_error(event.exception)
        elif event.retval is not None:
            done += 1
            if on_cycle:
                on_cycle(event.retval)
        if cycles is not None and done >= cycles:
            stop.set()

    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(1)},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.misfire_grace_seconds,
        },
        timezone=UTC,
    )
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.add_job(
        "orchestrator.monitor.scheduler:run_cycle",
        "interval",
        seconds=settings.interval_seconds,
        args=[config],
        id=JOB_ID,
        name="govmig 监控采集 collection cycle",
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        scheduler.shutdown(wait=True)
        clock_of(config).release()
    return done
