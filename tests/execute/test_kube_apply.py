"""The apply path against an HTTP-level API double: server-side apply with the field manager, a dry run first,
retries with backoff on 409 and 5xx, readiness awaited on a watch, and the previous revision back on failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client as k8s

from orchestrator.execute.ports.kube import KubeApplier
from tests.execute.kube_double import KubeDouble

NS = "630000-fgw-extranet"
DEPLOY = f"/apis/apps/v1/namespaces/{NS}/deployments/credit-platform-web"


def objects(image: str = "web:2") -> list[dict[str, Any]]:
    labels = {"app.kubernetes.io/part-of": "credit-platform"}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}},
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "credit-platform-config", "namespace": NS},
            "data": {"GOVMIG_SYSTEM": "credit-platform"},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "credit-platform-web", "namespace": NS, "labels": labels},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": "web", "image": image}]},
                },
            },
        },
    ]


@pytest.fixture
def double() -> Iterator[KubeDouble]:
    with KubeDouble() as d:
        yield d


def applier(double: KubeDouble, sleeps: list[float] | None = None, **kw: Any) -> KubeApplier:
    config = k8s.Configuration(host=double.url)
    return KubeApplier(
        k8s.ApiClient(config), sleep=(sleeps.append if sleeps is not None else lambda _: None), **kw
    )


def test_apply_creates_everything_after_a_dry_run_and_waits_for_readiness(double: KubeDouble) -> None:
    result = applier(double).apply(objects())
    assert result.ok and len(result.applied) == 3
    patches = [r for r in double.requests if r["method"] == "PATCH"]
    assert all(r["content_type"] == "application/apply-patch+yaml" for r in patches)
    assert all(r["query"]["fieldManager"] == ["govmig"] for r in patches)
    assert [("dryRun" in r["query"]) for r in patches] == [True] * 3 + [
        False
    ] * 3  # all dry runs before any apply
    assert double.objects[DEPLOY]["metadata"]["managedFields"][0]["manager"] == "govmig"
    assert double.objects[DEPLOY]["status"]["availableReplicas"] == 2  # it returned only once ready
    assert any(r["query"].get("watch") == ["true"] for r in double.requests)


def test_5xx_and_conflicts_are_retried_with_backoff(double: KubeDouble) -> None:
    double.faults += [
        ("PATCH", "deployments", 503),
        ("PATCH", "deployments", 409),
        ("PATCH", "configmaps", 500),
    ]
    sleeps: list[float] = []
    result = applier(double, sleeps).apply(objects())
    assert result.ok
    # the ConfigMap (applied first) fails once; the Deployment twice in a row, so its backoff doubles
    assert sleeps == [0.5, 0.5, 1.0] and double.faults == []
    deploy_patches = [r for r in double.requests if r["method"] == "PATCH" and r["path"] == DEPLOY]
    assert len(deploy_patches) == 4  # two failures retried, then the dry run and the apply


def test_errors_past_the_retries_stop_before_anything_is_applied(double: KubeDouble) -> None:
    double.faults += [("PATCH", "deployments", 500)] * 10
    result = applier(double, retries=2).apply(objects())
    assert not result.ok and result.applied == [] and "HTTP 500" in (result.error or "")
    assert double.objects == {}  # the dry run failed: nothing was changed


def test_a_conflict_with_another_manager_is_reported_unless_forced(double: KubeDouble) -> None:
    double.seed(DEPLOY, objects("web:1")[2], manager="kubectl")
    result = applier(double, retries=1).apply(objects("web:2"))
    assert not result.ok and "409" in (result.error or "")
    forced = applier(double, force_conflicts=True).apply(objects("web:2"))
    assert (
        forced.ok and double.objects[DEPLOY]["spec"]["template"]["spec"]["containers"][0]["image"] == "web:2"
    )


def test_a_rollout_that_never_becomes_ready_restores_the_previous_revision(double: KubeDouble) -> None:
    assert applier(double).apply(objects("web:1")).ok
    double.broken.add("credit-platform-web")
    result = applier(double, rollout_timeout=1.5).apply(objects("web:2"))
    assert not result.ok and "not ready" in (result.error or "")
    assert f"Deployment/{NS}/credit-platform-web" in result.restored
    assert double.objects[DEPLOY]["spec"]["template"]["spec"]["containers"][0]["image"] == "web:1"
