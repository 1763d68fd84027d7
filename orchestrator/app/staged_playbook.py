"""A playbook that reads and changes nothing of a wave's (discovery's, the warm verification's) staged for one run:
the playbook, the hosts' modules it calls and the strategy every run uses, copied from the package's playbooks/
into a folder of the run's own, removed afterwards. The rendered tree stays as it was reviewed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


@contextmanager
def staged_playbook(work: Path, playbook: str, modules: tuple[str, ...]) -> Iterator[Path]:
    """The folder `work/project` holding `playbook`, `library/` with `modules` and the strategy plugins."""
    stage = work / "project"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "library").mkdir(parents=True)
    (stage / "roles").mkdir()
    shutil.copy2(PLAYBOOKS / playbook, stage / playbook)
    for name in modules:
        shutil.copy2(PLAYBOOKS / "library" / name, stage / "library" / name)
    strategies = PLAYBOOKS / "strategy_plugins"
    if strategies.is_dir():
        shutil.copytree(strategies, stage / "strategy_plugins")
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
