"""Hosts of a rehearsal site in network namespaces: each with a link to this machine and its own sshd, and links
between hosts that can be cut and restored (the migration link between a source and its target).

Addresses come from 198.18.0.0/15, set aside for benchmarking and tests (RFC 2544): every namespace has links
only to this machine and to its peers, and no route anywhere else. Everything started is stopped by `down`.
"""

from __future__ import annotations

import ipaddress
import os
import random
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path


def missing() -> str | None:
    """Why namespaces cannot be used here (then the site uses the local connection), or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "/usr/sbin/sshd", "ssh-keygen"):
        if shutil.which(tool) is None and not Path(tool).exists():
            return f"{tool} is not installed (scripts/system-deps.sh installs it)"
    probe = f"gmprobe{uuid.uuid4().hex[:4]}"
    if subprocess.run(["ip", "netns", "add", probe], capture_output=True, check=False).returncode != 0:
        return "cannot create network namespaces here"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=60)


def _free_block() -> ipaddress.IPv4Network:
    """A /24 of 198.18.0.0/15 that no interface of this machine uses yet (chosen at random: parallel sites)."""
    used = sh("ip", "-o", "-4", "addr", "show").stdout
    for _ in range(200):
        net = ipaddress.IPv4Network(f"198.{random.choice((18, 19))}.{random.randrange(1, 255)}.0/24")
        if f"inet {'.'.join(str(net.network_address).split('.')[:3])}." not in used:
            return net
    raise RuntimeError("no free /24 left in 198.18.0.0/15")


@dataclass
class Host:
    name: str
    ns: str
    address: str  # on the link to this machine
    home: Path
    peers: dict[str, str] = field(default_factory=dict)  # other host → this host's address on their link
    sshd: int | None = None  # pid

    def ssh_known(self, public: str) -> list[str]:
        return [f"{a} {public}\n" for a in (self.address, *self.peers.values())]


@dataclass
class Namespaces:
    root: Path
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:5])
    hosts: dict[str, Host] = field(default_factory=dict)
    links: dict[tuple[str, str], str] = field(default_factory=dict)  # (a, b) → a's end of the veth
    block: ipaddress.IPv4Network = field(default_factory=_free_block)
    used: int = 0

    @property
    def key(self) -> Path:
        return self.root / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.root / "known_hosts"

    def _pair(self) -> tuple[str, str]:
        """The next /30's two usable addresses."""
        base = int(self.block.network_address) + 4 * self.used
        self.used += 1
        if self.used > 63:
            self.block, self.used = _free_block(), 1
            base = int(self.block.network_address)
        return str(ipaddress.IPv4Address(base + 1)), str(ipaddress.IPv4Address(base + 2))

    def add(self, name: str) -> Host:
        n = len(self.hosts)
        ns = f"gm{self.tag}{n}"
        here, there = self._pair()
        host = Host(name, ns, there, self.root / "hosts" / name)
        host.home.mkdir(parents=True, exist_ok=True)
        sh("ip", "netns", "add", ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        self._veth(f"gm{self.tag}{n}h", f"gm{self.tag}{n}n", None, ns, here, there)
        self.hosts[name] = host
        return host

    def connect(self, a: str, b: str) -> None:
        ha, hb = self.hosts[a], self.hosts[b]
        addr_a, addr_b = self._pair()
        end = f"gm{self.tag}{len(self.links)}x"
        self._veth(end, f"gm{self.tag}{len(self.links)}y", ha.ns, hb.ns, addr_a, addr_b)
        ha.peers[b], hb.peers[a] = addr_a, addr_b
        self.links[(a, b)] = end

    def _veth(self, a: str, b: str, ns_a: str | None, ns_b: str, addr_a: str, addr_b: str) -> None:
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        for name, ns, addr in ((a, ns_a, addr_a), (b, ns_b, addr_b)):
            if ns:
                sh("ip", "link", "set", name, "netns", ns)
                sh("ip", "-n", ns, "addr", "add", f"{addr}/30", "dev", name)
                sh("ip", "-n", ns, "link", "set", name, "up")
            else:
                sh("ip", "addr", "add", f"{addr}/30", "dev", name)
                sh("ip", "link", "set", name, "up")

    def isolate(self, name: str) -> None:
        """Removes the host's link to this machine: it keeps only its links to its peers (a zone that only its
        execution node reaches, a control node that reaches only the node). Start sshd before: it waits for the
        link to this machine to answer."""
        sh("ip", "link", "del", f"gm{self.tag}{list(self.hosts).index(name)}h", check=False)

    def cut(self, a: str, b: str, up: bool = False) -> None:
        """Takes the link between two hosts down (or up again): what a broken migration link looks like."""
        end = self.links.get((a, b)) or self.links[(b, a)]
        owner = self.hosts[a if (a, b) in self.links else b]
        sh("ip", "-n", owner.ns, "link", "set", end, "up" if up else "down")

    def start_sshd(self) -> None:
        """An sshd in every namespace, reachable with `key`; `known_hosts` lists every address."""
        if not self.key.exists():
            sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key))
        Path("/run/sshd").mkdir(exist_ok=True)
        known: list[str] = []
        for host in self.hosts.values():
            known += self._sshd(host)
        self.known_hosts.write_text("".join(known))

    def _sshd(self, host: Host) -> list[str]:
        etc = host.home / "sshd"
        etc.mkdir(parents=True, exist_ok=True)
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(etc / "host_key"))
        (etc / "authorized_keys").write_text(self.key.with_suffix(".pub").read_text())
        listen = [f"ListenAddress {a}" for a in (host.address, *host.peers.values())]
        (etc / "sshd_config").write_text(
            "\n".join(
                [
                    "Port 22",
                    *listen,
                    f"HostKey {etc / 'host_key'}",
                    f"AuthorizedKeysFile {etc / 'authorized_keys'}",
                    f"PidFile {etc / 'sshd.pid'}",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PrintMotd no",
                    "Subsystem sftp internal-sftp",
                    "MaxStartups 50",
                    "",
                ]
            )
        )
        with open(etc / "sshd.log", "wb") as log:
            proc = subprocess.Popen(
                [
                    "ip",
                    "netns",
                    "exec",
                    host.ns,
                    "/usr/sbin/sshd",
                    "-D",
                    "-e",
                    "-f",
                    str(etc / "sshd_config"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        host.sshd = proc.pid
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host.address, 22), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"sshd in {host.ns} did not start: {(etc / 'sshd.log').read_text()}")
        public = " ".join((etc / "host_key.pub").read_text().split()[:2])
        return host.ssh_known(public)

    def run_in(self, host: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return sh("ip", "netns", "exec", self.hosts[host].ns, *args, check=check)

    def down(self) -> None:
        """Kills every process in the namespaces and removes them with their links."""
        for host in self.hosts.values():
            remove(host.ns)
        for end in self.links.values():
            sh("ip", "link", "del", end, check=False)
        for n in range(len(self.hosts)):
            sh("ip", "link", "del", f"gm{self.tag}{n}h", check=False)


def remove(ns: str) -> None:
    """Kills what runs in a namespace and deletes it (also for a site whose starter is gone)."""
    for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
        sh("kill", "-9", pid, check=False)
    for _ in range(50):
        if not sh("ip", "netns", "pids", ns, check=False).stdout.split():
            break
        time.sleep(0.1)
    sh("ip", "netns", "del", ns, check=False)
