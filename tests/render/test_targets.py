"""The render `Target` seam: the objects are the same whatever the packaging; a target only adds the files that
tie them together (Kustomize's kustomization.yaml today). A second packaging is one class, as below."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from orchestrator.plan import MigrationPlan
from orchestrator.policy import Decision
from orchestrator.render import KUSTOMIZE, Files, Target, render_artifacts
from tests.render.conftest import Rendered


class Listing:
    """A packaging a newcomer might write: each base and overlay listed in one JSON file."""

    name = "listing"

    def base(self, folder: str, resources: Sequence[str]) -> Files:
        return {f"{folder}/package.json": json.dumps({"resources": list(resources)})}

    def overlay(
        self,
        name: str,
        bases: Sequence[str],
        labels: Mapping[str, str],
        patches: Sequence[Mapping[str, Any]] | None = None,
    ) -> Files:
        doc = {"bases": list(bases), "labels": dict(labels), "patches": len(patches or [])}
        return {f"manifests/overlays/{name}/package.json": json.dumps(doc)}

    def is_packaging(self, path: str) -> bool:
        return path.endswith("package.json")


def test_kustomize_is_the_default_target(rendered: Rendered) -> None:
    target: Target = KUSTOMIZE
    packaging = [p for p in rendered.files if target.is_packaging(p)]
    assert {
        "manifests/overlays/internal/kustomization.yaml",
        "manifests/overlays/dr-external/kustomization.yaml",
    } <= set(packaging)
    dr = yaml.safe_load(rendered.files["manifests/overlays/dr-external/kustomization.yaml"])
    assert (
        dr["kind"] == "Kustomization"
        and dr["patches"]
        and dr["labels"][0]["pairs"]["govmig.gov.cn/site"] == "dr"
    )


def test_a_second_packaging_is_one_class_and_leaves_the_objects_alone(
    rendered: Rendered, province_plans: list[MigrationPlan], province: dict[str, Decision]
) -> None:
    listing = Listing()
    files = render_artifacts(province_plans, list(province.values()), rendered.roadmap, target=listing)
    kustomize_files = {p for p in rendered.files if KUSTOMIZE.is_packaging(p)}
    listing_files = {p for p in files if listing.is_packaging(p)}
    # the same folders packaged, one file each
    assert {p.rsplit("/", 1)[0] for p in kustomize_files} == {p.rsplit("/", 1)[0] for p in listing_files}
    assert not any(KUSTOMIZE.is_packaging(p) for p in files)
    # every object identical (the index digests the files, so it differs with them)
    objects = {p: t for p, t in files.items() if not listing.is_packaging(p) and p != "index.json"}
    assert objects == {
        p: t for p, t in rendered.files.items() if p not in kustomize_files and p != "index.json"
    }
    dr = json.loads(files["manifests/overlays/dr-external/package.json"])
    assert dr["labels"]["govmig.gov.cn/site"] == "dr" and dr["patches"] > 0
    assert "manifests/base/" in " ".join(dr["bases"])
