"""Two test hosts in network namespaces: a "private network" source and a "gov cloud" target, each with its own
sshd, linked to this machine and to each other (the rehearsal site's namespaces, orchestrator/lab/netns.py).

Addresses come from 198.18.0.0/15 (set aside for testing); no route anywhere else. `down` removes everything.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from orchestrator.lab import Namespaces
from orchestrator.lab import netns as _netns

sh = _netns.sh


def missing() -> str | None:
    """Why the lab cannot run here, or None."""
    for tool in ("rsync", "nginx"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/system-deps.sh installs it)"
    return _netns.missing()


@dataclass
class Host:
    name: str
    ns: str
    address: str  # on the link to this machine
    peer: str  # on the link to the other host
    home: Path


@dataclass
class Lab:
    root: Path
    hosts: dict[str, Host] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.space = Namespaces(self.root)

    @property
    def key(self) -> Path:
        return self.space.key

    @property
    def known_hosts(self) -> Path:
        return self.space.known_hosts

    def up(self) -> Lab:
        for name in ("src", "tgt"):
            self.space.add(name)
        self.space.connect("src", "tgt")
        self.space.start_sshd()
        for name, other in (("src", "tgt"), ("tgt", "src")):
            h = self.space.hosts[name]
            self.hosts[name] = Host(name, h.ns, h.address, h.peers[other], h.home)
        return self

    def run_in(self, host: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self.space.run_in(host, *args)

    def down(self) -> None:
        self.space.down()
