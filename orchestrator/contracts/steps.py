"""The steps a system goes through and the handshake between the executor and the wave's playbook.

One definition for both sides: render writes these names into the playbook (playbooks/wave.yml.j2: each play's
tag and its first task, the word), and the executor reads the same names back from the run's events and answers
the same words on its socket (execute/loop/word.py). The playbook's lookup (playbooks/lookup_plugins/govmig_word.py)
runs on the hosts' side without govmig installed and spells the environment variable and the answers itself;
tests/execute/test_machine.py checks that it spells them as here.
"""

from __future__ import annotations

from collections.abc import Mapping

PRECHECK = "precheck"
BACKUP = "backup"
PRESYNC = "presync"
DEPLOY = "deploy"
FINAL_SYNC = "final_sync"
VERIFY = "verify"
CUTOVER = "cutover"
WAVE_STEPS: tuple[str, ...] = (PRECHECK, BACKUP, PRESYNC, DEPLOY, FINAL_SYNC, VERIFY, CUTOVER)
"""A wave's steps in order: a system cut over has come through all of them."""
ROLLBACK = "rollback"
DECOMMISSION = "decommission"
RETIRE = "retire"

WORD_TASK = "Hear the executor's word on "
"""The name of each step's first task in the wave's playbook, followed by the step's name."""
WORD_LOOKUP = "govmig_word"
"""The lookup plugin that asks the executor (playbooks/lookup_plugins/govmig_word.py)."""
WORD_ENV = "GOVMIG_WORD"
"""The environment variable naming the executor's socket for the playbook's lookup."""
FENCE_ENV = "GOVMIG_FENCE_TOKEN"
"""The environment variable carrying the run's fencing token: the lookup names it in its question."""
GO, STOP = "go", "stop"
"""The executor's two answers."""


def word_task(step: str) -> str:
    """The name of `step`'s word task in the playbook."""
    return f"{WORD_TASK}{step}"


def step_of_word_task(name: str) -> str | None:
    """The step a task of that name asks the word for, or None when it is no word task."""
    return name[len(WORD_TASK) :] if name.startswith(WORD_TASK) else None


def for_templates() -> Mapping[str, str]:
    """What render hands the playbook's template as `steps`: every name above, by its lower-case name."""
    return {
        **{step: step for step in (*WAVE_STEPS, ROLLBACK, DECOMMISSION, RETIRE)},
        "word_task": WORD_TASK,
        "word_lookup": WORD_LOOKUP,
        "go": GO,
    }
