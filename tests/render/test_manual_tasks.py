"""The night's manual tasks: a runbook is checked when read, and each system of a wave gets the tasks that apply
to it (all, its deployment kind, its department), in the order of the steps they hold."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator.contracts import Runbook, Tree, WaveTasks, wave_tasks
from orchestrator.contracts import tree as layout
from orchestrator.contracts.tasks import DONE
from orchestrator.plan import MigrationPlan, load_model
from orchestrator.render import render_artifacts
from tests.render.conftest import Rendered

RUNBOOK = """
tasks:
  - {id: notify-users, zh: 通知业务用户停机, en: Tell the users the service stops, before: final_sync, role: department}
  - {id: dns-ttl, zh: 调低域名 TTL, en: Lower the DNS TTL, before: presync, applies_to: vm}
  - {id: smoke, zh: 业务冒烟测试, en: Smoke-test the service, after: cutover, role: department, applies_to: 630000-T}
  - {id: snapshot, zh: 源库快照, en: Snapshot the source database, after: presync, applies_to: container}
"""


def test_each_system_gets_its_tasks_in_step_order(tmp_path: Path) -> None:
    path = tmp_path / "runbook.yaml"
    path.write_text(RUNBOOK, encoding="utf-8")
    runbook, problems = load_model(path, Runbook)
    assert runbook is not None and problems == []
    tasks = wave_tasks(
        "W01",
        runbook,
        [("630000-T/alpha", "vm"), ("630000-Q/beta", "container"), ("630000-Q/gamma", "physical")],
    )
    assert [(t.id, t.step) for t in tasks.systems["630000-T/alpha"]] == [
        ("dns-ttl", "presync"),
        ("notify-users", "final_sync"),
        ("smoke", DONE),
    ]
    # after presync holds deploy, the step after it
    assert [(t.id, t.step) for t in tasks.systems["630000-Q/beta"]] == [
        ("snapshot", "deploy"),
        ("notify-users", "final_sync"),
    ]
    assert [t.id for t in tasks.systems["630000-Q/gamma"]] == ["notify-users"]
    assert [t.id for t in tasks.holding("630000-T/alpha", "final_sync")] == ["notify-users"]
    assert tasks.holding("630000-Q/gamma", "presync") == []


def test_a_mistaken_runbook_is_a_located_error(tmp_path: Path) -> None:
    for text, where in [
        ("tasks:\n  - {id: a, zh: 甲, en: A, before: lunch}\n", "tasks[0].before"),
        ("tasks:\n  - {id: a, zh: 甲, en: A}\n", "tasks[0]"),
        ("tasks:\n  - {id: a, zh: 甲, en: A, before: deploy, after: deploy}\n", "tasks[0]"),
        (
            "tasks:\n  - {id: a, zh: 甲, en: A, before: deploy}\n  - {id: a, zh: 乙, en: B, before: verify}\n",
            "",
        ),
        ("tasks:\n  - {id: A B, zh: 甲, en: A, before: deploy}\n", "tasks[0].id"),
    ]:
        path = tmp_path / "runbook.yaml"
        path.write_text(text, encoding="utf-8")
        runbook, problems = load_model(path, Runbook)
        assert runbook is None and problems, text
        assert where in problems[0].location and problems[0].zh and problems[0].en, (text, problems[0])


def test_render_carries_the_tasks_per_wave_and_writes_plan_text_as_text(
    rendered: Rendered, province_plans: list[MigrationPlan]
) -> None:
    hostile = "通知 | <script>x</script> `rm -rf /`"
    runbook = Runbook.model_validate(
        {
            "tasks": [
                {
                    "id": "notify-users",
                    "zh": hostile,
                    "en": "Tell the users",
                    "before": "final_sync",
                    "role": "department",
                },
                {
                    "id": "dns-ttl",
                    "zh": "调低 TTL",
                    "en": "Lower the DNS TTL",
                    "before": "presync",
                    "applies_to": "vm",
                },
            ]
        }
    )
    files = render_artifacts(
        province_plans, list(rendered.decisions.values()), rendered.roadmap, runbook=runbook
    )
    waves = [w.id for w in rendered.roadmap.waves]
    assert {layout.tasks(w) for w in waves} <= set(files)
    assert all(layout.tasks(w) not in rendered.files for w in waves)  # no runbook, no tasks files
    first = WaveTasks.model_validate_json(files[layout.tasks(waves[0])])
    members = {s.system for s in Tree(rendered.out).read_index().systems if s.wave == waves[0]}
    assert set(first.systems) == members  # `notify-users` applies to all
    vms = {key for key, tasks in first.systems.items() if any(t.id == "dns-ttl" for t in tasks)}
    kinds = {f"{p.department.code}/{s.id}": str(s.deployment.kind) for p in province_plans for s in p.systems}
    assert vms == {k for k in members if kinds[k] == "vm"}
    assert json.loads(files[layout.INDEX])["files"][
        layout.tasks(waves[0])
    ]  # digested: preflight sees a hand edit
    book = files[layout.runbook(waves[0])]
    assert "## 人工任务 Manual tasks" in book and "govmig task done" in book
    assert "<script>" not in book and "&lt;script&gt;" in book and "\\|" in book
    # everything else is as before
    same = {k for k in rendered.files if k != layout.INDEX and not k.endswith(".runbook.md")}
    assert all(files[k] == rendered.files[k] for k in same)


def test_govmig_render_takes_the_runbook_and_refuses_a_mistaken_one(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    good, bad = tmp_path / "runbook.yaml", tmp_path / "bad.yaml"
    good.write_text(RUNBOOK, encoding="utf-8")
    bad.write_text("tasks:\n  - {id: x, zh: 甲, en: A, before: lunch}\n", encoding="utf-8")

    def render(runbook: Path, out: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "orchestrator", "render", str(ROOT / "examples" / "province"),
             "--as-of", "2026-09-01", "--runbook", str(runbook), "-o", str(tmp_path / out), "--format", "json"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    done = render(good, "tree")
    assert done.returncode == 0, done.stderr
    tasks = WaveTasks.model_validate_json(
        (tmp_path / "tree" / layout.tasks("W01")).read_text(encoding="utf-8")
    )
    assert tasks.systems and all(any(t.id == "notify-users" for t in ts) for ts in tasks.systems.values())
    refused = render(bad, "never")
    assert (
        refused.returncode == 2 and "tasks[0].before" in refused.stdout and not (tmp_path / "never").exists()
    )
