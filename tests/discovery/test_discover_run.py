"""The discover run's adapter with a runner double: what it asks of the runner (check mode, bounded samples, the
staged playbook with its modules, the wave's sources only), names resolved through the DNS seam so a peer in
another wave is named, and a host that did not answer listed as failed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestrator.app import Portfolio, discover
from orchestrator.discovery import DiscoverySettings
from orchestrator.execute import RunRequest, RunResult
from orchestrator.plan import load_paths
from orchestrator.waves import WaveSettings
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
ALPHA, BETA = "630000-OBS/alpha", "630000-OBS/beta"
ADDRESSES = {"alpha": "10.0.0.2", "beta": "10.0.0.3"}


class Hosts:
    """Answers for the hosts it is asked about as the two modules would; `silent` hosts answer nothing."""

    def __init__(self, silent: tuple[str, ...] = ()) -> None:
        self.silent = silent
        self.requests: list[RunRequest] = []
        self.staged: list[str] = []

    def __call__(
        self, request: RunRequest, on_event: Callable[[dict[str, Any]], None], cancelled: Callable[[], bool]
    ) -> RunResult:
        self.requests.append(request)
        self.staged = sorted(p.name for p in (request.playbook.parent / "library").iterdir())
        for host in request.limit:
            if any(s in host for s in self.silent):
                continue
            me = ADDRESSES[host.split(".")[0]]
            conns = {
                "addresses": [me],
                "listening": [f"{me}:5432"] if me.endswith(".3") else [],
                "connections": [
                    {
                        "local": f"{me}:40000",
                        "remote": "10.0.0.3:5432",
                        "first_seen": "2026-12-06T08:00:00+00:00",
                        "last_seen": "2026-12-06T08:00:04+00:00",
                        "samples": 5,
                    }
                ]
                if me.endswith(".2")
                else [],
            }
            for action, res in (("govmig_connections", conns), ("govmig_facts", {"cpus": 2})):
                on_event(
                    {"event": "runner_on_ok", "event_data": {"host": host, "task_action": action, "res": res}}
                )
        return RunResult(ok=not self.silent, status="successful" if not self.silent else "failed", rc=0)


def _tree(tmp: Path) -> Path:
    # the pilot takes alpha alone: alpha in W01, beta in W02
    Portfolio(load_paths([PLAN]).plans, AS_OF, schedule=WaveSettings(pilot_size=1)).write(tmp / "tree")
    return tmp / "tree"


def _dns(names: Any) -> dict[str, list[str]]:
    return {n: [ADDRESSES[n.split(".")[0]]] for n in names if n.split(".")[0] in ADDRESSES}


def test_a_peer_in_another_wave_is_named_by_the_inventory_name_it_resolves_to(tmp_path: Path) -> None:
    tree, hosts = _tree(tmp_path), Hosts()
    found = discover(tree, "W01", 20, hosts, DiscoverySettings(max_samples=5), resolve=_dns)
    [request] = hosts.requests
    assert request.check and request.limit == ("alpha.630000-obs.src.govcloud.example",)
    assert request.extravars["govmig_discover_samples"] == 5  # bounded, whatever the window
    assert request.extravars["govmig_discover_interval"] == 5.0
    assert hosts.staged == ["govmig_connections.py", "govmig_facts.py"]
    assert [(c.from_, c.to, c.port, c.samples) for c in found.observation.connections] == [
        (ALPHA, BETA, 5432, 5)
    ]
    unresolved = discover(tree, "W01", 20, Hosts(), resolve=lambda names: {})
    assert [c.to for c in unresolved.observation.connections] == ["10.0.0.3:5432"]


def test_all_waves_run_in_turn_and_a_silent_host_is_failed(tmp_path: Path) -> None:
    tree, hosts = _tree(tmp_path), Hosts(silent=("beta",))
    found = discover(tree, "all", 1, hosts, resolve=_dns)
    assert [r.wave for r in hosts.requests] == ["W01", "W02"]
    assert list(found.failed) == ["beta.630000-obs.src.govcloud.example"]
    assert [(r.wave, r.failed) for r in found.observation.runs] == [
        ("W01", []),
        ("W02", ["beta.630000-obs.src.govcloud.example"]),
    ]
    assert [h.system for h in found.observation.hosts] == [ALPHA]


class Garbled(Hosts):
    """A host whose answers are not what the modules say: a sighting without times, facts of the wrong shape."""

    def __call__(
        self, request: RunRequest, on_event: Callable[[dict[str, Any]], None], cancelled: Callable[[], bool]
    ) -> RunResult:
        for host in request.limit:
            conns = {
                "addresses": ["10.0.0.2"],
                "connections": [{"local": "10.0.0.2:1", "remote": "10.0.0.3:2"}],
            }
            for action, res in (("govmig_connections", conns), ("govmig_facts", {"data": [{"path": 1}]})):
                on_event(
                    {"event": "runner_on_ok", "event_data": {"host": host, "task_action": action, "res": res}}
                )
        return RunResult(ok=True, status="successful", rc=0)


def test_a_garbled_answer_is_no_evidence_and_its_host_is_failed_not_a_traceback(tmp_path: Path) -> None:
    found = discover(_tree(tmp_path), "W01", 1, Garbled(), resolve=_dns)
    assert found.observation.connections == [] and found.observation.hosts == []
    assert found.failed == {"alpha.630000-obs.src.govcloud.example": "unreadable facts"}
