"""Checked against what a cluster does with them: every overlay admitted (LimitRange defaulting, quotas), every
NetworkPolicy selector resolved, every cloud system routed by its host name, every piece of data with its way in."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from orchestrator.render import load_inventory
from tests.render.admission import Obj, admit, build, pods
from tests.render.conftest import Rendered

KNOWN = {  # what every cluster has, or the operators' installs create: selectable, not rendered
    "kube-system": [{"k8s-app": "kube-dns"}],
    "cnpg-system": [],
    "mysql-operator": [],
    "mariadb-operator": [],
}


CLUSTERS = {"internet": "egov-external", "extranet": "egov-external", "internal": "egov-internal"}
"""Which cluster each overlay is applied to: a network's zones are node pools of one cluster (the workloads'
node affinity), so a policy between an extranet and an internet system resolves there. DR sites: their own."""


def _overlays(r: Rendered) -> Iterator[tuple[str, list[Obj]]]:
    clusters: dict[str, dict[tuple[str, str, str], Obj]] = {}
    for overlay in sorted((r.out / "manifests" / "overlays").iterdir()):
        cluster = clusters.setdefault(CLUSTERS.get(overlay.name, overlay.name), {})
        for d in build(overlay):
            cluster.setdefault((d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]), d)
    for name, objects in sorted(clusters.items()):
        yield name, list(objects.values())


@pytest.fixture(scope="module")
def built(rendered: Rendered, engines: Rendered) -> dict[str, list[Obj]]:
    out = {f"province/{name}": docs for name, docs in _overlays(rendered)}
    out.update({f"engines/{name}": docs for name, docs in _overlays(engines)})
    return out


def test_every_overlay_is_admitted_by_limit_ranges_and_quotas(built: dict[str, list[Obj]]) -> None:
    problems = {name: admit(docs) for name, docs in built.items()}
    assert {k: v for k, v in problems.items() if v} == {}
    kinds = {d["kind"] for docs in built.values() for d in docs}
    assert {"VirtualMachine", "Plan", "Cluster", "InnoDBCluster", "MariaDB", "Job"} <= kinds


def test_the_checker_refuses_what_a_cluster_would(built: dict[str, list[Obj]]) -> None:
    """The checks can fail: the VM as it was rendered before (requests only), a quota one pod short, a
    LiveMigrate VM on RWO disks."""
    docs = copy.deepcopy(built["province/egov-external"])
    vm = next(d for d in docs if d["kind"] == "VirtualMachine")
    domain = vm["spec"]["template"]["spec"]["domain"]
    domain["resources"] = {"requests": {"memory": "12Gi"}}
    assert any("request" in p and "> limit" in p for p in admit(docs))
    docs = copy.deepcopy(built["province/egov-external"])
    quota = next(d for d in docs if d["kind"] == "ResourceQuota")
    ns = quota["metadata"]["namespace"]
    quota["spec"]["hard"]["pods"] = str(sum(p.namespace == ns for p in pods(docs)) - 1)
    assert any(p.startswith(f"{ns}: pods") for p in admit(docs))
    docs = copy.deepcopy(built["province/egov-external"])
    next(d for d in docs if d["kind"] == "VirtualMachine")["spec"]["template"]["spec"]["evictionStrategy"] = (
        "LiveMigrate"
    )
    assert any("blocks drains" in p for p in admit(docs))


def _matches(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        value, op = labels.get(e["key"]), e["operator"]
        if (
            (op == "In" and value not in e["values"])
            or (op == "NotIn" and value in e["values"])
            or (op == "Exists" and value is None)
            or (op == "DoesNotExist" and value is not None)
        ):
            return False
    return True


def unresolved(docs: list[Obj], peers: bool = True) -> list[str]:
    """Selectors that match nothing; `peers=False` checks namespaces alone (a DR site holds only the systems
    that need a copy, not every peer of theirs, and a VM Forklift moved has no copy there yet)."""
    spaces = {
        d["metadata"]["name"]: d["metadata"].get("labels") or {} for d in docs if d["kind"] == "Namespace"
    }
    spaces.update({n: {"kubernetes.io/metadata.name": n} for n in KNOWN})
    members: dict[str, list[dict[str, str]]] = {n: list(v) for n, v in KNOWN.items()}
    for pod in pods(docs):
        members.setdefault(pod.namespace, []).append(pod.labels)
    problems = []
    for d in docs:
        if d["kind"] != "NetworkPolicy":
            continue
        ns, spec, name = d["metadata"]["namespace"], d["spec"], d["metadata"]["name"]
        if peers and not any(_matches(spec["podSelector"], p) for p in members.get(ns, [])):
            problems.append(f"{ns}/{name}: selects no pod")
        for rule in [*spec.get("ingress", []), *spec.get("egress", [])]:
            for peer in [*rule.get("from", []), *rule.get("to", [])]:
                if "ipBlock" in peer:
                    continue
                where = (
                    [n for n, labels in spaces.items() if _matches(peer["namespaceSelector"], labels)]
                    if "namespaceSelector" in peer
                    else [ns]
                )
                if not where:
                    problems.append(f"{ns}/{name}: no namespace matches {peer['namespaceSelector']}")
                elif (
                    peers
                    and "podSelector" in peer
                    and not any(_matches(peer["podSelector"], p) for n in where for p in members.get(n, []))
                ):
                    problems.append(f"{ns}/{name}: no pod matches {peer['podSelector']} in {where}")
    return problems


def test_every_network_policy_selector_resolves(built: dict[str, list[Obj]]) -> None:
    problems = {name: unresolved(docs, peers="/dr-" not in name) for name, docs in built.items()}
    assert {k: v for k, v in problems.items() if v} == {}
    docs = copy.deepcopy(
        built["province/egov-external"]
    )  # and the check can fail: a platform namespace missing
    docs = [d for d in docs if not (d["kind"] == "Namespace" and d["metadata"]["name"] == "sharing-platform")]
    assert any("sharing-platform" in p for p in unresolved(docs))


def _hosts(r: Rendered) -> dict[str, str]:
    """system -> the target host name its wave's inventory, cutover and front end use."""
    out = {}
    for path, text in r.files.items():
        if path.startswith("inventories/") and path.endswith("hosts.yml"):
            children = load_inventory(text)["all"]["children"]
            for group in ("govcloud", "egov_internal"):
                for host, hostvars in ((children.get(group) or {}).get("hosts") or {}).items():
                    out[f"{hostvars['govmig_department']}/{hostvars['govmig_system']}"] = host
    return out


