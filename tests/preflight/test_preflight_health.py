"""The health URL's check against a real blackbox exporter on loopback, without a rehearsal site: a target that
answers with an error is a warning naming the status (the service is not up yet), and one the prober answers for
is no finding; the prober's own words for a connection that never got through (a firewall dropping it) are
critical, a reply that is only slow is not."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestrator.contracts import dump_inventory
from orchestrator.contracts import tree as layout
from orchestrator.preflight import check_health
from orchestrator.preflight.health_checks import _judged
from tests.monitor import lab as monitoring


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def prober(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if monitoring.missing():
        pytest.skip(monitoring.missing() or "")
    daemon = monitoring.blackbox(tmp_path_factory.mktemp("prober")).start()
    try:
        yield daemon.url
    finally:
        daemon.stop()


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _tree(root: Path, urls: dict[str, str]) -> Path:
    hosts = {
        f"{name}.example": {"govmig_department": "630000-T", "govmig_system": name, "govmig_health_url": url}
        for name, url in urls.items()
    }
    path = root / layout.inventory("W01")
    path.parent.mkdir(parents=True)
    path.write_text(
        dump_inventory({"all": {"children": {"egov_external": {"hosts": hosts}}}}), encoding="utf-8"
    )
    return root


def test_the_prober_s_answer_decides_the_finding(tmp_path: Path, prober: str, target: str) -> None:
    tree = _tree(tmp_path, {"up": f"{target}/healthz", "starting": f"{target}/not-yet"})
    found = check_health(tree, "W01", prober)
    assert [(f.system, f.check, f.severity) for f in found] == [
        ("630000-T/starting", "health_reachable", "warning")
    ], found
    assert "HTTP 503" in found[0].en and "HTTP 503" in found[0].zh

    # the prober itself cannot be asked: said, and the check does not hold the wave
    unasked = check_health(tree, "W01", "http://127.0.0.1:9")
    assert {(f.severity, "--prober" in f.en) for f in unasked} == {("warning", True)}


def test_a_connection_that_never_got_through_is_critical_a_slow_reply_is_not() -> None:
    dropped = (  # blackbox_exporter 0.23's words when a firewall drops the connection
        'level=error msg="Error for HTTP request" err="Get \\"http://10.0.0.9:8080/healthz\\": dial tcp '
        '10.0.0.9:8080: i/o timeout"\nprobe_http_status_code 0\nprobe_success 0\n'
    )
    slow = (
        'level=error msg="Error for HTTP request" err="Get \\"http://10.0.0.9:8080/healthz\\": context '
        'deadline exceeded"\nprobe_http_status_code 0\nprobe_success 0\n'
    )
    url = "http://10.0.0.9:8080/healthz"
    blocked = _judged("630000-T/a", url, "prober:9115", dropped)
    assert blocked is not None and blocked.severity == "critical" and "firewall" in blocked.en
    assert "dial tcp 10.0.0.9:8080: i/o timeout" in blocked.en  # the prober's own words, unescaped
    late = _judged("630000-T/a", url, "prober:9115", slow)
    assert late is not None and late.severity == "warning"
