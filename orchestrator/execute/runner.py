"""Running one step of one system through ansible-runner: the seam the executor calls, and its real implementation.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

EventSink = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class RunRequest:
    wave: str
    system: str
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


@dataclass(frozen=True)
class RunResult:
    ok: bool
    status: str
    rc: int
    failed_task: str | None = None
    message: str | None = None  # what the failed task said (its `msg`, Chinese and English where ours)


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

        failed: list[str] = []
        said: list[str] = []

        def handle(event: dict[str, Any]) -> bool:
            data = event.get("event_data") or {}
            if event.get("event") in ("runner_on_failed", "runner_on_unreachable") and not data.get(
                "ignore_errors"
            ):
                failed.append(str(data.get("task", "")))
                said.append(failure_message(data.get("res") or {}))
            on_event(event)
            return False  # the store keeps what matters; nothing more on disk

        request.private_dir.mkdir(parents=True, exist_ok=True)
        reap_orphans(request.private_dir)
        saved = _save_signals()
        try:
            result = ansible_runner.run(
                private_data_dir=str(request.private_dir),
                playbook=str(request.playbook),
                inventory=str(request.inventory),
                limit=",".join(request.limit),
                tags=",".join(request.tags),
                cmdline="--check --diff" if request.check else None,
                envvars={
                    "ANSIBLE_ROLES_PATH": str(request.roles),
                    "ANSIBLE_LIBRARY": str(request.roles.parent / "library"),
                    "ANSIBLE_NOCOLOR": "1",
                    "ANSIBLE_RETRY_FILES_ENABLED": "0",
                    "ANSIBLE_PIPELINING": "1",  # one SSH round trip per task, not three
                    "PATH": search_path(),
                    ORPHAN_MARK: str(request.private_dir),
                },
                extravars=request.extravars or None,
                ident=f"{request.step}-{request.attempt}",
                rotate_artifacts=self.keep_artifacts,
                suppress_env_files=True,
                quiet=True,
                timeout=self.timeout,
                event_handler=handle,
                cancel_callback=cancelled,
            )
        finally:
            _restore_signals(saved)
        ok = result.status == "successful" and result.rc == 0
        return RunResult(
            ok=ok,
            status=str(result.status),
            rc=int(result.rc or 0),
            failed_task=failed[0] if failed else None,
            message=next((m for m in said if m), None),
        )


def result_items(res: dict[str, Any]) -> list[dict[str, Any]]:
    """A task's result and, for a loop, each item's."""
    results = res.get("results")
    items = results if isinstance(results, list) else []
    return [res, *(i for i in items if isinstance(i, dict))]


def failure_message(res: dict[str, Any]) -> str:
    """A failed task's own words (a loop's first failed item's), cut to what a status line can hold."""
    for item in result_items(res):
        if item.get("failed") is not False and item.get("msg"):
            msg = str(item["msg"])
            if msg != "One or more items failed":
                return " ".join(msg.split())[:400]
    return ""


ORPHAN_MARK = "GOVMIG_STEP_DIR"
"""Every playbook a step starts carries its step's folder in this variable, and so do all its children."""


def reap_orphans(private_dir: Path) -> int:
    """Kills what an earlier attempt of this system's step left running: after a kill -9 of `govmig run`, the
    ansible-playbook it started lives on in its own session (pexpect gives it one) and would run beside the
    resumed step. Found by the mark in their environment, and only Ansible's own processes (the playbook, its
    workers, a module it runs): a service a task started on this machine carries the mark too, and lives on.
    Returns how many were killed."""
    mark = f"{ORPHAN_MARK}={private_dir}".encode() + b"\0"
    killed = 0
    for proc in Path("/proc").glob("[0-9]*"):
        if int(proc.name) == os.getpid():
            continue
        try:
            if mark not in (proc / "environ").read_bytes() + b"\0":
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
