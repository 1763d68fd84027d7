"""Alert routing: each department's on-call hears its own systems' alerts, supervisors hear all of them, the
heartbeat goes only to the dead man's switch. Checked by Alertmanager's own routing (amtool) and by a real
Alertmanager delivering to webhooks on this machine."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner, Result
from pydantic import ValidationError

from orchestrator.cli.app import cli
from orchestrator.monitor import AlertRouting, alertmanager_config
from tests.monitor import lab

pytestmark = pytest.mark.skipif(
    shutil.which("amtool") is None, reason="amtool comes with prometheus-alertmanager"
)

CZT, FGW, RST = "630000-CZT", "630000-FGW", "630000-RST"


class Hook:
    """A webhook receiver on loopback: the alert groups Alertmanager posted to it."""

    def __init__(self) -> None:
        self.posts: list[dict[str, object]] = []
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.posts.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def alerts(self) -> set[tuple[str, str]]:
        return {
            (a["labels"]["alertname"], a["labels"].get("system", ""))
            for p in self.posts
            for a in p["alerts"]  # type: ignore[attr-defined]
        }


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"COLUMNS": "200"})


def routing(hooks: dict[str, Hook] | None = None, wait: int = 30) -> AlertRouting:
    def url(name: str) -> str:
        return hooks[name].url if hooks else f"http://127.0.0.1:9/{name}"

    return AlertRouting.model_validate(
        {
            "supervisors": {"webhooks": [url("supervisors")]},
            "departments": {CZT: {"webhooks": [url("czt")]}, FGW: {"webhooks": [url("fgw")]}},
            "watchdog": {"webhooks": [url("watchdog")]},
            "group_wait_seconds": wait,
        }
    )


def routes_test(config: Path, *labels: str) -> str:
    proc = subprocess.run(
        ["amtool", "config", "routes", "test", f"--config.file={config}", *labels],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_amtool_accepts_the_config_and_routes_each_alert_to_its_audiences(tmp_path: Path) -> None:
    config = tmp_path / "alertmanager.yml"
    config.write_text(yaml.safe_dump(alertmanager_config(routing())))
    check = subprocess.run(
        ["amtool", "check-config", str(config)], capture_output=True, text=True, timeout=30
    )
    assert check.returncode == 0, check.stdout + check.stderr
    down = ("alertname=GovmigSystemDown", "severity=page")
    assert routes_test(config, f"department={CZT}", *down) == "supervisors,department-630000-CZT"
    assert routes_test(config, f"department={FGW}", *down) == "supervisors,department-630000-FGW"
    assert routes_test(config, f"department={RST}", *down) == "supervisors"  # no receiver of its own
    assert routes_test(config, "department=govmig-monitoring", "alertname=GovmigProberDown") == "supervisors"
    assert routes_test(config, "alertname=GovmigWatchdog", "department=govmig-monitoring") == "watchdog"


def test_a_department_code_cannot_smuggle_a_matcher() -> None:
    with pytest.raises(ValidationError):
        AlertRouting.model_validate(
            {"supervisors": {}, "departments": {'x", department=~".*': {"webhooks": ["http://127.0.0.1:9/"]}}}
        )
    with pytest.raises(ValidationError, match="smtp"):
        AlertRouting.model_validate({"supervisors": {"emails": ["duty@example.gov.cn"]}})


@pytest.fixture
def hooks() -> Iterator[dict[str, Hook]]:
    made = {name: Hook() for name in ("supervisors", "czt", "fgw", "watchdog")}
    yield made
    for h in made.values():
        h.server.shutdown()
        h.server.server_close()


def test_a_real_alertmanager_delivers_each_alert_to_its_department_and_the_supervisors(
    hooks: dict[str, Hook],
) -> None:
    why = lab.missing()
    if why:
        pytest.skip(why)
    root = lab.workdir()
    am = lab.alertmanager(root, yaml.safe_dump(alertmanager_config(routing(hooks, wait=0)))).start()
    try:
        now = datetime.now(UTC)
        alerts = [
            {"alertname": "GovmigSystemDown", "department": CZT, "system": "budget-mgmt", "severity": "page"},
            {
                "alertname": "GovmigSystemDown",
                "department": FGW,
                "system": "invest-approval",
                "severity": "page",
            },
            {"alertname": "GovmigSystemDown", "department": RST, "system": "skill-cert", "severity": "page"},
            {"alertname": "GovmigWatchdog", "department": "govmig-monitoring", "severity": "none"},
        ]
        body = [
            {"labels": a, "startsAt": now.isoformat(), "endsAt": (now + timedelta(minutes=5)).isoformat()}
            for a in alerts
        ]
        httpx.post(f"{am.url}/api/v2/alerts", json=body, timeout=5).raise_for_status()
        expected = {"supervisors": 3, "czt": 1, "fgw": 1, "watchdog": 1}  # every delivery, bounded in time
        assert lab.wait_until(
            lambda: all(len(hooks[name].alerts()) >= n for name, n in expected.items()), 30, 0.2
        ), {name: hooks[name].alerts() for name in expected}
        assert hooks["czt"].alerts() == {("GovmigSystemDown", "budget-mgmt")}
        assert hooks["fgw"].alerts() == {("GovmigSystemDown", "invest-approval")}
        assert hooks["supervisors"].alerts() == {
            ("GovmigSystemDown", "budget-mgmt"),
            ("GovmigSystemDown", "invest-approval"),
            ("GovmigSystemDown", "skill-cert"),
        }
        assert hooks["watchdog"].alerts() == {("GovmigWatchdog", "")}
    finally:
        am.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_the_command_writes_the_config_and_refuses_a_bad_routing_file(tmp_path: Path) -> None:
    good = tmp_path / "routing.yaml"
    good.write_text(yaml.safe_dump(routing().model_dump(by_alias=True, exclude_none=True)))
    result = run_cli(
        "alertmanager-config", "--routing", str(good), "-o", str(tmp_path / "am.yml"), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["departments"] == [CZT, FGW]
    assert (
        yaml.safe_load((tmp_path / "am.yml").read_text())["route"]["routes"][1]["receiver"] == "supervisors"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("supervisors: {webhooks: [not-a-url]}\n")
    result = run_cli("alertmanager-config", "--routing", str(bad), "-o", str(tmp_path / "x.yml"))
    assert result.exit_code == 2 and "webhooks" in result.output and not (tmp_path / "x.yml").exists()
