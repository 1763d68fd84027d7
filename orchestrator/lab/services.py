"""The services of a rehearsal site: a stand-in application on each source and target host, and one nginx in
front of every system, whose upstream the cutover rewrites and reloads.

The stand-in is Python's own HTTP server over a folder that says which side it is (`/healthz` answers "source"
or "target"): enough for the health checks, the cutover gate and a client that follows the front end. Its start
and stop commands are what the site's inventory gives the playbooks (`govmig_service_start`/`_stop`).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .servers import free_port

PORT = 8080


def app_folder(home: Path, side: str) -> Path:
    folder = home / f"{side}-app"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "healthz").write_text(side + "\n", encoding="utf-8")
    (folder / "index.html").write_text(f"<p>{side}</p>\n", encoding="utf-8")
    return folder


def commands(folder: Path, address: str, port: int) -> tuple[str, str]:
    """(start, stop) for the stand-in on `address:port`, as one-line commands Ansible's command module runs."""
    pid, log = folder.parent / f"{folder.name}.pid", folder.parent / f"{folder.name}.log"
    serve = " ".join(
        shlex.quote(a)
        for a in (
            sys.executable,
            "-m",
            "http.server",
            str(port),
            "--bind",
            address,
            "--directory",
            str(folder),
        )
    )
    log_, pid_ = shlex.quote(str(log)), shlex.quote(str(pid))  # the site's folder may hold any character
    start = f"sh -c {shlex.quote(f'setsid {serve} > {log_} 2>&1 < /dev/null & echo $! > {pid_}; sleep 0.5')}"
    stop = f"sh -c {shlex.quote(f'[ -f {pid_} ] && kill $(cat {pid_}) 2>/dev/null; rm -f {pid_}; true')}"
    return start, stop


NODE_EXPORTER = "prometheus-node-exporter"
"""Debian's node_exporter: each target host of the rehearsal runs one, as the move's deploy step installs it."""
NODE_EXPORTER_PORT = 9100


def node_exporter(home: Path, address: str, port: int) -> tuple[str, str] | None:
    """(start, stop) for node_exporter on `address:port` (the CPU, memory and filesystem collectors the resources'
    recording rules read), or None when it is not installed here."""
    binary = shutil.which(NODE_EXPORTER)
    if binary is None:
        return None
    pid, log = home / "node-exporter.pid", home / "node-exporter.log"
    serve = " ".join(
        shlex.quote(a)
        for a in (
            binary,
            f"--web.listen-address={address}:{port}",
            "--collector.disable-defaults",
            "--collector.cpu",
            "--collector.meminfo",
            "--collector.filesystem",
        )
    )
    log_, pid_ = shlex.quote(str(log)), shlex.quote(str(pid))
    start = f"sh -c {shlex.quote(f'setsid {serve} > {log_} 2>&1 < /dev/null & echo $! > {pid_}')}"
    stop = f"sh -c {shlex.quote(f'[ -f {pid_} ] && kill $(cat {pid_}) 2>/dev/null; rm -f {pid_}; true')}"
    return start, stop


def run_in(ns: str | None, command: str) -> None:
    args = shlex.split(command)
    subprocess.run(["ip", "netns", "exec", ns, *args] if ns else args, check=True, timeout=30)


def wait_for(address: str, port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the stand-in on {address}:{port} did not start")


def nginx(root: Path, systems: dict[str, Path]) -> tuple[Path, dict[str, int]]:
    """One nginx on loopback: a port per system, proxying to the upstream its frontend file names."""
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (root / sub).mkdir(exist_ok=True)
    ports = {key: free_port() for key in systems}
    servers = "\n".join(
        f"  upstream u{n} {{ include {upstream}; }}\n"
        f"  server {{ listen 127.0.0.1:{ports[key]}; location / {{ proxy_pass http://u{n}; "
        "proxy_connect_timeout 1s; proxy_read_timeout 5s; } }"
        for n, (key, upstream) in enumerate(sorted(systems.items()))
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = root / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
  fastcgi_temp_path {root}/fastcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
{servers}
}}
""",
        encoding="utf-8",
    )
    subprocess.run(["nginx", "-c", str(conf)], check=True, capture_output=True, timeout=30)
    return conf, ports


def stop_pidfile(pidfile: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pidfile.read_text().split()[0]), signal.SIGTERM)
    pidfile.unlink(missing_ok=True)
