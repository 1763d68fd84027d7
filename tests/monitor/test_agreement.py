"""The monitor's queries, the rendered ServiceMonitors, Probes and recording rules, and the Grafana dashboard all
speak of the same labels and series names: checked on the example province's render tree, and live."""

from __future__ import annotations

import json
import re

import yaml

from orchestrator.contracts.metrics import AGGREGATION_LABELS, ERRORS, HEALTH_JOB
from orchestrator.monitor import cycle_queries, dashboard, load_catalog
from tests.monitor import lab
from tests.monitor.conftest import Stack
from tests.render.conftest import Rendered

REQUIRED = {*AGGREGATION_LABELS, "zone", "wave"}


def test_every_probe_and_service_monitor_carries_the_aggregation_labels(rendered: Rendered) -> None:
    index = {s["system"]: s for s in json.loads(rendered.files["index.json"])["systems"]}
    probes = monitors = 0
    for path, doc in rendered.objects("monitoring/"):
        if doc["kind"] == "Probe":
            probes += 1
            labels = doc["spec"]["targets"]["staticConfig"]["labels"]
            assert doc["spec"]["jobName"] == HEALTH_JOB
            assert labels.keys() >= REQUIRED, path
            entry = index[f"{labels['department']}/{labels['system']}"]
            assert (labels["zone"], labels["wave"]) == (entry["zone"], entry["wave"]), path
        elif doc["kind"] == "ServiceMonitor":
            monitors += 1
            for endpoint in doc["spec"]["endpoints"]:  # per target, or per series (the resource scrapes)
                relabelled = endpoint["relabelings"] + endpoint.get("metricRelabelings", [])
                assert {r.get("targetLabel") for r in relabelled} >= REQUIRED, path
    assert probes > 50 and monitors > 10


def test_every_query_aggregates_by_department_and_system() -> None:
    for q in cycle_queries():
        if q.name == "burn":
            continue
        assert (
            f"by ({', '.join(AGGREGATION_LABELS)})" in q.promql or "by (le, department, system)" in q.promql
        ), q


def test_the_burn_query_reads_the_series_the_rendered_rules_record(rendered: Rendered) -> None:
    recorded: dict[str, str] = {}
    for path, text in rendered.files.items():
        if "/rules/" in path and path.endswith(".rules.yaml"):  # not the resources' scrape jobs beside them
            for group in yaml.safe_load(text)["groups"]:
                recorded.update({r["record"]: r["expr"] for r in group["rules"] if "record" in r})
    burn = next(q for q in cycle_queries() if q.name == "burn").promql
    names = set(re.findall(r"label_replace\(([a-z_:0-9]+),", burn))
    assert names and names <= recorded.keys()
    assert all("by (department, system, zone, wave)" in recorded[n] for n in names)


def test_the_catalog_reads_every_rendered_system(rendered: Rendered) -> None:
    targets, probes = load_catalog(rendered.out)
    index = [s for s in json.loads(rendered.files["index.json"])["systems"] if s["rendered"]]
    assert [t.key for t in targets] == [s["system"] for s in index]
    assert {f"{p.labels['department']}/{p.labels['system']}" for p in probes} == {
        t.key for t in targets if t.probe_urls
    }


def test_dashboard_has_the_variables_and_prometheus_accepts_every_panel_query(stack: Stack) -> None:
    board = dashboard()
    names = [v["name"] for v in board["templating"]["list"]]
    assert names == ["datasource", "department", "zone", "wave"]
    json.dumps(board)  # plain JSON, as Grafana imports it
    for panel in board["panels"]:
        for target in panel["targets"]:
            expr = re.sub(r"\$(department|zone|wave)", ".*", target["expr"])
            stack.query(expr)  # raises on HTTP 400: a query Prometheus cannot parse
    up = stack.query(re.sub(r"\$(department|zone|wave)", ".*", board["panels"][0]["targets"][0]["expr"]))
    assert up and float(up[0]["value"][1]) > 0  # type: ignore[index]


def test_every_panel_with_data_keeps_it_under_a_chosen_department_zone_and_wave(stack: Stack) -> None:
    """What a panel shows for all systems it shows for the one chosen: no recorded series drops the labels the
    variables filter on."""
    target = stack.targets[0]
    chosen = {"department": target.department, "zone": target.zone, "wave": target.wave}
    shown = 0
    assert lab.wait_until(
        lambda: bool(stack.query(f'{ERRORS.format(window="1h")}{{system="{target.system}"}}')), 60, 1
    ), "the recording rules never ran"
    for panel in dashboard()["panels"]:
        expr = panel["targets"][0]["expr"]
        everything = stack.query(re.sub(r"\$(department|zone|wave)", ".*", expr))
        if not everything:
            continue  # nothing to show for the stand-ins (they export no latency histogram, no 5xx)
        one = stack.query(re.sub(r"\$(department|zone|wave)", lambda m: chosen[m[1]], expr))
        assert one, panel["title"]
        shown += 1
    assert shown >= 7
