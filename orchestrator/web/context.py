"""What the web service works with, built once and handed to the app: the seams tests replace."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..execute import WaveExecutor
from ..policy import PolicySettings
from ..render import RenderSettings
from ..store import (
    Accounts,
    Engine,
    HealthStore,
    PasswordHistoryBook,
    Reviews,
    SecondFactors,
    SecurityPolicy,
    Sessions,
    Store,
    Tokens,
)
from ..waves import WaveSettings

ExecutorFactory = Callable[[Store, Path, str], WaveExecutor]


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


@dataclass
class Context:
    config: WebConfig
    store: Store = field(init=False)
    accounts: Accounts = field(init=False)
    health: HealthStore = field(init=False)
    reviews: Reviews = field(init=False)
    sessions: Sessions = field(init=False)
    tokens: Tokens = field(init=False)
    factors: SecondFactors = field(init=False)
    security: SecurityPolicy = field(init=False)
    history: PasswordHistoryBook = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store(self.config.engine)
        self.accounts = Accounts(self.config.engine)
        self.health = HealthStore(self.config.engine)
        self.reviews = Reviews(self.config.engine)
        self.sessions = Sessions(self.config.engine, idle=timedelta(minutes=self.config.session_idle_minutes))
        self.tokens = Tokens(self.config.engine)
        self.factors = SecondFactors(self.config.engine, seconds=self.config.totp_seconds)
        self.security = SecurityPolicy(self.config.engine)
        self.history = PasswordHistoryBook(self.config.engine)
