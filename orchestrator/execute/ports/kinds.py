"""Where each kind that render emits lives in the Kubernetes API (no discovery round-trip needed)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    api: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool = True

    def path(self, name: str, namespace: str | None) -> str:
        base = f"/api/{self.version}" if not self.api else f"/apis/{self.api}/{self.version}"
        where = f"/namespaces/{namespace}" if self.namespaced and namespace else ""
        return f"{base}{where}/{self.plural}/{name}"

    def collection(self, namespace: str | None) -> str:
        return self.path("", namespace).rstrip("/")


KINDS: dict[tuple[str, str], Kind] = {
    ("v1", "Namespace"): Kind("", "v1", "namespaces", namespaced=False),
    ("v1", "ResourceQuota"): Kind("", "v1", "resourcequotas"),
    ("v1", "LimitRange"): Kind("", "v1", "limitranges"),
    ("v1", "ConfigMap"): Kind("", "v1", "configmaps"),
    ("v1", "Service"): Kind("", "v1", "services"),
    ("v1", "PersistentVolumeClaim"): Kind("", "v1", "persistentvolumeclaims"),
    ("networking.k8s.io/v1", "NetworkPolicy"): Kind("networking.k8s.io", "v1", "networkpolicies"),
    ("apps/v1", "Deployment"): Kind("apps", "v1", "deployments"),
    ("apps/v1", "StatefulSet"): Kind("apps", "v1", "statefulsets"),
    ("policy/v1", "PodDisruptionBudget"): Kind("policy", "v1", "poddisruptionbudgets"),
    ("kubevirt.io/v1", "VirtualMachine"): Kind("kubevirt.io", "v1", "virtualmachines"),
    ("cdi.kubevirt.io/v1beta1", "DataVolume"): Kind("cdi.kubevirt.io", "v1beta1", "datavolumes"),
    ("batch/v1", "Job"): Kind("batch", "v1", "jobs"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): Kind("gateway.networking.k8s.io", "v1", "httproutes"),
    ("gateway.networking.k8s.io/v1", "Gateway"): Kind("gateway.networking.k8s.io", "v1", "gateways"),
    ("postgresql.cnpg.io/v1", "Cluster"): Kind("postgresql.cnpg.io", "v1", "clusters"),
    ("mysql.oracle.com/v2", "InnoDBCluster"): Kind("mysql.oracle.com", "v2", "innodbclusters"),
    ("k8s.mariadb.com/v1alpha1", "MariaDB"): Kind("k8s.mariadb.com", "v1alpha1", "mariadbs"),
    ("k8s.mariadb.com/v1alpha1", "Backup"): Kind("k8s.mariadb.com", "v1alpha1", "backups"),
    ("k8s.mariadb.com/v1alpha1", "ExternalMariaDB"): Kind("k8s.mariadb.com", "v1alpha1", "externalmariadbs"),
    ("forklift.konveyor.io/v1beta1", "NetworkMap"): Kind("forklift.konveyor.io", "v1beta1", "networkmaps"),
    ("forklift.konveyor.io/v1beta1", "StorageMap"): Kind("forklift.konveyor.io", "v1beta1", "storagemaps"),
    ("forklift.konveyor.io/v1beta1", "Plan"): Kind("forklift.konveyor.io", "v1beta1", "plans"),
    ("forklift.konveyor.io/v1beta1", "Migration"): Kind("forklift.konveyor.io", "v1beta1", "migrations"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"): Kind("monitoring.coreos.com", "v1", "servicemonitors"),
    ("monitoring.coreos.com/v1", "Probe"): Kind("monitoring.coreos.com", "v1", "probes"),
    ("monitoring.coreos.com/v1", "PrometheusRule"): Kind("monitoring.coreos.com", "v1", "prometheusrules"),
}


def kind_of(obj: dict[str, object]) -> Kind:
    key = (str(obj.get("apiVersion")), str(obj.get("kind")))
    if key not in KINDS:
        raise KeyError(f"no API path known for {key[1]} ({key[0]})")
    return KINDS[key]
