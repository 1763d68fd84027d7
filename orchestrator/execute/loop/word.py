"""The executor's side of the playbook's word between steps: a Unix socket each host asks at the start of a step.

The playbook's lookup (playbooks/lookup_plugins/govmig_word.py) sends `{"step": …, "host": …, "token": …}` (the
run's fencing token, from its environment) and waits for one line, "go" or "stop". Each question is answered on its
own thread by `decide(step, host, token)`, which may take as long as a gate does (a health check held for its
seconds); socketserver, from the standard library, does the serving.
The socket lives in a private temporary folder (a path short enough for AF_UNIX, readable by this user only).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socketserver
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ...contracts import steps

Decide = Callable[[str, str, int | None], bool]
"""(step, host, the asker's fencing token or None) → whether the host's system goes on."""


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True
    decide: Decide


class _Answer(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        go = False
        try:
            asked = json.loads(self.rfile.readline(4096))
            token = asked.get("token")
            said = int(token) if token not in (None, "") else None
            go = self.server.decide(str(asked["step"]), str(asked["host"]), said)
        except (ValueError, KeyError, TypeError):
            go = False  # a question we cannot read is never a yes
        with contextlib.suppress(
            OSError
        ):  # the asker is gone (cancelled, killed as an orphan): nobody to tell
            self.wfile.write(f"{steps.GO if go else steps.STOP}\n".encode())


class Word:
    """Serves `decide` on a fresh socket while in a `with` block; `path` is what GOVMIG_WORD names."""

    def __init__(self, decide: Decide) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="govmig-word-"))
        self.path = str(self._folder / "s")
        self._server = _Server(self.path, _Answer)
        self._server.decide = decide
        self._thread = threading.Thread(target=self._server.serve_forever, name="govmig-word", daemon=True)

    def __enter__(self) -> Word:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        shutil.rmtree(self._folder, ignore_errors=True)
