"""The hosts, checked the way the night will reach them: the wave's own playbook, its precheck step only, in
Ansible's check mode (nothing on a host changes), through the same runner and execution nodes as the run. Each
host that cannot be reached, or whose precheck fails (no data directory, no way to stop the source, no room on the
target), is a critical finding of its system, in the words the playbook's own check says. The precheck play
reaches the front ends too: a front end whose switch cannot be written (the cutover role's `ready`, in check mode)
is a `frontend_switch` finding of every system behind it, and a host whose clock is off the control node's by more
than the site's `govmig_max_clock_skew_seconds` (default 5) a `clock_skew` finding naming the host and the skew.
Every failed check of a host is named, not only its first: preflight runs the precheck with
`govmig_precheck_every`, which lets each check go on past a failed one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..contracts import load_inventory, steps
from ..contracts import tree as layout
from ..execute import PlaybookRunner, RunRequest, RunResult, systems_in
from .findings import Finding

UNREACHABLE = re.compile(
    r"unreachable|ssh: connect to host|connection refused|no route to host|connection timed out|"
    r"could not resolve hostname|permission denied \(publickey",
    re.IGNORECASE,
)
"""How a host that cannot be reached reads, from Ansible (UNREACHABLE) or from Mitogen's ssh (a task failing with
the ssh client's own words)."""
CLOCK_TASK = "Stop when the host's clock is off the control node's"
"""The precheck role's clock check (playbooks/roles/precheck): its failure is a `clock_skew` finding."""
EVERY = "govmig_precheck_every"
"""The precheck role's switch (playbooks/roles/precheck): each check goes on past a failed one, so a host's every
problem is named at once (preflight sets it; a run's precheck stops a host at its first)."""
FRONTENDS = "frontends"
"""The inventory's group of front ends (render/ansible.py): a failure there, other than the clock, is the switch's."""
NoEvents: Callable[[dict[str, object]], None] = lambda event: None  # noqa: E731


def _said(result: RunResult, host: str) -> tuple[str, str, bool]:
    failure = result.failures.get(host)
    message = (failure.message if failure else result.message) or result.status
    unreachable = bool(UNREACHABLE.search(message))
    return (failure.task if failure else ""), message, unreachable


def _frontends(inventory: Path) -> set[str]:
    doc = load_inventory(inventory.read_text(encoding="utf-8")) or {}
    group = ((doc.get("all") or {}).get("children") or {}).get(FRONTENDS) or {}
    return set(group.get("hosts") or {})


def _halves(message: str) -> tuple[str, str]:
    """Our roles say `中文 / English`: each half in its own language, or the whole where it is not ours."""
    zh, sep, en = message.partition(" / ")
    return (zh.strip(), en.strip()) if sep else (message, message)


def _finding(key: str, host: str, task: str, message: str, frontend: bool) -> Finding:
    """A failed host's finding for one of its systems: the clock, the front end's switch, or the precheck (the
    check's own words, "中文 / English": the Chinese half in the Chinese text, the English half with the task's
    name in the English one)."""
    zh, en = _halves(message)
    if task == CLOCK_TASK:
        return Finding(key, "clock_skew", "critical", zh, en)
    if frontend:
        return Finding(
            key,
            "frontend_switch",
            "critical",
            f"前端 {host} 无法切换到目标（{message}）：请使其配置可写、重载命令可用",
            f"the front end {host} cannot be switched to the target ({message}): make its config writable and its "
            "reload command usable",
        )
    return Finding(
        key,
        "precheck",
        "critical",
        f"主机 {host} 预检未通过：{zh}",
        f"{host} failed its precheck ({task}): {en}",
    )


def check_hosts(root: Path, wave: str, runner: PlaybookRunner) -> list[Finding]:
    tree = layout.Tree(root)
    systems = systems_in(tree.inventory(wave))
    request = RunRequest(
        wave=wave,
        systems=tuple(systems),
        step=steps.PRECHECK,
        attempt=1,
        tags=(steps.PRECHECK,),
        limit=tuple(h for system in systems.values() for h in system.hosts),  # as the night's runs name them
        check=True,
        playbook=tree.playbook(wave),
        inventory=tree.inventory(wave),
        roles=tree.roles,
        private_dir=tree.runs(f"{wave}.preflight"),
        extravars={EVERY: True},  # each host's every failed check, not its first only
    )
    result = runner(request, NoEvents, lambda: False)
    if result.ok and not result.went_on:
        return []
    findings: list[Finding] = []
    frontends = _frontends(tree.inventory(wave))
    if not result.tallied:
        return [
            Finding(
                None,
                "precheck",
                "critical",
                f"预检剧本未能运行完（{result.status} rc={result.rc}）：{result.message or ''}",
                f"the precheck playbook did not finish ({result.status} rc={result.rc}): {result.message or ''}",
            )
        ]
    for key, hosts in systems.items():
        for host in hosts.hosts:
            findings += [
                _finding(key, host, f.task, f.message, host in frontends)
                for f in result.went_on.get(host, [])
            ]
            if host not in result.failed_hosts:
                continue
            task, message, unreachable = _said(result, host)
            if unreachable:
                findings.append(
                    Finding(
                        key,
                        "reachable",
                        "critical",
                        f"无法连接主机 {host}：{message}",
                        f"cannot reach {host}: {message}",
                    )
                )
            else:
                findings.append(_finding(key, host, task, message, host in frontends))
    return findings
