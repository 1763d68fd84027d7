"""The executor's word on whether a host's system goes on to a step of the wave (govmig's execute/word.py).

One playbook run takes a wave's systems through several steps; at the start of each step every host asks the
executor, over the Unix socket named in GOVMIG_WORD, whether its system goes on. The executor records the system's
step as begun before it says "go", and says "stop" to a system that failed, waits for an operator, was refused at
a gate, or whose wave is pausing. The question names the run's fencing token (GOVMIG_FENCE_TOKEN): a run that
another executor took over is told "stop", so a playbook woken after the takeover goes no further. Without GOVMIG_WORD (a plain `ansible-playbook` run) every step goes on. No word
(the executor gone, a timeout) is an error: the host fails rather than go on unrecorded.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

DOCUMENTATION = r"""
name: govmig_word
short_description: the executor's word on whether a host's system goes on to a step
description:
  - Asks govmig's executor over the Unix socket in the environment variable GOVMIG_WORD; returns C(go) or C(stop).
  - Without GOVMIG_WORD it returns C(go).
options:
  _terms:
    description: the step, then the host's inventory name
    required: true
"""


class LookupModule(LookupBase):
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        step, host = (str(t) for t in terms[:2])
        path = os.environ.get("GOVMIG_WORD")
        if not path:
            return ["go"]
        timeout = float(os.environ.get("GOVMIG_WORD_TIMEOUT", "3600"))
        token = os.environ.get("GOVMIG_FENCE_TOKEN")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(timeout)
                conn.connect(path)
                conn.sendall(json.dumps({"step": step, "host": host, "token": token}).encode() + b"\n")
                answer = conn.makefile("r", encoding="utf-8").readline().strip()
        except OSError as exc:
            raise AnsibleError(f"no word from govmig's executor for {host} at {step}: {exc}") from exc
        if answer not in ("go", "stop"):
            raise AnsibleError(f"no word from govmig's executor for {host} at {step}")
        return [answer]
