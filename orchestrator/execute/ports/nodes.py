"""Execution nodes: a zone's playbooks run on a node inside that zone, through ansible-runner's own streaming
(`transmit` here → `worker` on the node → `process` here), over SSH, as AWX and Receptor do.

电子政务内网 is physically isolated: nothing outside reaches its hosts. The control side opens one SSH session to
the zone's node per run; the job (project, inventory, options) goes down it, the events come back up it, and
the node reaches out to nothing. The executor's word between steps (execute/loop/word.py) rides the same session as
a forwarded Unix socket (`ssh -R`), so one run still takes the systems through every step.

Which node serves which host the wave's inventory says (`govmig_execution_node`, set per zone group by render
from `execution_nodes`, or on a host); how to reach a node the site's nodes file says (`govmig worker --nodes`).
Hosts without a node run here, on the control node, as before.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ...contracts import load_inventory, steps
from ...contracts import tree as layout
from .inventory import systems_in
from .runner import (
    ANSIBLE_ENV,
    EventSink,
    HostFailure,
    PlaybookRunner,
    RunRequest,
    RunResult,
    Tally,
    run_options,
)

NODE_VAR = "govmig_execution_node"
NAME = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Node(BaseModel):
    """How the control side reaches one execution node, and what it runs there."""

    model_config = ConfigDict(extra="forbid")
    address: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,254}$")  # never an ssh option
    user: str = Field(default="govmig", pattern=r"^[a-z_][a-z0-9_-]{0,31}$")
    port: Annotated[int, Field(ge=1, le=65535)] = 22
    identity: Path | None = None
    known_hosts: Path | None = None
    """Host keys are always checked (StrictHostKeyChecking=yes): the node's key must be known here."""
    runner: str = "ansible-runner"
    """The ansible-runner command on the node."""
    path: str | None = None
    """PATH on the node, where its ansible-playbook is found."""
    workdir: str = "/var/tmp/govmig-node"
    """Where the node unpacks each job (removed when the job ends)."""


class Nodes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodes: dict[Annotated[str, Field(pattern=NAME)], Node] = Field(default_factory=dict)


def load_nodes(path: Path) -> Nodes:
    return Nodes.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _group_vars(inventory: Path, group: str) -> dict[str, Any]:
    path = inventory.parent / "group_vars" / f"{group}.yml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def nodes_of(inventory: Path) -> dict[str, str | None]:
    """Each host's execution node, as Ansible would resolve the variable: the host's own, else the nearest
    group's (a child group over its parent), else none."""
    doc = load_inventory(inventory.read_text(encoding="utf-8")) or {}
    found: dict[str, str | None] = {}

    def walk(name: str, group: dict[str, Any], inherited: str | None) -> None:
        own = (group.get("vars") or {}).get(NODE_VAR) or _group_vars(inventory, name).get(NODE_VAR)
        node = own or inherited
        for host, hostvars in (group.get("hosts") or {}).items():
            mine = (hostvars or {}).get(NODE_VAR) or node
            if mine or host not in found:
                found[host] = mine
        for child, sub in (group.get("children") or {}).items():
            walk(child, sub or {}, node)

    walk("all", doc.get("all") or {}, None)
    return found


def split(inventory: Path, limit: Sequence[str]) -> dict[str | None, list[str]]:
    """The run's hosts by the node that runs them, a whole system on one node: its plays are ordered within one
    playbook (the source stops writing before the target's final sync), so a system's source, target and front
    end never run in two playbooks side by side. A system's node is the one any of its hosts names (its
    target's zone); two different ones are refused (ValueError)."""
    served = nodes_of(inventory)
    node_of: dict[str, str | None] = {}
    for key, system in systems_in(inventory).items():
        named = sorted({n for h in system.hosts if (n := served.get(h))})
        if len(named) > 1:
            raise ValueError(
                f"系统 {key} 的主机分属多个执行节点 the hosts of {key} are served by more than one execution "
                f"node: {', '.join(named)}"
            )
        node_of.update(dict.fromkeys(system.hosts, named[0] if named else None))
    parts: dict[str | None, list[str]] = {}
    for host in limit:
        parts.setdefault(node_of.get(host, served.get(host)), []).append(host)
    return parts


