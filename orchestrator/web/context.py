"""What the web service works with, built once and handed to the app: the seams tests replace."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..app import (
    AccountBook,
    Engine,
    ExecutorFactory,
    GatePolicy,
    PasswordHistoryBook,
    PolicySettings,
    Prices,
    RenderSettings,
    Reviews,
    SecondFactors,
    SecurityPolicy,
    Sessions,
    Site,
    SiteConfig,
    SlaTerms,
    Store,
    Tokens,
    WaveSettings,
)


@dataclass
class WebConfig:
    engine: Engine
    tree: Path
    secret: str
    executor: ExecutorFactory
    policy: PolicySettings = field(default_factory=PolicySettings)
    schedule: WaveSettings = field(default_factory=WaveSettings)
    render: RenderSettings = field(default_factory=RenderSettings)
    today: Callable[[], date] = date.today
    secure_cookies: bool = False
    """Set behind HTTPS: the session cookie is then never sent in clear, and browsers are told HSTS.
    `govmig serve` sets it unless it listens on loopback only."""
    session_idle_minutes: float = 30
    """A session unused this long ends (GB/T 22239: session timeout)."""
    versions_per_day: int = 50
    """Plan versions one department may submit in a day; past it, 429."""
    version_bytes_per_day: int = 50 * 1024 * 1024
    """Stored plan text one department may submit in a day; past it, 429."""
    intake_workers: int = 2
    """Uploads parsed and validated at once (worker threads, off the event loop); more wait their turn."""
    intake_per_department: int = 1
    """Uploads one department may have in hand at once; past it, 429 with Retry-After."""
    refresh_seconds: float = 2.0
    """How often the live pages' event streams look for news."""
    time_zone: str = "Asia/Shanghai"
    """The site's time zone: the times people read on the pages (the API's ISO times stay in UTC)."""
    totp_seconds: Callable[[], float] = time.time
    """The clock TOTP codes are read against (the seam tests move to sign in often without waiting)."""
    observation_days: float = 0.0
    """The site's observation period after acceptance, as the pages tell it (`govmig serve --observation-days`
    gives the executor the same figure, and its gate is what enforces it)."""
    prometheus: str | None = None
    """Where the resource page (`/money`) reads a month's usage and probes (`govmig serve --prometheus`)."""
    prices: Prices | None = None
    """The site's price list for the page's fees (`govmig serve --prices`); without it no fees are shown."""
    sla_terms: SlaTerms | None = None
    """The vendor's SLA terms for the page (`govmig serve --terms`); without them no SLA is shown."""
    gates: GatePolicy = field(default_factory=GatePolicy)
    """The run's gate policy as `govmig serve` was given it: the execution nodes a preflight from the web goes
    through, how young a preflight must be (the executor factory builds the runs themselves from the same)."""

    def site_config(self) -> SiteConfig:
        """The one configuration the application layer is built from."""
        return SiteConfig(
            store=self.engine,
            tree=self.tree,
            policy=self.policy,
            schedule=self.schedule,
            render=self.render,
            executor=self.executor,
            gates=self.gates,
            today=self.today,
            observation_days=lambda: self.observation_days,  # as it stands: the setting may change
            session_idle_minutes=self.session_idle_minutes,
            totp_seconds=self.totp_seconds,
        )


@dataclass
class Context:
    """The site (store and queue opened once, the use cases) and, by their old names, its parts the routes use."""

    config: WebConfig
    site: Site = field(init=False)
    store: Store = field(init=False)
    accounts: AccountBook = field(init=False)
    reviews: Reviews = field(init=False)
    sessions: Sessions = field(init=False)
    tokens: Tokens = field(init=False)
    factors: SecondFactors = field(init=False)
    security: SecurityPolicy = field(init=False)
    history: PasswordHistoryBook = field(init=False)

    def __post_init__(self) -> None:
        self.site = site = Site(self.config.site_config())
        self.store = site.store
        self.accounts = site.accounts.book
        self.reviews = site.plans.reviews
        self.sessions = site.accounts.sessions
        self.tokens = site.accounts.tokens
        self.factors = site.accounts.factors
        self.security = site.accounts.security
        self.history = site.accounts.history