def test_every_cloud_system_is_routed_by_its_host_name(
    rendered: Rendered, built: dict[str, list[Obj]]
) -> None:
    hosts, routed, probed = _hosts(rendered), set[str](), 0
    for name, docs in built.items():
        if not name.startswith("province/") or "dr-" in name:
            continue
        spaces = {
            d["metadata"]["name"]: d["metadata"].get("labels") or {} for d in docs if d["kind"] == "Namespace"
        }
        gateways = {
            (d["metadata"]["namespace"], d["metadata"]["name"]): d for d in docs if d["kind"] == "Gateway"
        }
        services = {
            (d["metadata"]["namespace"], d["metadata"]["name"]): d for d in docs if d["kind"] == "Service"
        }
        fronts = {
            f"{d['metadata']['labels']['govmig.gov.cn/department']}/{d['metadata']['labels']['govmig.gov.cn/system']}"
            for d in docs
            if d["kind"] == "Service" and d["spec"].get("type") == "ClusterIP"  # a database's is headless
        }
        seen = set()
        for route in (d for d in docs if d["kind"] == "HTTPRoute"):
            labels, ns = route["metadata"]["labels"], route["metadata"]["namespace"]
            key = f"{labels['govmig.gov.cn/department']}/{labels['govmig.gov.cn/system']}"
            assert route["spec"]["hostnames"] == [hosts[key]], key
            assert hosts[key].endswith(".example"), hosts[key]  # RFC 6761: never a real name
            parent = route["spec"]["parentRefs"][0]
            gateway = gateways[(parent["namespace"], parent["name"])]
            listener = next(x for x in gateway["spec"]["listeners"] if x["name"] == parent["sectionName"])
            assert hosts[key].endswith(listener["hostname"].lstrip("*")), key
            assert _matches(listener["allowedRoutes"]["namespaces"]["selector"], spaces[ns]), key
            backend = route["spec"]["rules"][0]["backendRefs"][0]
            service = services[(ns, backend["name"])]
            assert backend["port"] in [p["port"] for p in service["spec"]["ports"]], key
            seen.add(key)
        assert fronts <= seen, fronts - seen
        routed |= seen
    # the probes come the users' way: the routed host name, through the Gateway's TLS listener
    for _, probe in rendered.objects("monitoring/"):
        if probe["kind"] != "Probe" or "dr-" in probe["metadata"]["namespace"]:
            continue
        labels = probe["spec"]["targets"]["staticConfig"]["labels"]
        key = f"{labels['department']}/{labels['system']}"
        (url,) = probe["spec"]["targets"]["staticConfig"]["static"]
        if key in routed:
            assert urlsplit(url).hostname == hosts[key], (key, url)
            assert urlsplit(url).scheme == "https" and urlsplit(url).port is None, url
            probed += 1
    assert len(routed) > 20 and probed > 20


