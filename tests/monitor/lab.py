"""The real monitoring stack for the tests: Prometheus, blackbox exporter and Alertmanager (Debian packages) on
loopback ports in a temporary folder, and small HTTP services whose behaviour a test switches (up, slow, 5xx,
stopped). Every wait is bounded in time.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from orchestrator.monitor import Target

BLACKBOX = """modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
"""
ALERTMANAGER = """route:
  receiver: none
  group_wait: 1s
receivers:
  - name: none
"""


def missing() -> str | None:
    for tool in ("prometheus", "prometheus-blackbox-exporter", "prometheus-alertmanager"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/system-deps.sh installs it)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return False


def probed(prometheus: str) -> Callable[[], int]:
    """How many systems Prometheus has a health probe result for."""

    def count() -> int:
        try:
            r = httpx.get(
                f"{prometheus}/api/v1/query",
                params={"query": 'probe_success{job="govmig-health"}'},
                timeout=2,
            )
            return len(r.json()["data"]["result"])
        except (httpx.HTTPError, ValueError, KeyError):
            return 0

    return count


@dataclass
class Daemon:
    argv: list[str]
    ready: str
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Daemon:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT)
        if not wait_until(lambda: answers(self.url + self.ready), 30):
            self.stop()
            raise RuntimeError(f"{self.argv[0]} did not become ready: {self.log.read_text()[-2000:]}")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


def _daemon(root: Path, tool: str, config: str, ready: str, *flags: str) -> Daemon:
    """A daemon of `tool` with its config file and log in `root`, listening on a free loopback port."""
    (root / f"{tool}.yml").write_text(config, encoding="utf-8")
    port = free_port()
    argv = [tool, f"--config.file={root / f'{tool}.yml'}", f"--web.listen-address=127.0.0.1:{port}", *flags]
    return Daemon(argv, ready, port, root / f"{tool}.log")


def prometheus(root: Path, config: str) -> Daemon:
    return _daemon(
        root,
        "prometheus",
        config,
        "/-/ready",
        f"--storage.tsdb.path={root / 'tsdb'}",
        "--web.enable-lifecycle",
        "--log.level=warn",
    )


def blackbox(root: Path) -> Daemon:
    return _daemon(root, "prometheus-blackbox-exporter", BLACKBOX, "/-/healthy")


def alertmanager(root: Path, config: str = ALERTMANAGER) -> Daemon:
    return _daemon(
        root,
        "prometheus-alertmanager",
        config,
        "/-/ready",
        f"--storage.path={root / 'alertmanager'}",
        "--cluster.listen-address=",
        "--log.level=warn",
    )


def answers(url: str) -> bool:
    """Whether something answers 200 at `url` right now (for bounded waits)."""
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class App:
    """A migrated system stand-in: /healthz answers by mode, /work is business traffic, /metrics counts it."""

    mode: str = "up"  # up | slow | error
    slow_seconds: float = 1.2
    port: int = field(default_factory=free_port)
    requests: dict[str, int] = field(default_factory=lambda: {"200": 0})
    """Business requests by status code, initialised to zero as Prometheus' instrumentation guide asks."""
    server: http.server.ThreadingHTTPServer | None = None

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/healthz"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def metrics(self) -> str:
        lines = ["# TYPE http_requests_total counter"]
        lines += [f'http_requests_total{{code="{code}"}} {n}' for code, n in sorted(self.requests.items())]
        lines += [
            "# TYPE process_cpu_seconds_total counter",
            "process_cpu_seconds_total 0.5",
            "# TYPE process_resident_memory_bytes gauge",
            "process_resident_memory_bytes 52428800",
        ]
        return "\n".join(lines) + "\n"

    def start(self) -> App:
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/metrics":
                    body, code = app.metrics().encode(), 200
                else:
                    if app.mode == "slow":
                        time.sleep(app.slow_seconds)
                    code = 500 if app.mode == "error" else 200
                    body = b"ok" if code == 200 else b"error"
                    if self.path != "/healthz":
                        app.requests[str(code)] = app.requests.get(str(code), 0) + 1
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the prober gave up on a slow answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="govmig-monitor-"))


def synthetic_targets(n: int) -> list[Target]:
    """n systems over 50 departments, as the monitor would load them from a render tree."""
    return [
        Target(
            f"SYN-{i % 50:02d}",
            f"sys-{i:05d}",
            "extranet" if i % 3 else "intranet",
            f"W{i % 12 + 1:02d}",
            99.5,
        )
        for i in range(n)
    ]


def synthetic_exposition(targets: list[Target], down_every: int = 7) -> str:
    """Series for every target in one scrape (kept by honor_labels): every `down_every`-th system fails its probe."""
    out = ["# TYPE probe_success gauge"]
    for i, t in enumerate(targets):
        ok = 0 if i % down_every == 0 else 1
        base = f'department="{t.department}",system="{t.system}",zone="{t.zone}",wave="{t.wave}"'
        health = f'job="govmig-health",{base}'
        app = f'job="synthetic-app",{base}'
        out += [
            f"probe_success{{{health}}} {ok}",
            f"probe_http_status_code{{{health}}} {200 if ok else 503}",
            f"probe_duration_seconds{{{health}}} 0.0{i % 9 + 1}",
            f'http_requests_total{{{app},code="200"}} {i * 10}',
            f"process_cpu_seconds_total{{{app}}} {i / 100}",
            f"process_resident_memory_bytes{{{app}}} {50_000_000 + i}",
        ]
    return "\n".join(out) + "\n"


@dataclass
class Exporter:
    """Serves a fixed exposition text on /metrics (the 10,000-system test and the monitor benchmark)."""

    text: str
    port: int = field(default_factory=free_port)
    server: http.server.ThreadingHTTPServer | None = None

    def start(self) -> Exporter:
        body = self.text.encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def exporter_config(address: str, interval: str = "5s") -> str:
    return (
        f"global: {{scrape_interval: {interval}, evaluation_interval: {interval}}}\n"
        "scrape_configs:\n"
        f"  - job_name: synthetic\n    honor_labels: true\n    scrape_timeout: {interval}\n"
        f"    static_configs: [{{targets: ['{address}']}}]\n"
    )
