"""A department whose plan text is hostile, rendered the way `govmig render` renders it.

Two kinds of payload: text intake accepts because a department may really type it (braces, quotes, `---`, a
leading `=`), and text intake refuses (line breaks in a name, braces in a health path, an engine outside the
vocabulary) written into the validated model afterwards, so that every renderer is shown to hold on its own and
not only behind intake.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.plan import MigrationPlan, load_bytes
from orchestrator.policy import Decision, assess
from orchestrator.render import render_artifacts
from orchestrator.waves import Roadmap, WaveSettings, plan_waves
from tests.conftest import AS_OF, MINIMAL, dump

MARKER = "GOVMIG_PWNED"
ANSIBLE = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}"
PROMETHEUS = '投资{{ with query "up" }}{{ . }}{{ end }}{{ 7*7 }}"\\'
YAML = '审批\' "x" --- # not: a comment {a: b}'
EXCEL = '=HYPERLINK("http://198.18.0.1/x","点我")'
NEWLINE_DOCUMENT = (
    "甲\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
    "metadata: {name: pwned}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n"
    "subjects: [{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]\n"
)
ENGINE_DOCUMENT = (
    "mysql\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: pwned, namespace: kube-system}\n"
    "spec: {containers: [{name: x, image: busybox, securityContext: {privileged: true}}]}\n"
)


@dataclass
class Hostile:
    plans: list[MigrationPlan]
    decisions: list[Decision]
    roadmap: Roadmap
    files: dict[str, str]

    def write(self, out: Path) -> Path:
        for rel, text in self.files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text, encoding="utf-8")
        return out


def _system(sid: str, name: str, kind: str) -> dict[str, Any]:
    system = copy.deepcopy(MINIMAL["systems"][1])
    system.update(
        id=sid,
        name=name,
        function=YAML,
        owner_unit=EXCEL,
        approval={"authority": PROMETHEUS, "date": "2015-03-01"},
        filing={
            "project_name": EXCEL,
            "constructing_unit": ANSIBLE % "x",
            "investment_wan": 1,
            "annual_om_wan": 1,
            "funding_channel": "fiscal",
        },
        data_resources=[{"name": YAML, "sharing": "conditional"}],
    )
    system["security"] = {"mlps_level": 3, "mlps_filed": True}
    system["deployment"] = {
        "kind": kind,
        "components": [{"name": "web", "port": 8080, "health_path": "/healthz"}],
        "databases": [{"engine": "mysql", "size_gb": 5}],
        "data_gb": 1,
    }
    if kind == "vm":  # moved by Forklift: its source VM's name reaches the Plan and an annotation
        system["deployment"]["source"] = {"platform": "vsphere", "vm": "vm-01"}
    return system


def hostile(marker_dir: Path, *, benign: bool = False) -> Hostile:
    """The hostile department (or, with `benign`, the same plan with plain names: the shape to compare with)."""
    doc = copy.deepcopy(MINIMAL)
    names = ["甲系统", "乙系统", "丙系统"] if benign else [ANSIBLE % (marker_dir / MARKER), PROMETHEUS, EXCEL]
    doc["systems"] = [
        _system("alpha", names[0], "container"),
        _system("beta", names[1], "vm"),
        _system("gamma", names[2], "container"),
        _system("delta", names[0], "container"),  # a zombie: its retirement renders an inventory of its own
    ]
    doc["systems"][3]["usage"] = {"last_business_use": "2020-01-01"}
    if benign:
        for s in doc["systems"]:
            s.update(function="测试", owner_unit=None, approval={}, data_resources=[{"name": "数据"}])
            s["filing"].update(project_name="项目", constructing_unit="单位")
    loaded = load_bytes(dump(doc), "hostile.yaml", "yaml")
    assert loaded.ok and loaded.plan is not None, loaded.problems  # every payload above is printable text
    plan = loaded.plan
    if not benign:  # what intake refuses, forced in behind it
        alpha, beta, _, delta = plan.systems
        delta.deployment.databases[0].engine = ENGINE_DOCUMENT  # type: ignore[assignment]
        alpha.deployment.components[0].health_path = "/healthz" + ANSIBLE % (marker_dir / (MARKER + "-path"))
        beta.name = NEWLINE_DOCUMENT
        beta.deployment.databases[0].engine = ENGINE_DOCUMENT  # type: ignore[assignment]
        assert beta.deployment.source is not None
        beta.deployment.source.vm = NEWLINE_DOCUMENT
    decisions = assess([plan], AS_OF)
    roadmap = plan_waves([plan], decisions, AS_OF, WaveSettings(pilot_size=0))
    return Hostile([plan], decisions, roadmap, render_artifacts([plan], decisions, roadmap))