class ZonedRunner:
    """A PlaybookRunner: each request's hosts split by execution node; a node's part runs on that node, the
    rest here (`local`); the results merged as one run's."""

    def __init__(self, nodes: Nodes, local: PlaybookRunner, ssh: str = "ssh") -> None:
        self.nodes, self.local, self.ssh = nodes, local, ssh

    def __call__(self, request: RunRequest, on_event: EventSink, cancelled: Callable[[], bool]) -> RunResult:
        try:
            parts = split(request.inventory, request.limit)
        except ValueError as exc:
            return RunResult(ok=False, status="failed", rc=2, message=str(exc))
        unknown = sorted(n for n in parts if n is not None and n not in self.nodes.nodes)
        if unknown:
            return RunResult(
                ok=False,
                status="failed",
                rc=2,
                message=f"执行节点未配置 no such execution node in the nodes file: {', '.join(unknown)}",
            )
        results: dict[str | None, RunResult] = {}
        lock = threading.Lock()

        def sink(event: dict[str, Any]) -> None:
            with lock:  # two nodes' events, one consumer
                on_event(event)

        def one(node: str | None, hosts: list[str]) -> None:
            part = _narrowed(request, hosts)
            try:
                results[node] = (
                    self.local(part, sink, cancelled)
                    if node is None
                    else NodeRun(self.nodes.nodes[node], node, self.ssh).run(part, sink, cancelled)
                )
            except Exception as exc:  # a node that cannot be reached fails its part, never the others'
                results[node] = RunResult(ok=False, status="error", rc=255, message=f"{node}: {exc}")

        threads = [threading.Thread(target=one, args=(n, h), daemon=True) for n, h in parts.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return merge(list(results.values()))


def _narrowed(request: RunRequest, hosts: list[str]) -> RunRequest:
    return replace(request, limit=tuple(hosts))


def merge(results: list[RunResult]) -> RunResult:
    """Several parts of one run as one: through only when every part is; tallied only when every part reached
    its tally (else a host of an untallied part cannot be said to have come through)."""
    if len(results) == 1:
        return results[0]
    first = next((r for r in results if not r.ok), results[0])
    return RunResult(
        ok=all(r.ok for r in results),
        status=first.status,
        rc=max((r.rc for r in results), default=0),
        failed_task=first.failed_task,
        message=first.message,
        tallied=all(r.tallied for r in results),
        failed_hosts=frozenset().union(*(r.failed_hosts for r in results)),
        failures={k: v for r in results for k, v in r.failures.items()},
        went_on={k: v for r in results for k, v in r.went_on.items()},
    )


class NodeRun:
    """One request on one node: the job packed into a private data directory (project, inventory), sent down an
    SSH session to `ansible-runner worker`, its events read back through `ansible-runner process`."""

    def __init__(self, node: Node, name: str, ssh: str = "ssh") -> None:
        self.node, self.name, self.ssh = node, name, ssh

    def _pack(self, request: RunRequest, into: Path) -> None:
        """The wave's playbook with its roles, modules and lookups, and the wave's inventory with group_vars."""
        shutil.rmtree(into, ignore_errors=True)
        project = into / "project"
        playbooks = request.playbook.parent
        project.mkdir(parents=True)
        shutil.copy2(request.playbook, project / request.playbook.name)
        for folder in layout.PLUGINS:
            name = PurePosixPath(folder).name
            if (playbooks / name).is_dir():
                shutil.copytree(playbooks / name, project / name)
        shutil.copytree(request.inventory.parent, into / "inventory")

    def _command(self, remote: str, socket: str | None, local_socket: str | None) -> list[str]:
        n = self.node
        argv = [self.ssh, "-T", "-p", str(n.port), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
        argv += ["-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=15", "-o", "ConnectTimeout=15"]
        if n.identity:
            argv += ["-i", str(n.identity), "-o", "IdentitiesOnly=yes"]
        if n.known_hosts:
            argv += ["-o", f"UserKnownHostsFile={n.known_hosts}"]
        if socket and local_socket:
            argv += ["-o", "StreamLocalBindUnlink=yes", "-R", f"{socket}:{local_socket}"]
        runner = shlex.quote(n.runner)
        cleanup = " ".join(shlex.quote(p) for p in (remote, *([socket] if socket else [])))
        script = (
            f"umask 077; mkdir -p {shlex.quote(self.node.workdir)} && {runner} worker --private-data-dir {shlex.quote(remote)} --delete; rc=$?; "
            f"rm -rf {cleanup}; exit $rc"
        )
        return [*argv, f"{n.user}@{n.address}", script]

    def run(self, request: RunRequest, on_event: EventSink, cancelled: Callable[[], bool]) -> RunResult:
        import ansible_runner

        job = uuid.uuid4().hex[:12]
        local = request.private_dir / "node" / self.name
        self._pack(request, local)
        remote = f"{self.node.workdir.rstrip('/')}/{job}"
        socket = f"/tmp/govmig-word-{job}" if request.word else None  # bound by sshd before any command runs
        envvars = {
            "ANSIBLE_ROLES_PATH": f"{remote}/project/roles",
            "ANSIBLE_LIBRARY": f"{remote}/project/library",
            **ANSIBLE_ENV,
            **({"PATH": self.node.path} if self.node.path else {}),
            **({steps.WORD_ENV: socket} if socket else {}),
            **({steps.FENCE_ENV: str(request.token)} if request.token is not None else {}),
        }
        session = subprocess.Popen(
            self._command(remote, socket, request.word),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        assert session.stdin is not None and session.stdout is not None and session.stderr is not None
        stdin, errors = session.stdin, session.stderr

        def send() -> None:
            try:
                ansible_runner.run(
                    streamer="transmit",
                    _output=stdin,
                    private_data_dir=str(local),
                    playbook=request.playbook.name,
                    envvars=envvars,
                    **run_options(request),
                )
            except (BrokenPipeError, OSError):
                pass  # the session ended early: what it said comes back on stderr
            finally:
                stdin.close()

        said: list[bytes] = []
        sender = threading.Thread(target=send, daemon=True)
        reader = threading.Thread(target=lambda: said.append(errors.read()), daemon=True)
        sender.start()
        reader.start()
        watcher = threading.Thread(target=self._cancel_when, args=(session, cancelled), daemon=True)
        watcher.start()
        tally = Tally(on_event)
        try:
            processed = ansible_runner.run(
                streamer="process",
                _input=session.stdout,
                private_data_dir=str(local),
                event_handler=tally.handle,
                quiet=True,
            )
            status, rc = str(processed.status), int(processed.rc or 0)
        except Exception as exc:  # a stream cut short: the session's own words say why
            status, rc = "error", 255
            tally.failures.setdefault("", HostFailure("", f"stream: {exc}"))
        finally:
            sender.join(30)
            exit_code = session.wait(timeout=60)
            reader.join(10)
            shutil.rmtree(local, ignore_errors=True)
        if exit_code != 0 and status in ("unstarted", "error", "successful"):
            status, rc = "error", exit_code
            message = b"".join(said).decode(errors="replace").strip()[-400:]
            result = tally.result(status, rc)
            return RunResult(
                ok=False,
                status=status,
                rc=rc,
                failed_task=result.failed_task,
                message=f"execution node {self.name} ({self.node.address}): {message or 'ssh failed'}",
                tallied=result.tallied,
                failed_hosts=result.failed_hosts,
                failures=result.failures,
                went_on=result.went_on,
            )
        return tally.result(status, rc)

    @staticmethod
    def _cancel_when(session: subprocess.Popen[bytes], cancelled: Callable[[], bool]) -> None:
        """An abort ends the session: the node's worker loses its stream and its playbook with it."""
        while session.poll() is None:
            if cancelled():
                session.terminate()
                return
            threading.Event().wait(0.5)
