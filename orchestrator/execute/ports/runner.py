"""Running one step of a wave's systems through ansible-runner: the seam the executor calls, and its real one.

One run takes every system at the step (its hosts in `limit`); what each host came to is read from the playbook's
own tally (the `playbook_on_stats` event), so a failing host fails only its system, and a run that never reached
its tally (cancelled, killed, a syntax error) fails every system in it.

ansible-runner's pitfalls, handled here: its artifacts are rotated (`rotate_artifacts`); extra vars and secrets are
never written under env/ (`suppress_env_files`); every run gets its own private data directory; the SIGINT and
SIGTERM handlers it installs in the main thread are restored afterwards (we always pass a cancel callback, so it
should not install them, and we restore them anyway); check mode goes through `cmdline`. Events are handed to the
caller and not written to the artifact folder.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from uuid import uuid4

from ...contracts import steps

EventSink = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class RunRequest:
    wave: str
    systems: tuple[str, ...]
    step: str
    attempt: int
    tags: tuple[str, ...]
    limit: tuple[str, ...]
    check: bool
    playbook: Path
    inventory: Path
    roles: Path
    private_dir: Path
    extravars: dict[str, Any] = field(default_factory=dict)
    forks: int = 5
    """Hosts Ansible works on at once."""
    word: str | None = None
    """The executor's socket between steps (execute/loop/word.py), when one run takes the systems through several."""
    token: int | None = None
    """The run's fencing token (store/fences.py): in the playbook's environment, so its word names it and a later
    holder's reaping tells its orphans from its own."""


@dataclass(frozen=True)
class HostFailure:
    task: str
    message: str  # what the failed task said (its `msg`, Chinese and English where ours)


@dataclass(frozen=True)
class RunResult:
    ok: bool
    status: str
    rc: int
    failed_task: str | None = None
    message: str | None = None
    tallied: bool = False
    """The playbook reached its own tally: `failed_hosts` is then every host that failed or was unreachable."""
    failed_hosts: frozenset[str] = frozenset()
    failures: dict[str, HostFailure] = field(default_factory=dict)
    """What made each host fail: its first failed task and what it said."""
    went_on: dict[str, list[HostFailure]] = field(default_factory=dict)
    """Each host's failed tasks that the play went on past (`ignore_errors`: preflight's precheck, which names every
    failed check of a host, not only its first), in order, a loop's failed items each."""

    def came_through(self, hosts: Sequence[str]) -> bool:
        """Whether these hosts (one system's) came through the run: all of it passed, or the tally says none of
        them failed. A run that failed without a tally (cancelled, killed) leaves nobody through."""
        if self.ok:
            return True
        return self.tallied and bool(self.failed_hosts) and not self.failed_hosts.intersection(hosts)

    def why(self, hosts: Sequence[str]) -> str:
        """Why these hosts did not come through: their own first failure where one was seen, else the run's."""
        own = next((self.failures[h] for h in hosts if h in self.failures), None)
        task, message = (own.task, own.message) if own else (self.failed_task, self.message)
        return (
            f"{self.status} rc={self.rc}"
            + (f" at task '{task}'" if task else "")
            + (f": {message}" if message else "")
        )


class PlaybookRunner(Protocol):
    def __call__(
        self, request: RunRequest, on_event: EventSink, cancelled: Callable[[], bool]
    ) -> RunResult: ...


def search_path() -> str:
    """PATH with this interpreter's bin folder first: a virtualenv's ansible-playbook need not be on PATH.

    (ansible-runner's `binary` parameter would switch it to raw mode, losing the playbook and the events.)
    """
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)])


class AnsibleRunner:
    """The real runner: ansible-runner in-process, one private data directory per system."""

    def __init__(self, keep_artifacts: int = 10, timeout: int | None = None) -> None:
        self.keep_artifacts = keep_artifacts
        self.timeout = timeout

    def __call__(self, request: RunRequest, on_event: EventSink, cancelled: Callable[[], bool]) -> RunResult:
        import ansible_runner

        tally = Tally(on_event)
        request.private_dir.mkdir(parents=True, exist_ok=True)
        reap_orphans(request.private_dir, request.token)
        saved = _save_signals()
        try:
            result = ansible_runner.run(
                private_data_dir=str(request.private_dir),
                playbook=str(request.playbook),
                inventory=str(request.inventory),
                **run_options(request),
                envvars={
                    "ANSIBLE_ROLES_PATH": str(request.roles),
                    "ANSIBLE_LIBRARY": str(request.roles.parent / "library"),
                    **ANSIBLE_ENV,
                    "PATH": search_path(),
                    ORPHAN_MARK: str(request.private_dir),
                    **({steps.WORD_ENV: request.word} if request.word else {}),
                    **({steps.FENCE_ENV: str(request.token)} if request.token is not None else {}),
                },
                rotate_artifacts=self.keep_artifacts,
                timeout=self.timeout,
                event_handler=tally.handle,
                cancel_callback=cancelled,
            )
        finally:
            _restore_signals(saved)
        return tally.result(str(result.status), int(result.rc or 0))


