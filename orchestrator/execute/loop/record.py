"""One run of a wave record, resolved once: the record it is logged under, the wave whose files run, check mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..ports.rendered import RenderedTree, WaveFiles


@dataclass(frozen=True)
class Record:
    name: str
    """The record in the run log: the wave, "WAVE@check" for a check-mode run, or "retire"."""
    wave: str
    """The wave whose rendered playbook and inventory run."""
    check: bool
    files: WaveFiles
    runs: Path
    """Where its playbook runs keep their private data."""
    token: int | None = None
    """The fencing token the run holds its lease with (store/fences.py): its playbooks carry it, and the hosts'
    word is "stop" to a question that names another."""

    @classmethod
    def of(cls, tree: RenderedTree, name: str, wave: str, check: bool, token: int | None = None) -> Record:
        """ExecuteError when the tree has no files for the wave."""
        return cls(name, wave, check, tree.files(wave), tree.runs(name), token)
