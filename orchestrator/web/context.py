"""What the web service works with, built once and handed to the app: the seams tests replace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from ..execute import WaveExecutor
from ..policy import PolicySettings
from ..render import RenderSettings
from ..store import Accounts, HealthStore, Store
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
    """Set behind HTTPS: the session cookie is then never sent in clear."""
    refresh_seconds: float = 2.0
    """How often the live pages' event streams look for news."""


@dataclass
class Context:
    config: WebConfig
    store: Store = field(init=False)
    accounts: Accounts = field(init=False)
    health: HealthStore = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store(self.config.engine)
        self.accounts = Accounts(self.config.engine)
        self.health = HealthStore(self.config.engine)
