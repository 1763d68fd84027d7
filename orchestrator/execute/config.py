"""What a `WaveExecutor` is built from: its ports to the world and its settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..store import RunLog
from .loop.lease import Notify
from .ports.applier import ManifestApplier
from .ports.go import CutoverGo
from .ports.health import Judge
from .ports.runner import PlaybookRunner


@dataclass(frozen=True)
class Ports:
    """Where the executor reaches the world."""

    store: RunLog
    runner: PlaybookRunner
    applier: ManifestApplier | None = None
    """Where a cloud system's objects go; None: to GitOps."""
    gate: Judge | None = None
    """The health gate before a cutover, judging the target's health URL."""
    watch: Judge | None = None
    """The monitor's verdict before a cutover, judging the system's key."""
    go: CutoverGo | None = None
    """Where the site asks a go/no-go before each system's cutover (a second person's approval); None: none."""
    notify: Notify | None = None
    """Who hears a loud word (a runner holding a window cut off from its store); None: the log. The seam for
    issue 40's notifications."""


@dataclass(frozen=True)
class RunConfig:
    """How the executor runs: the rendered tree it runs and the site's settings."""

    tree: Path
    actor: str = "govmig"
    concurrency: int = 2
    """Systems at once: a play reaches at most two hosts of a system (a source and a target)."""
    failure_budget: int = 1
    """Failed systems a wave bears before it pauses."""
    observation: timedelta = timedelta(0)
    """After the department's acceptance, how long the source is kept before it may be decommissioned."""
    lease_heartbeat: float = 5.0
    lease_stale_after: float = 30.0
    store_outage: float = 60.0
    """Seconds a run waits for its store out of reach (its calls retried with backoff) before it pauses where it
    is, to be resumed when the store is back."""
    window_heartbeat: float = 1.0
    """The lease's heartbeat while the wave is in its window (sources quiesced)."""
    window_stale_after: float = 10.0
    """In the window a quiet holder is taken over after this many seconds, not `lease_stale_after`: what a dead
    runner costs the window."""
    window_unreachable: float = 5.0
    """A runner holding a window that cannot reach its store this long says so loudly (`Ports.notify`)."""
