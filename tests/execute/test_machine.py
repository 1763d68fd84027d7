"""The executor's pure state machine (execute/machine/): data in, data out, no threads, no I/O; and the step names
and the word's handshake, one contract (contracts/steps.py) that the rendered playbook and the executor share."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from orchestrator.contracts import steps as names
from orchestrator.execute.loop.controls import Controls
from orchestrator.execute.machine.states import FINAL, ROLLBACK, STEPS, next_step
from orchestrator.execute.machine.verdicts import GateResult, refusal
from orchestrator.execute.machine.wave import (
    Budget,
    failed_in,
    next_group,
    settled_by,
    wave_status,
    way_back,
)
from orchestrator.render.templates import environment

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"


def test_a_system_goes_through_every_step_in_order_and_a_failure_leads_back() -> None:
    state, seen = "pending", []
    while (step := next_step(state)) is not None:
        seen.append(step.name)
        state = step.after
    assert seen == list(names.WAVE_STEPS) and state == "done"
    assert next_step("failed") is ROLLBACK
    assert all(next_step(s) is None for s in FINAL)
    with pytest.raises(KeyError):
        next_step("no such state")


def test_the_way_back_goes_first_then_the_most_advanced_step() -> None:
    members = ["a", "b", "c", "d"]
    states = {"a": "pending", "b": "presynced", "c": "presynced", "d": "failed"}
    assert next_group(states, members, settled=()) == (ROLLBACK, ["d"])
    step, group = next_group(states, members, settled={"d"}) or (None, [])
    assert step is not None and step.name == names.DEPLOY and group == ["b", "c"]
    assert next_group(states, members, settled={"b", "c", "d"}) == (STEPS[0], ["a"])
    assert next_group({"a": "done", "b": "rolled_back"}, ["a", "b"], settled=()) is None
    assert next_group({}, ["new"], settled=()) == (STEPS[0], ["new"])  # a system with no state yet is pending


def test_a_run_that_moved_a_system_nowhere_or_failed_it_settles_it_for_this_call() -> None:
    before = {"a": "pending", "b": "pending", "c": "pending"}
    after = {"a": "done", "b": "pending", "c": "failed"}
    assert settled_by(["a", "b", "c"], before, after) == {"b", "c"}
    assert failed_in(["a", "b", "c"], after) == ["c"]


@pytest.mark.parametrize(
    ("states", "paused", "status"),
    [
        ({"a": "done", "b": "done"}, False, "done"),
        ({"a": "done", "b": "rolled_back"}, False, "partial"),
        ({"a": "done", "b": "verified"}, False, "paused"),  # held back: waiting for an operator
        ({"a": "done", "b": "done"}, True, "paused"),  # asked to pause
    ],
)
def test_what_a_wave_came_to(states: dict[str, str], paused: bool, status: str) -> None:
    assert wave_status(states, paused) == status


def test_the_failure_budget_is_spent_past_its_limit() -> None:
    budget = Budget(limit=1)
    once = budget.failed()
    assert not once.spent and once.failed().spent
    assert budget.failures == 0  # a value: counting gives a new budget
    assert Budget(limit=0).failed().spent


def test_writes_go_back_only_for_systems_whose_cutover_began_unless_discarded() -> None:
    kept = way_back(["a", "b"], cutover_began={"b", "elsewhere"}, discard_target_writes=False)
    assert (kept.reverse, kept.plain, kept.discarded) == (["b"], ["a"], [])
    dropped = way_back(["a", "b"], cutover_began={"b"}, discard_target_writes=True)
    assert (dropped.reverse, dropped.plain, dropped.discarded) == ([], ["a", "b"], ["b"])


def test_the_first_gate_that_refuses_says_why() -> None:
    ok, no = GateResult(True, 3, "healthy"), GateResult(False, 5, "HTTP 503")
    assert refusal([("health gate", None), ("monitor", ok)]) is None
    assert refusal([("health gate", ok), ("monitor", no), ("later", GateResult(False, 1, "x"))]) == (
        "monitor: HTTP 503"
    )


def test_pause_and_abort_are_commands_and_progress_is_followed() -> None:
    controls, heard = Controls(), []
    controls.progress("a", "deploy", {})  # nobody follows: nothing happens
    controls.follow(lambda system, step, event: heard.append((system, step)))
    controls.progress("a", "deploy", {})
    assert heard == [("a", "deploy")] and not controls.paused
    controls.abort()
    assert controls.paused and controls.aborted


def test_the_steps_tags_and_handshake_come_from_the_contract() -> None:
    assert tuple(s.name for s in STEPS) == names.WAVE_STEPS
    assert all(s.tags == (s.name,) for s in (*STEPS, ROLLBACK))
    for step in names.WAVE_STEPS:
        assert names.step_of_word_task(names.word_task(step)) == step
    assert names.step_of_word_task("Deploy on the targets") is None


def test_the_rendered_playbook_asks_the_word_of_every_step_as_the_executor_listens() -> None:
    wave: Any = SimpleNamespace(
        id="W01", pilot=False, start="2026-01-01", end="2026-01-02", classified=False, systems=["D/a"]
    )
    text = environment().get_template("wave.yml.j2").render(wave=wave, steps=names.for_templates())
    for step in names.WAVE_STEPS:
        assert f"- name: {names.word_task(step)}\n" in text
        assert f"tags: [{step}]" in text
    assert f"lookup('{names.WORD_LOOKUP}', " in text and f"govmig_word != '{names.GO}'" in text


def test_the_hosts_lookup_spells_the_handshake_as_the_contract() -> None:
    """The lookup runs without govmig installed (on an execution node): it spells the names itself."""
    lookup = (PLAYBOOKS / "lookup_plugins" / f"{names.WORD_LOOKUP}.py").read_text(encoding="utf-8")
    assert f'os.environ.get("{names.WORD_ENV}")' in lookup
    assert f'answer not in ("{names.GO}", "{names.STOP}")' in lookup
