"""A wave as a systems × steps matrix (the wave's page): each system, its name and state, and each of the seven
steps not started, running, done, failed or waiting (at a manual task of the night's runbook), from the step log."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..contracts import ManualTaskState, StepStatus, SystemState, Tree
from ..contracts import steps as names
from ..execute import RUN_STATE_ZH, systems_in
from ..store import Store
from .ops_words import CELL_WORDS, STEP_EN, STEP_ZH

NOT_STARTED = "pending"
"""A cell no step reached yet."""
CELL: dict[str, str] = {
    StepStatus.started: "running",
    StepStatus.finished: "done",
    StepStatus.failed: "failed",
}


def wave_systems(tree: Path, wave: str) -> list[str]:
    """The systems the tree's inventory puts in the wave (none when the tree has no such wave)."""
    inventory = Tree(tree).inventory(wave)
    return list(systems_in(inventory)) if inventory.is_file() else []


def step_matrix(
    store: Store,
    tree: Path,
    wave: str,
    record: str,
    names_: Mapping[str, str],
    tasks: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """{"record", "steps": [{"step", "zh", "en"}], "systems": [{"system", "name", "state", "state_zh", "cells":
    {step: {"state", "zh", "en"}}}]}; a wave not run yet: its systems with every step not started."""
    cells: dict[str, dict[str, str]] = {}
    for e in store.step_log(record):
        if e.step in names.WAVE_STEPS and e.status in CELL:
            cells.setdefault(e.system, {})[e.step] = CELL[e.status]
    for t in tasks:  # a system held at a manual task: the step it holds is waiting
        if t["state"] == ManualTaskState.waiting and t.get("before"):
            row = cells.setdefault(str(t["system"]), {})
            row.setdefault(str(t["before"]), "waiting")
    states = {s.system: s.state for s in store.systems(record)}
    keys = sorted(set(states) | set(wave_systems(tree, wave)))
    systems = []
    for key in keys:
        state = states.get(key, SystemState.pending)
        row = cells.get(key, {})
        systems.append(
            {
                "system": key,
                "name": names_.get(key),
                "state": state,
                "state_zh": RUN_STATE_ZH.get(state, state),
                "cells": {
                    step: {"state": c, "zh": CELL_WORDS[c][0], "en": CELL_WORDS[c][1]}
                    for step in names.WAVE_STEPS
                    for c in [row.get(step, NOT_STARTED)]
                },
            }
        )
    return {
        "record": record,
        "steps": [{"step": s, "zh": STEP_ZH[s], "en": STEP_EN[s]} for s in names.WAVE_STEPS],
        "systems": systems,
    }
