"""What execution refuses, said in Chinese and English; the CLI and the web map the kinds to exit codes and HTTP."""

from __future__ import annotations


class ExecuteError(Exception):
    """The request cannot be carried out as asked (no such wave or system, no rendered tree): bad input."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


class WaveBusy(ExecuteError):
    """Another runner holds the wave: nothing was started (exit 1, HTTP 409)."""
