"""The one door: a `Site` built from one `SiteConfig`, that opens the store and the run queue once and hands the
CLI and the web the use cases grouped by what they are about.

    site = Site(SiteConfig(store="sqlite:///govmig.db", tree=Path("out/render")))
    site.plans      plans, versions and reviews, the portfolio in force (assessed, planned)
    site.waves      waves and runs: the queue, asking, the second person's approvals
    site.health     health and usage, in words beside their codes
    site.reports    the report registry and building a report
    site.supervision  the review queue, progress per department, the periods reports have data for
    site.accounts   accounts, tokens, second factors, sessions, the security settings, the audit log
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..execute import WaveExecutor
from ..policy import PolicySettings
from ..render import RenderSettings
from ..store import Engine, Store, integrity_problem, open_store
from ..waves import WaveSettings
from .accounts import Accounts
from .executors import GatePolicy, build_executor
from .health import Health
from .plans import Plans
from .reporting import Reporting
from .supervising import Supervising
from .waves import Waves

ExecutorFactory = Callable[[Store, Path, str], WaveExecutor]
"""How a wave's executor is built for (store, tree, actor): the gate policy's, or a test's own."""


class StoreDamaged(Exception):
    """SQLite's quick check found damage (before a wave starts or resumes): what it found, in `problem`."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class SiteConfig:
    """Everything the CLI and the web both need to start: where the store is, the rendered tree, the settings and
    the gate policy. The store is a URL (None: $GOVMIG_DB, or ./govmig.db) or an engine opened already."""

    store: str | Engine | None = None
    tree: Path = Path("out/render")
    policy: PolicySettings = field(default_factory=PolicySettings)
    schedule: WaveSettings = field(default_factory=WaveSettings)
    render: RenderSettings = field(default_factory=RenderSettings)
    gates: GatePolicy = field(default_factory=GatePolicy)
    executor: ExecutorFactory | None = None
    """None: every wave's executor from `gates` (as `govmig run` builds it)."""
    today: Callable[[], date] = date.today
    observation_days: float | Callable[[], float] | None = None
    """The observation period the pages and the lifecycle tell (or where to read it, when the site's setting can
    change while it serves); None: the gate policy's."""
    session_idle_minutes: float = 30
    totp_seconds: Callable[[], float] = time.time
    check: bool = False
    """SQLite's quick check when the store is opened (before a wave starts or resumes): StoreDamaged."""


class Site:
    """The store and the queue, opened once, and the use cases over them."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        engine = config.store if isinstance(config.store, Engine) else open_store(config.store)
        if config.check:
            damage = integrity_problem(engine)
            if damage is not None:
                raise StoreDamaged(damage)
        self.engine = engine
        self.store = Store(engine)
        self.accounts = Accounts(engine, self.store, config.session_idle_minutes, config.totp_seconds)
        self.health = Health(engine)
        self.plans = Plans(self, self.accounts.book)
        self.waves = Waves(self, self.plans)
        self.reports = Reporting(self)
        self.supervision = Supervising(self)

    @property
    def observation_days(self) -> float:
        """The site's observation period after acceptance, in days, as it stands now."""
        given = self.config.observation_days
        if given is None:
            return self.config.gates.observation_days
        return given() if callable(given) else given

    @property
    def tree(self) -> Path:
        return self.config.tree

    def executor(self, actor: str, tree: Path | None = None) -> WaveExecutor:
        """The executor of a wave for `actor` on `tree` (the site's by default), with the site's gate policy."""
        where = self.config.tree if tree is None else tree
        if self.config.executor is not None:
            return self.config.executor(self.store, where, actor)
        return build_executor(self.store, where, actor, self.config.gates)