def test_every_database_disk_and_claim_with_data_has_its_way_in(built: dict[str, list[Obj]]) -> None:
    counted = {"database": 0, "disk": 0, "claim": 0, "forklift": 0}
    for name, docs in built.items():
        if "dr-" in name:
            continue
        mounted = {
            v["persistentVolumeClaim"]["claimName"]
            for d in docs
            if d["kind"] == "Job" and "govmig.gov.cn/data-from" in d["metadata"].get("annotations", {})
            for v in d["spec"]["template"]["spec"]["volumes"]
            if "persistentVolumeClaim" in v
        }
        migrations = {d["spec"]["plan"]["name"] for d in docs if d["kind"] == "Migration"}
        for d in docs:
            kind, meta = d["kind"], d["metadata"]
            if kind in ("Cluster", "InnoDBCluster", "MariaDB") or (
                kind == "StatefulSet" and "-db-" in meta["name"]
            ):
                assert meta.get("annotations", {}).get("govmig.gov.cn/data-from"), (name, meta["name"])
                counted["database"] += 1
            elif kind == "DataVolume":
                assert "blank" not in d["spec"]["source"] and d["spec"]["source"]["http"]["url"], meta["name"]
                counted["disk"] += 1
            elif kind == "PersistentVolumeClaim":
                assert meta["name"] in mounted, (name, meta["name"])
                counted["claim"] += 1
            elif kind == "Plan":
                assert meta["name"] in migrations and d["spec"]["type"] == "warm", meta["name"]
                counted["forklift"] += 1
    assert all(counted.values()), counted


def test_the_index_says_how_each_systems_data_gets_in(engines: Rendered) -> None:
    index = {s["system"]: s for s in json.loads(engines.files["index.json"])["systems"]}
    data_in = {k.split("/")[1]: v.get("data_in", {}) for k, v in index.items()}
    assert data_in["vm-vsphere"] == {"vm": "forklift"}
    assert data_in["vm-physical"] == data_in["vm-image"] == {"vm": "image"}
    assert data_in["on-postgresql"] == {"on_postgresql": "cnpg-replica", "files": "rsync-jobs"}
    assert (
        data_in["on-mysql"]["on_mysql"] == "mysql-clone"
        and data_in["on-mariadb"]["on_mariadb"] == "mariadb-restore"
    )
    assert (
        data_in["on-dameng"]["on_dameng"] == "checkpoint"
        and data_in["case-secret"]["case_secret"] == "offline"
    )
    assert all(index[k]["unpinned_images"] for k in index if index[k].get("rendered"))


def test_an_image_the_site_pinned_is_rendered_by_digest() -> None:
    from orchestrator.plan import load_bytes
    from orchestrator.policy import assess
    from orchestrator.render import RenderSettings, render_artifacts
    from orchestrator.waves import plan_waves
    from tests.conftest import AS_OF, ROOT

    loaded = load_bytes((ROOT / "tests" / "datamove" / "plan.yaml").read_bytes(), "plan.yaml", "yaml")
    assert loaded.plan is not None
    plans = [loaded.plan]
    decisions = assess(plans, AS_OF)
    digest = "sha256:" + "ab" * 32
    settings = RenderSettings(image_digests={"registry.qh.gov.cn/lab/trade-web:1.0": digest})
    files = render_artifacts(plans, decisions, plan_waves(plans, decisions, AS_OF), settings)
    web = files["manifests/base/630000-LAB/trade-stats/web.yaml"]
    assert f'image: "registry.qh.gov.cn/lab/trade-web:1.0@{digest}"' in web  # the tag kept for people
    index = {s["system"]: s for s in json.loads(files["index.json"])["systems"]}
    assert "registry.qh.gov.cn/lab/trade-web:1.0" not in index["630000-LAB/trade-stats"]["unpinned_images"]
    assert "registry.qh.gov.cn/lab/case-web:1.0" in index["630000-LAB/case-files"]["unpinned_images"]


def test_the_dr_site_is_fed_from_the_primary_and_never_migrates_the_source_again(
    built: dict[str, list[Obj]],
) -> None:
    dr = built["province/dr-external"] + built.get("engines/dr-external", [])
    clusters = [d for d in dr if d["kind"] == "Cluster"]
    assert clusters and all(
        c["spec"]["replica"] == {"enabled": True, "source": "primary"}
        and c["spec"]["externalClusters"][0]["connectionParameters"]["host"].startswith(
            c["metadata"]["name"] + "-rw."
        )
        for c in clusters
    )
    assert not [d for d in dr if d["kind"] in ("Plan", "Migration", "Job", "ExternalMariaDB", "Backup")]
    restored = [d for d in dr if d["kind"] in ("InnoDBCluster", "MariaDB")]
    assert restored and all(
        ("s3" in d["spec"]["initDB"]["dump"]["storage"] and "backupSchedules" not in d["spec"])
        if d["kind"] == "InnoDBCluster"
        else "s3" in d["spec"]["bootstrapFrom"]
        for d in restored
    )
    assert not [
        d for d in dr if d["kind"] == "NetworkPolicy" and d["metadata"]["name"].endswith("-migration-path")
    ]
    primary = [d for name, docs in built.items() if "dr-" not in name for d in docs]
    scheduled = [
        d
        for d in primary
        if (d["kind"] == "InnoDBCluster" and d["spec"].get("backupSchedules"))
        or (d["kind"] == "Backup" and "schedule" in d["spec"])
    ]
    assert {d["kind"] for d in scheduled} == {"InnoDBCluster", "Backup"}
