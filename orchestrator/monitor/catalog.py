"""The watched systems, read from a render tree: index.json for wave, zone and objective, the Probe objects for
the health URLs and their labels. Reading the rendered objects (not the plans) keeps the monitor and the
monitoring stack that was actually deployed in agreement.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..contracts import RenderIndex, Tree
from ..contracts import tree as layout
from .model import Target


class CatalogError(Exception):
    def __init__(self, path: Path, zh: str, en: str) -> None:
        super().__init__(f"{path}: {zh} / {en}")
        self.path, self.zh, self.en = path, zh, en


@dataclass(frozen=True)
class ProbeSpec:
    """A rendered blackbox Probe, as prometheus-operator would turn it into a scrape job."""

    job: str
    module: str
    interval: str
    timeout: str
    urls: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)


def _read(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except FileNotFoundError:
        raise CatalogError(
            path, "文件不存在（先运行 govmig render）", "file not found (run govmig render first)"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise CatalogError(path, f"无法读取：{exc}", f"cannot be read: {exc}") from None


def probe_spec(doc: dict[str, Any]) -> ProbeSpec:
    spec = doc.get("spec", {})
    static = spec.get("targets", {}).get("staticConfig", {})
    return ProbeSpec(
        job=str(spec.get("jobName", "")),
        module=str(spec.get("module", "http_2xx")),
        interval=str(spec.get("interval", "30s")),
        timeout=str(spec.get("scrapeTimeout", "10s")),
        urls=tuple(static.get("static", [])),
        labels={str(k): str(v) for k, v in (static.get("labels") or {}).items()},
    )


def _index(where: Tree) -> RenderIndex:
    raw = _read(where.index)
    try:
        return RenderIndex.model_validate(raw)
    except ValidationError:
        raise CatalogError(where.index, "不是 govmig 的制品索引", "not a govmig render index") from None


def load_catalog(tree: Path, only: Collection[str] | None = None) -> tuple[list[Target], list[ProbeSpec]]:
    """Targets for every rendered system (or only those keys) and their Probes, in index order."""
    where = Tree(tree)
    index = _index(where)
    probes: dict[str, ProbeSpec] = {}
    for path in where.glob(layout.PROBES):
        p = probe_spec(_read(path))
        probes[f"{p.labels.get('department')}/{p.labels.get('system')}"] = p
    targets: list[Target] = []
    for entry in index.systems:
        if not entry.rendered or (only is not None and entry.system not in only):
            continue
        probe = probes.get(entry.system)
        targets.append(
            Target(
                department=entry.department,
                system=entry.name,
                zone=entry.zone or "",
                wave=entry.wave or "",
                objective=entry.objective,
                probe_urls=probe.urls if probe else (),
            )
        )
    keys = {t.key for t in targets}
    return targets, [p for k, p in probes.items() if k in keys]
