"""The deploy step of a system that runs on Kubernetes: applied through the client when a cluster is configured,
handed to GitOps when none is, and a failed rollout fails the step so the system is rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kubernetes import client as k8s

from orchestrator.execute import AnsibleRunner, ExecuteError, Ports, RunConfig, WaveExecutor
from orchestrator.execute.ports.kube import KubeApplier
from orchestrator.store import Store, open_store
from tests.execute.harness import Site, index_files, site
from tests.execute.kube_double import KubeDouble
from tests.execute.test_kube_apply import DEPLOY, objects


def with_manifests(where: Site, name: str) -> None:
    docs = objects()
    base = where.tree / "manifests" / "base" / "630000-T"
    (base / name).mkdir(parents=True, exist_ok=True)
    (base / "namespace-extranet").mkdir(parents=True, exist_ok=True)
    (base / "namespace-extranet" / "namespace.yaml").write_text(yaml.safe_dump(docs[0]))
    (base / name / "system.yaml").write_text(yaml.safe_dump_all(docs[1:]))
    (base / name / "kustomization.yaml").write_text("resources: [system.yaml]\n")
    index_files(where, f"630000-T/{name}")


def test_without_a_cluster_the_manifests_go_to_gitops_and_the_wave_goes_on(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    with_manifests(where, "alpha")
    # written after render's index: the executor hands over what the index lists, not what lies in the folder
    (where.tree / "manifests" / "base" / "630000-T" / "alpha" / "stray.yaml").write_text(
        yaml.safe_dump(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "stray", "namespace": "x"}}
        )
    )
    store = Store(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    outcome = WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run("W01")
    assert outcome.status == "done" and where.moved("alpha")
    written = sorted(p.name for p in (where.tree / "gitops" / "W01" / "630000-T" / "alpha").iterdir())
    assert written == [
        "manifests__base__630000-T__alpha__system.yaml",
        "manifests__base__630000-T__namespace-extranet__namespace.yaml",
    ]
    assert any(e.kind == "gitops" for e in store.events("W01", "630000-T/alpha"))
    assert ("k8s.gitops", "written") in [(a.action, a.result) for a in store.audit_log("W01/630000-T/alpha")]


def test_with_a_cluster_the_deploy_step_applies_and_waits(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    with_manifests(where, "alpha")
    store = Store(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    with KubeDouble() as double:
        applier = KubeApplier(k8s.ApiClient(k8s.Configuration(host=double.url)))
        outcome = WaveExecutor(Ports(store, AnsibleRunner(), applier=applier), RunConfig(where.tree)).run(
            "W01"
        )
        assert outcome.status == "done"
        assert double.objects[DEPLOY]["status"]["availableReplicas"] == 2
    kinds = [e.task for e in store.events("W01", "630000-T/alpha") if e.kind == "k8s_apply"]
    assert kinds[0] == "dry run accepted: 3 objects" and "rolled out" in kinds[-1]


def test_a_failed_rollout_fails_deploy_and_rolls_the_system_back(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    with_manifests(where, "alpha")
    store = Store(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    with KubeDouble() as double:
        double.broken.add("credit-platform-web")
        applier = KubeApplier(k8s.ApiClient(k8s.Configuration(host=double.url)), rollout_timeout=1)
        outcome = WaveExecutor(Ports(store, AnsibleRunner(), applier=applier), RunConfig(where.tree)).run(
            "W01"
        )
    assert outcome.states == {"630000-T/alpha": "rolled_back"}
    failed = [e for e in store.step_log("W01", "630000-T/alpha") if e.status == "failed"]
    assert failed[0].step == "deploy" and "not ready" in (failed[0].detail or "")
    assert "src-alpha" in where.frontend("alpha")


def test_a_tree_without_its_index_is_refused_before_any_step(tmp_path: Path) -> None:
    where = site(tmp_path, ["alpha"])
    (where.tree / "index.json").unlink()
    store = Store(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    with pytest.raises(ExecuteError) as refused:
        WaveExecutor(Ports(store, AnsibleRunner()), RunConfig(where.tree)).run("W01")
    assert "index.json" in refused.value.en and "制品索引" in refused.value.zh
    assert store.wave("W01") is None and not where.moved("alpha")
