"""The hosts, checked the way the night will reach them: the wave's own playbook, its precheck step only, in
Ansible's check mode (nothing on a host changes), through the same runner and execution nodes as the run. Each
host that cannot be reached, or whose precheck fails (no data directory, no way to stop the source, no room on the
target), is a critical finding of its system, in the words the playbook's own check says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..contracts import steps
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
NoEvents: Callable[[dict[str, object]], None] = lambda event: None  # noqa: E731


def _said(result: RunResult, host: str) -> tuple[str, str, bool]:
    failure = result.failures.get(host)
    message = (failure.message if failure else result.message) or result.status
    unreachable = bool(UNREACHABLE.search(message))
    return (failure.task if failure else ""), message, unreachable


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
    )
    result = runner(request, NoEvents, lambda: False)
    if result.ok:
        return []
    findings: list[Finding] = []
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
                findings.append(
                    Finding(
                        key,
                        "precheck",
                        "critical",
                        f"主机 {host} 预检未通过（{task}）：{message}",
                        f"{host} failed its precheck ({task}): {message}",
                    )
                )
    return findings
