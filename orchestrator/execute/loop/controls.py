"""What an operator says to a running wave from outside (the CLI's Ctrl-C, a worker stopping, a lost lease): pause,
abort, fence, and who follows its progress. Commands, safe from any thread; the run loop only reads them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Progress = Callable[[str, str, dict[str, Any]], None]  # system, step, event


class Controls:
    def __init__(self) -> None:
        self._pause, self._abort, self._fenced = threading.Event(), threading.Event(), threading.Event()
        self._progress: Progress | None = None

    def pause(self) -> None:
        """The running steps finish, no new step starts; a failed system is still rolled back."""
        self._pause.set()

    def abort(self) -> None:
        """Pauses and cancels the running playbooks too."""
        self._pause.set()
        self._abort.set()

    def fence(self) -> None:
        """Another runner holds the wave now: abort this run's own playbooks, and the run writes nothing more."""
        self._fenced.set()
        self.abort()

    def follow(self, progress: Progress | None) -> None:
        """Every event of the run, by system and step, goes to `progress` too (None: to nobody)."""
        self._progress = progress

    @property
    def paused(self) -> bool:
        return self._pause.is_set()

    @property
    def fenced(self) -> bool:
        return self._fenced.is_set()

    @property
    def aborted(self) -> bool:
        return self._abort.is_set()

    def progress(self, system: str, step: str, event: dict[str, Any]) -> None:
        follower = self._progress
        if follower is not None:
            follower(system, step, event)
