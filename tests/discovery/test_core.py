"""Discovery's pure core: what the hosts said as dependencies between systems, runs merged, what the plans do not
declare and the waves as if they did (a cycle moves together), and the sizes the facts contradict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from orchestrator.discovery import (
    AddressBook,
    Connection,
    DiscoverySettings,
    HostFacts,
    HostReport,
    Observation,
    Run,
    Undeclared,
    as_declared,
    corrections,
    dependencies,
    facts_of,
    learn,
    merge,
    undeclared,
)
from orchestrator.plan import MigrationPlan, load_paths
from orchestrator.policy import assess
from orchestrator.waves import DEFAULT_WAVES, WaveSettings, plan_waves
from tests.conftest import AS_OF

PLAN = Path(__file__).parent / "plan.yaml"
ALPHA, BETA = "630000-OBS/alpha", "630000-OBS/beta"
T0, T1, T2 = "2026-12-06T08:00:00+00:00", "2026-12-06T08:00:05+00:00", "2026-12-06T09:00:00+00:00"


def _plans() -> list[MigrationPlan]:
    return load_paths([PLAN]).plans


def _seen(frm: str, to: str, port: int, samples: int = 3, first: str = T0, last: str = T1) -> Connection:
    return Connection.model_validate(
        {"from": frm, "to": to, "port": port, "first_seen": first, "last_seen": last, "samples": samples}
    )


def _conn(local: str, remote: str, samples: int = 3) -> dict[str, object]:
    return {"local": local, "remote": remote, "first_seen": T0, "last_seen": T1, "samples": samples}


def test_both_ends_of_one_connection_are_one_dependency_and_peers_outside_are_named_by_address() -> None:
    alpha = HostReport(
        "alpha-src",
        ALPHA,
        "W01",
        addresses=["10.0.0.2", "10.9.0.1"],  # the second is its end of a link the inventory does not know
        listening=["0.0.0.0:8080", "10.0.0.2:22"],
        connections=[
            _conn("10.9.0.1:40000", "10.0.0.3:5432", 4),  # to beta's database
            _conn("10.0.0.2:41000", "172.16.8.8:443", 2),  # to a peer no system owns
            _conn("10.0.0.2:22", "10.0.0.1:50000"),  # the control node's SSH: inbound, unknown
            _conn("127.0.0.1:42000", "127.0.0.1:6379"),  # loopback: inside the host
        ],
    )
    beta = HostReport(
        "beta-src",
        BETA,
        "W01",
        addresses=["10.0.0.3"],
        listening=["10.0.0.3:5432", "*:22"],
        connections=[_conn("10.0.0.3:5432", "10.9.0.1:40000", 3)],  # the same connection, the server's view
    )
    book = AddressBook()
    book.address("10.0.0.2", ALPHA)
    book.address("10.0.0.3", BETA)
    found = dependencies([alpha, beta], learn(book, [alpha, beta]))
    assert [(c.from_, c.to, c.port, c.samples) for c in found] == [
        (ALPHA, "172.16.8.8:443", 443, 2),
        (ALPHA, BETA, 5432, 4),  # once, with the larger count of the two views
    ]
    assert [c.outside for c in found] == [True, False]


def test_a_server_observed_alone_still_names_its_client_system() -> None:
    beta = HostReport(
        "beta-src", BETA, "W02", ["10.0.0.3"], ["10.0.0.3:5432"], [_conn("10.0.0.3:5432", "10.0.0.2:40000")]
    )
    book = AddressBook()
    book.address("10.0.0.2", ALPHA)  # known from another wave's inventory
    assert [(c.from_, c.to) for c in dependencies([beta], learn(book, [beta]))] == [(ALPHA, BETA)]


def test_runs_merge_first_last_and_samples_and_keep_the_latest_facts() -> None:
    at1, at2 = datetime(2026, 12, 6, 8, tzinfo=UTC), datetime(2026, 12, 6, 9, tzinfo=UTC)
    old = Observation(
        runs=[Run(wave="W01", at=at1, window_seconds=5, hosts=1)],
        connections=[_seen(ALPHA, BETA, 5432, 3, T0, T1)],
        hosts=[HostFacts(host="a", system=ALPHA, observed_at=at1, cpus=2)],
    )
    new = Observation(
        runs=[Run(wave="W02", at=at2, window_seconds=5, hosts=1)],
        connections=[_seen(ALPHA, BETA, 5432, 5, T1, T2), _seen(BETA, "10.1.1.1:53", 53, 1)],
        hosts=[HostFacts(host="a", system=ALPHA, observed_at=at2, cpus=8)],
    )
    merged = merge(old, new)
    again = {c.key: c for c in merged.connections}[(ALPHA, BETA, 5432)]
    assert (again.samples, again.first_seen.isoformat(), again.last_seen.isoformat()) == (8, T0, T2)
    assert len(merged.connections) == 2
    assert [h.cpus for h in merged.hosts] == [8]
    assert [r.wave for r in merged.runs] == ["W01", "W02"]
    assert merge(new, old).hosts[0].cpus == 8  # the later observation wins whichever file it came from


def test_the_file_round_trips_with_from_spelled_as_the_contract_spells_it() -> None:
    obs = Observation(connections=[_seen(ALPHA, BETA, 5432)])
    doc = obs.document()
    assert set(doc["connections"][0]) == {"from", "to", "port", "first_seen", "last_seen", "samples"}  # type: ignore[index]
    assert Observation.model_validate(doc) == obs


def test_only_dependencies_between_planned_systems_that_no_plan_declares_are_undeclared() -> None:
    obs = Observation(
        connections=[
            _seen(ALPHA, BETA, 5432),  # undeclared
            _seen(BETA, ALPHA, 8080),  # declared (beta depends_on alpha)
            _seen(ALPHA, "172.16.8.8:443", 443),  # outside: listed by discover, not a plan's dependency
            _seen(ALPHA, "630000-XXX/gone", 80),  # no plan holds it
        ]
    )
    assert undeclared(_plans(), obs) == [Undeclared(ALPHA, BETA, 5432)]


def test_an_undeclared_dependency_closing_a_cycle_moves_the_two_systems_together() -> None:
    plans = _plans()
    settings = WaveSettings(pilot_size=1)

    def waves(ps: list[MigrationPlan]) -> dict[str, str]:
        roadmap = plan_waves(ps, assess(ps, AS_OF), AS_OF, settings)
        return {k: w.id for w in roadmap.waves for k in w.systems}

    assert waves(plans)[ALPHA] != waves(plans)[BETA]  # declared: beta after alpha, alpha alone in the pilot
    amended = as_declared(plans, [Undeclared(ALPHA, BETA, 5432)])
    assert amended[0].systems[0].depends_on == ["beta"]  # a local id within its department
    assert plans[0].systems[0].depends_on == []  # the plans themselves are untouched
    together = waves(amended)
    assert together[ALPHA] == together[BETA]


def _facts(size_bytes: int, engine: str = "postgresql", data_bytes: int = 1000) -> Observation:
    return Observation(
        hosts=[
            HostFacts.model_validate(
                {
                    "host": "beta-src",
                    "system": BETA,
                    "observed_at": T1,
                    "data": [{"path": "/srv/beta", "used_bytes": data_bytes}],
                    "databases": [
                        {
                            "index": 0,
                            "name": "beta",
                            "declared_engine": "postgresql",
                            "measured": True,
                            "engine": engine,
                            "version": "PostgreSQL 15.18",
                            "size_bytes": size_bytes,
                        }
                    ],
                }
            )
        ]
    )


def test_a_database_larger_than_declared_is_named_with_its_size_and_the_window_it_needs() -> None:
    size = 9 * 1024**3  # 9 GB measured, 0.001 GB declared
    found, needs = corrections(_plans(), _facts(size), DiscoverySettings(), DEFAULT_WAVES)
    assert [(c.system, c.field, c.kind, c.declared, c.measured) for c in found] == [
        (BETA, "deployment.databases[0].size_gb", "database_larger", 0.001, 9.0)
    ]
    assert "9 GB" in found[0].zh and "9 GB" in found[0].en
    [need] = needs
    assert (need.declared_gb, need.measured_gb) == (1.001, 10.0)
    # the planner's estimate: warm (PostgreSQL replicates), so the window carries its 5 % delta
    assert need.window_gb == pytest.approx(0.5)
    assert need.window_hours == pytest.approx(0.5 / DEFAULT_WAVES.gb_in(1), abs=1e-4)
    assert need.fits
    slow = WaveSettings(sync_bandwidth_mbps=0.01)
    assert not corrections(_plans(), _facts(size), DiscoverySettings(), slow)[1][0].fits


def test_within_the_tolerance_nothing_is_named_and_another_engine_is() -> None:
    declared = int(0.001 * 1024**3)
    assert corrections(_plans(), _facts(int(declared * 1.05)), DiscoverySettings(), DEFAULT_WAVES) == ([], [])
    found, _ = corrections(
        _plans(), _facts(int(declared * 1.05)), DiscoverySettings(size_tolerance=0.01), DEFAULT_WAVES
    )
    assert [c.kind for c in found] == ["database_larger"]
    found, _ = corrections(_plans(), _facts(declared, engine="mariadb"), DiscoverySettings(), DEFAULT_WAVES)
    assert [(c.kind, c.declared, c.measured) for c in found] == [("engine_differs", "postgresql", "mariadb")]


def test_the_data_directories_larger_than_declared_are_named() -> None:
    found, _ = corrections(_plans(), _facts(1000, data_bytes=3 * 1024**3), DiscoverySettings(), DEFAULT_WAVES)
    assert [(c.field, c.declared, c.measured) for c in found] == [("deployment.data_gb", 1.0, 3.0)]


def test_facts_as_the_modules_report_them() -> None:
    report = HostReport(
        "beta-src",
        BETA,
        "W01",
        ["10.0.0.3"],
        facts={
            "cpus": 4,
            "memory_bytes": 8 * 1024**3,
            "data": [{"path": "/srv/beta", "used_bytes": 10, "files": 1}],
            "databases": [
                {"name": "beta", "measured": False, "why": "no_credentials", "declared_engine": "mysql"}
            ],
        },
    )
    facts = facts_of(report, datetime(2026, 12, 6, tzinfo=UTC))
    assert (facts.cpus, facts.data_bytes, facts.databases[0].index, facts.databases[0].why) == (
        4,
        10,
        0,
        "no_credentials",
    )


def test_the_plan_with_the_findings_accepted() -> None:
    from orchestrator.discovery import accepted

    plans = _plans()
    found, _ = corrections(
        plans, _facts(int(0.0123 * 1024**3), engine="mariadb"), DiscoverySettings(), DEFAULT_WAVES
    )
    plan = accepted(plans[0], [Undeclared(ALPHA, BETA, 5432)], found)
    alpha, beta = plan.systems
    assert alpha.depends_on == ["beta"]
    assert (str(beta.deployment.databases[0].engine), beta.deployment.databases[0].size_gb) == (
        "mariadb",
        0.013,
    )
    assert beta.depends_on == ["alpha"] and plans[0].systems[1].deployment.databases[0].size_gb == 0.001
