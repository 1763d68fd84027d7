"""Test hosts in network namespaces: a "private network" source and a "gov cloud" target, each with its own sshd.

Addresses come from 198.18.0.0/15 (set aside for testing). Each namespace has links only to this machine and to
the other host, and no route anywhere else. Everything the lab starts is stopped and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path


def missing() -> str | None:
    """Why the lab cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "/usr/sbin/sshd", "ssh-keygen", "rsync", "nginx"):
        if shutil.which(tool) is None and not Path(tool).exists():
            return f"{tool} is not installed (scripts/system-deps.sh installs it)"
    probe = f"gmprobe{uuid.uuid4().hex[:4]}"
    if subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode != 0:
        return "cannot create network namespaces here"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=check, timeout=60)


@dataclass
class Host:
    name: str
    ns: str
    address: str  # on the link to this machine
    peer: str  # on the link to the other host
    home: Path
    sshd: subprocess.Popen[bytes] | None = None


@dataclass
class Lab:
    root: Path
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:5])
    hosts: dict[str, Host] = field(default_factory=dict)
    links: list[str] = field(default_factory=list)
    key: Path = field(init=False)
    known_hosts: Path = field(init=False)

    def __post_init__(self) -> None:
        self.key = self.root / "id_ed25519"
        self.known_hosts = self.root / "known_hosts"

    def up(self) -> Lab:
        net = 18 + (os.getpid() % 2)  # 198.18.x.y or 198.19.x.y
        third = int(self.tag[:2], 16)
        src = Host("src", f"gm{self.tag}s", f"198.{net}.{third}.2", f"198.{net}.{third}.9", self.root / "src")
        tgt = Host(
            "tgt", f"gm{self.tag}t", f"198.{net}.{third}.6", f"198.{net}.{third}.10", self.root / "tgt"
        )
        self.hosts = {"src": src, "tgt": tgt}
        for host in (src, tgt):
            sh("ip", "netns", "add", host.ns)
            sh("ip", "-n", host.ns, "link", "set", "lo", "up")
            host.home.mkdir(parents=True, exist_ok=True)
        self._link(
            f"gm{self.tag}rs", f"gm{self.tag}sr", None, src.ns, f"198.{net}.{third}.1/30", f"{src.address}/30"
        )
        self._link(
            f"gm{self.tag}rt", f"gm{self.tag}tr", None, tgt.ns, f"198.{net}.{third}.5/30", f"{tgt.address}/30"
        )
        self._link(f"gm{self.tag}st", f"gm{self.tag}ts", src.ns, tgt.ns, f"{src.peer}/30", f"{tgt.peer}/30")
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key))
        Path("/run/sshd").mkdir(exist_ok=True)
        known = []
        for host in (src, tgt):
            known += self._sshd(host)
        self.known_hosts.write_text("".join(known))
        return self

    def _link(self, a: str, b: str, ns_a: str | None, ns_b: str, addr_a: str, addr_b: str) -> None:
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        self.links.append(a)
        for name, ns, addr in ((a, ns_a, addr_a), (b, ns_b, addr_b)):
            if ns:
                sh("ip", "link", "set", name, "netns", ns)
                sh("ip", "-n", ns, "addr", "add", addr, "dev", name)
                sh("ip", "-n", ns, "link", "set", name, "up")
            else:
                sh("ip", "addr", "add", addr, "dev", name)
                sh("ip", "link", "set", name, "up")

    def _sshd(self, host: Host) -> list[str]:
        etc = host.home / "sshd"
        etc.mkdir(parents=True, exist_ok=True)
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(etc / "host_key"))
        (etc / "authorized_keys").write_text((self.key.with_suffix(".pub")).read_text())
        (etc / "sshd_config").write_text(
            "\n".join(
                [
                    "Port 22",
                    f"ListenAddress {host.address}",
                    f"ListenAddress {host.peer}",
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
        with open(etc / "sshd.log", "wb") as log:  # the child keeps its own descriptor
            host.sshd = subprocess.Popen(
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
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection((host.address, 22), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"sshd in {host.ns} did not start: {(etc / 'sshd.log').read_text()}")
        public = (etc / "host_key.pub").read_text().split()
        return [f"{addr} {public[0]} {public[1]}\n" for addr in (host.address, host.peer)]

    def run_in(self, host: str, *args: str) -> subprocess.CompletedProcess[str]:
        return sh("ip", "netns", "exec", self.hosts[host].ns, *args)

    def down(self) -> None:
        for host in self.hosts.values():
            pids = sh("ip", "netns", "pids", host.ns, check=False).stdout.split()
            for pid in pids:
                sh("kill", "-9", pid, check=False)
            if host.sshd is not None:
                host.sshd.wait(timeout=10)
            sh("ip", "netns", "del", host.ns, check=False)
        for link in self.links:
            sh("ip", "link", "del", link, check=False)
