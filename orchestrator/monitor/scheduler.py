"""The collection cycle on APScheduler 3.x: every N seconds, coalesced, one at a time, with a misfire grace, the
job kept in the store's own database (table apscheduler_jobs) so the schedule survives with the state it feeds.

The job is referenced by name and its argument is a plain, picklable MonitorConfig; each process builds its
Monitor once per config and reuses it (and its HTTP connections) across cycles.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from ..store import HealthStore, open_store
from .alerts import Alertmanager
from .catalog import load_catalog
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


def run_cycle(config: MonitorConfig) -> CycleResult:
    """The scheduled job (referenced by name in the job store)."""
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
    """Runs the scheduler until `cycles` cycles have run (None: until `stop` is set); returns how many ran."""
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
        else:
            done += 1
            if on_cycle:
                on_cycle(event.retval)
        if cycles is not None and done >= cycles:
            stop.set()

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=open_store(config.db), tablename="apscheduler_jobs")},
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
    return done
