"""A cloud system's data brought in by the engines built for it, driven by the executor on the API double: the
warm copies start at deploy, the window's objects wait for the final sync, and the cutover promotes the
CloudNativePG replica, cuts the Forklift migration over and closes the way to the source before the front end
switches; a failed migration is rolled back with the source serving again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from kubernetes import client as k8s

from orchestrator.execute import AnsibleRunner, Ports, RunConfig, WaveExecutor
from orchestrator.execute.ports.kube import KubeApplier
from orchestrator.store import Store, open_store
from tests.execute.harness import Site, index_files, site
from tests.execute.kube_double import KubeDouble

NS = "630000-t-extranet"
WINDOW = "2027-03-06T14:00:00Z"  # the rendered cutover: the wave's window, in the future
LABELS = {"app.kubernetes.io/part-of": "alpha"}


def _obj(
    api: str, kind: str, name: str, spec: dict[str, Any], namespace: str = NS, **notes: str
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": LABELS}
    if notes:
        meta["annotations"] = {f"govmig.gov.cn/{k.replace('_', '-')}": v for k, v in notes.items()}
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}


def _job(name: str, at: str) -> dict[str, Any]:
    template = {
        "metadata": {"labels": LABELS},
        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "rsync", "image": "rsync:3"}]},
    }
    return _obj("batch/v1", "Job", name, {"template": template}, apply_at=at)


def cloud_system(where: Site) -> None:
    docs = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}},
        _obj(
            "postgresql.cnpg.io/v1",
            "Cluster",
            "alpha-db-0-postgresql",
            {
                "instances": 2,
                "bootstrap": {"pg_basebackup": {"source": "source"}},
                "replica": {"enabled": True, "source": "source"},
                "externalClusters": [{"name": "source"}],
                "storage": {"size": "20Gi"},
            },
        ),
        _obj(
            "forklift.konveyor.io/v1beta1",
            "Migration",
            "alpha",
            {"plan": {"name": "alpha", "namespace": "konveyor-forklift"}, "cutover": WINDOW},
            namespace="konveyor-forklift",
        ),
        _job("alpha-files-presync", "presync"),
        _job("alpha-files-final-sync", "final_sync"),
        _obj(
            "networking.k8s.io/v1",
            "NetworkPolicy",
            "alpha-migration-path",
            {"podSelector": {"matchLabels": LABELS}, "policyTypes": ["Egress"]},
            apply_at="presync",
            remove_at="cutover",
        ),
    ]
    base = where.tree / "manifests" / "base" / "630000-T"
    (base / "alpha").mkdir(parents=True, exist_ok=True)
    (base / "namespace-extranet").mkdir(parents=True, exist_ok=True)
    (base / "namespace-extranet" / "namespace.yaml").write_text(yaml.safe_dump(docs[0]))
    (base / "alpha" / "system.yaml").write_text(yaml.safe_dump_all(docs[1:]))
    index_files(where, "630000-T/alpha")


def _path(kind: str, name: str, namespace: str = NS) -> str:
    group = {
        "Cluster": "postgresql.cnpg.io/v1/namespaces/{ns}/clusters",
        "Migration": "forklift.konveyor.io/v1beta1/namespaces/{ns}/migrations",
        "Job": "batch/v1/namespaces/{ns}/jobs",
        "NetworkPolicy": "networking.k8s.io/v1/namespaces/{ns}/networkpolicies",
    }[kind]
    return f"/apis/{group.format(ns=namespace)}/{name}"


def _run(
    tmp_path: Path, broken: set[str] | None = None
) -> tuple[Site, Store, KubeDouble, dict[str, dict[str, Any]]]:
    where = site(tmp_path, ["alpha"])
    cloud_system(where)
    store = Store(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    seen: dict[str, dict[str, Any]] = {}  # at the first event of each step: what the cluster held
    with KubeDouble(ready_after=0.05) as double:
        double.broken |= broken or set()

        def progress(_: str, step: str, __: dict[str, Any]) -> None:
            if step not in seen:
                with double.changed:
                    seen[step] = {p: (o.get("spec") or {}) for p, o in double.objects.items()}

        applier = KubeApplier(k8s.ApiClient(k8s.Configuration(host=double.url)), rollout_timeout=5)
        executor = WaveExecutor(Ports(store, AnsibleRunner(), applier=applier), RunConfig(where.tree))
        executor.follow(progress)
        executor.run("W01")
    return where, store, double, seen


def test_the_warm_copies_start_at_deploy_and_cut_over_in_the_window(tmp_path: Path) -> None:
    where, store, double, seen = _run(tmp_path)
    assert store.system("W01", "630000-T/alpha").state == "done" and where.moved("alpha")
    cluster, migration = (
        _path("Cluster", "alpha-db-0-postgresql"),
        _path("Migration", "alpha", "konveyor-forklift"),
    )
    final_job, way = _path("Job", "alpha-files-final-sync"), _path("NetworkPolicy", "alpha-migration-path")
    # while the source's final sync ran: the replica streaming, the warm copy going, no window object yet
    assert seen["final_sync"][cluster]["replica"]["enabled"] is True
    assert seen["final_sync"][migration]["cutover"] == WINDOW
    assert final_job not in seen["final_sync"] and way in seen["final_sync"]
    # when the front end switched (the cutover playbook): promoted, cut over, the way to the source closed
    assert seen["cutover"][cluster]["replica"]["enabled"] is False
    assert seen["cutover"][migration]["cutover"] < WINDOW and final_job in seen["cutover"]
    assert way not in seen["cutover"] and way not in double.objects
    assert double.promoted == ["alpha-db-0-postgresql"] and double.cut_over == ["alpha"]
    actions = [
        (a.action, a.result) for a in store.audit_log("W01/630000-T/alpha") if a.action.startswith("k8s.")
    ]
    assert actions == [
        ("k8s.apply", "applied"),
        ("k8s.apply", "applied"),
        ("k8s.cutover", "applied"),
        ("k8s.close", "applied"),
    ]
    held = [
        e.task for e in store.events("W01", "630000-T/alpha") if e.kind == "k8s_apply" and "held" in e.task
    ]
    assert held == ["held for its step: Job/alpha-files-final-sync (final_sync)"]


def test_a_failed_migration_is_rolled_back_and_the_source_serves(tmp_path: Path) -> None:
    where, store, double, _ = _run(tmp_path, broken={"alpha"})
    assert store.system("W01", "630000-T/alpha").state == "rolled_back"
    failed = [e for e in store.step_log("W01", "630000-T/alpha") if e.status == "failed"]
    assert failed[0].step == "cutover" and "migration failed" in (failed[0].detail or "")
    assert "src-alpha" in where.frontend("alpha")  # the front end never left the source
    assert double.cut_over == []
