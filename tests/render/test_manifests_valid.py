"""Every rendered object passes the tools engineers trust: kubernetes-validate (1.32, strict), the CRD schemas in
shared/, and `kubectl kustomize` on every overlay."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest

from tests.conftest import ROOT
from tests.render.conftest import Rendered

CRDS = ROOT / "tests" / "data" / "crds"  # a copy of ../shared/schemas/crds
SCHEMAS = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "monitoring.coreos.com/servicemonitor_v1.json",
    ("monitoring.coreos.com/v1", "Probe"): "monitoring.coreos.com/probe_v1.json",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "monitoring.coreos.com/prometheusrule_v1.json",
    ("kubevirt.io/v1", "VirtualMachine"): "kubevirt.io/virtualmachine_v1.json",
    ("cdi.kubevirt.io/v1beta1", "DataVolume"): "cdi.kubevirt.io/datavolume_v1beta1.json",
    ("forklift.konveyor.io/v1beta1", "NetworkMap"): "forklift.konveyor.io/networkmap_v1beta1.json",
    ("forklift.konveyor.io/v1beta1", "StorageMap"): "forklift.konveyor.io/storagemap_v1beta1.json",
    ("forklift.konveyor.io/v1beta1", "Plan"): "forklift.konveyor.io/plan_v1beta1.json",
    ("forklift.konveyor.io/v1beta1", "Migration"): "forklift.konveyor.io/migration_v1beta1.json",
    ("postgresql.cnpg.io/v1", "Cluster"): "postgresql.cnpg.io/cluster_v1.json",
    ("mysql.oracle.com/v2", "InnoDBCluster"): "mysql.oracle.com/innodbcluster_v2.json",
    ("k8s.mariadb.com/v1alpha1", "MariaDB"): "k8s.mariadb.com/mariadb_v1alpha1.json",
    ("k8s.mariadb.com/v1alpha1", "Backup"): "k8s.mariadb.com/backup_v1alpha1.json",
    ("k8s.mariadb.com/v1alpha1", "ExternalMariaDB"): "k8s.mariadb.com/externalmariadb_v1alpha1.json",
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): "gateway.networking.k8s.io/httproute_v1.json",
    ("gateway.networking.k8s.io/v1", "Gateway"): "gateway.networking.k8s.io/gateway_v1.json",
}


def test_every_built_in_object_validates_strictly_against_kubernetes_1_32(
    rendered: Rendered, engines: Rendered
) -> None:
    failures, kinds = [], Counter()
    for path, doc in [*rendered.objects(), *engines.objects()]:
        if (doc["apiVersion"], doc["kind"]) in SCHEMAS:
            continue
        kinds[doc["kind"]] += 1
        try:
            kubernetes_validate.validate(doc, "1.32", strict=True)
        except kubernetes_validate.ValidationError as exc:
            failures.append(f"{path} {doc['kind']}: {exc}")
    assert failures == []
    assert {
        "Namespace",
        "Deployment",
        "StatefulSet",
        "Service",
        "ConfigMap",
        "PersistentVolumeClaim",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ResourceQuota",
        "LimitRange",
        "Job",
    } <= set(kinds)


def test_every_custom_resource_validates_against_the_shared_crd_schemas(
    rendered: Rendered, engines: Rendered
) -> None:
    validators = {
        k: jsonschema.Draft7Validator(json.loads((CRDS / v).read_text())) for k, v in SCHEMAS.items()
    }
    seen: Counter[str] = Counter()
    failures = []
    for path, doc in [*rendered.objects(), *engines.objects()]:
        key = (doc["apiVersion"], doc["kind"])
        if key in validators:
            seen[doc["kind"]] += 1
            # a CRD's schema may restrict only metadata.name (the API server validates the rest of ObjectMeta
            # itself); the catalog's copy of the MySQL Operator's closes metadata to everything else
            meta = doc["metadata"]
            assert set(meta) <= {"name", "namespace", "labels", "annotations"}, path
            assert all(
                isinstance(v, str) for v in {**meta.get("labels", {}), **meta.get("annotations", {})}.values()
            )
            checked = {**doc, "metadata": {"name": meta["name"]}}
            failures += [f"{path}: {e.message}" for e in validators[key].iter_errors(checked)]
    assert failures == []
    assert set(seen) == {kind for _, kind in SCHEMAS}


def test_a_broken_object_is_caught_by_the_same_checks(rendered: Rendered) -> None:
    """The checks above can fail: a typo in a field is rejected by each validator."""
    _, deployment = next((p, d) for p, d in rendered.objects() if d["kind"] == "Deployment")
    deployment["spec"]["replicaz"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, "1.32", strict=True)
    _, probe = next((p, d) for p, d in rendered.objects() if d["kind"] == "Probe")
    del probe["spec"]["prober"]["url"]
    validator = jsonschema.Draft7Validator(
        json.loads((CRDS / SCHEMAS[("monitoring.coreos.com/v1", "Probe")]).read_text())
    )
    assert list(validator.iter_errors(probe))


def _kustomize(folder: Path) -> str:
    proc = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_kubectl_kustomize_builds_every_overlay(rendered: Rendered) -> None:
    overlays = sorted((rendered.out / "manifests" / "overlays").iterdir())
    assert [o.name for o in overlays] == ["dr-external", "dr-internal", "extranet", "internal", "internet"]
    for overlay in overlays:
        built = _kustomize(overlay)
        assert f"govmig.gov.cn/overlay: {overlay.name}" in built
    dr = _kustomize(rendered.out / "manifests" / "overlays" / "dr-external")
    assert "govmig.gov.cn/site: dr" in dr and "runStrategy: Halted" in dr and "storageClassName: dr-ssd" in dr
    assert "runStrategy: Always" not in dr


def test_kubectl_kustomize_builds_every_monitoring_zone(rendered: Rendered) -> None:
    for zone in sorted(p for p in (rendered.out / "monitoring").iterdir() if p.name != "rules"):
        built = _kustomize(zone)
        assert "kind: PrometheusRule" in built