ANSIBLE_ENV = {
    "ANSIBLE_NOCOLOR": "1",
    "ANSIBLE_RETRY_FILES_ENABLED": "0",
    "ANSIBLE_PIPELINING": "1",  # one SSH round trip per task, not three
    "ANSIBLE_STRATEGY": "govmig_linear",  # linear, over Mitogen: one interpreter per host (playbooks/strategy_plugins)
}


def run_options(request: RunRequest) -> dict[str, Any]:
    """What every run of a request passes ansible-runner, here or on an execution node."""
    return {
        "limit": ",".join(request.limit),
        "tags": ",".join(request.tags),
        "forks": max(1, request.forks),
        "cmdline": "--check --diff" if request.check else None,
        "extravars": request.extravars or None,
        "ident": f"{request.step}-{request.attempt}-{uuid4().hex[:6]}",  # unique per run
        "suppress_env_files": True,  # extra vars and secrets are never written under env/
        "quiet": True,
    }


class Tally:
    """A run's events as they come: each host's first failure, the playbook's own tally, every event handed
    on; then the run's result from them."""

    def __init__(self, on_event: EventSink) -> None:
        self.on_event = on_event
        self.failures: dict[str, HostFailure] = {}
        self.went_on: dict[str, list[HostFailure]] = {}
        self.tally: dict[str, Any] = {}

    def handle(self, event: dict[str, Any]) -> bool:
        data = event.get("event_data") or {}
        if event.get("event") in ("runner_on_failed", "runner_on_unreachable") and not data.get(
            "ignore_errors"
        ):
            failure = HostFailure(str(data.get("task", "")), failure_message(data.get("res") or {}))
            self.failures.setdefault(str(data.get("host", "")), failure)
        elif event.get("event") == "runner_on_failed":
            task, res = str(data.get("task", "")), data.get("res") or {}
            self.went_on.setdefault(str(data.get("host", "")), []).extend(
                HostFailure(task, m) for m in failure_messages(res)
            )
        elif event.get("event") == "playbook_on_stats":
            self.tally.update(data)
        self.on_event(event)
        return False  # the store keeps what matters; nothing more on disk

    def result(self, status: str, rc: int) -> RunResult:
        failures, tally = self.failures, self.tally
        first = next(iter(failures.values()), None)
        return RunResult(
            ok=status == "successful" and rc == 0,
            status=status,
            rc=rc,
            failed_task=first.task if first else None,
            message=next((f.message for f in failures.values() if f.message), None),
            tallied=bool(tally),
            failed_hosts=frozenset(
                str(host) for key in ("failures", "dark") for host in (tally.get(key) or {})
            ),
            failures=failures,
            went_on=self.went_on,
        )


def result_items(res: dict[str, Any]) -> list[dict[str, Any]]:
    """A task's result and, for a loop, each item's."""
    results = res.get("results")
    items = results if isinstance(results, list) else []
    return [res, *(i for i in items if isinstance(i, dict))]


def failure_messages(res: dict[str, Any]) -> list[str]:
    """A failed task's own words (a loop's: each failed item's), each cut to what a status line can hold."""
    said = []
    for item in result_items(res):
        if item.get("failed") is not False and item.get("msg"):
            msg = str(item["msg"])
            if msg != "One or more items failed":
                said.append(" ".join(msg.split())[:400])
    return said


def failure_message(res: dict[str, Any]) -> str:
    """A failed task's own words (a loop's first failed item's)."""
    return next(iter(failure_messages(res)), "")


ORPHAN_MARK = "GOVMIG_STEP_DIR"
"""Every playbook a step starts carries its step's folder in this variable, and so do all its children."""


def _token_in(environ: bytes) -> int | None:
    """The fencing token a process's environment carries, if any."""
    key = f"{steps.FENCE_ENV}=".encode()
    for entry in environ.split(b"\0"):
        if entry.startswith(key):
            try:
                return int(entry[len(key) :])
            except ValueError:
                return None
    return None


def reap_orphans(private_dir: Path, token: int | None = None) -> int:
    """Kills what an earlier attempt of this system's step left running: after a kill -9 of `govmig run`, the
    ansible-playbook it started lives on in its own session (pexpect gives it one) and would run beside the
    resumed step. Found by the mark in their environment, and only Ansible's own processes (the playbook, its
    workers, a module it runs): a service a task started on this machine carries the mark too, and lives on.
    With a fencing `token`, only a playbook of an older token (or none) is an orphan: a runner that was taken
    over, woken up, never kills its successor's playbook. Returns how many were killed."""
    mark = f"{ORPHAN_MARK}={private_dir}".encode() + b"\0"
    killed = 0
    for proc in Path("/proc").glob("[0-9]*"):
        if int(proc.name) == os.getpid():
            continue
        try:
            environ = (proc / "environ").read_bytes() + b"\0"
            if mark not in environ:
                continue
            theirs = _token_in(environ)
            if token is not None and theirs is not None and theirs >= token:
                continue
            command = (proc / "cmdline").read_bytes()
            if b"ansible" not in command and b"AnsiballZ" not in command:
                continue
            os.kill(int(proc.name), signal.SIGKILL)
            killed += 1
        except (OSError, ValueError):
            continue
    return killed


def _save_signals() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}


def _restore_signals(saved: dict[int, Any]) -> None:
    for sig, handler in saved.items():
        signal.signal(sig, handler)
