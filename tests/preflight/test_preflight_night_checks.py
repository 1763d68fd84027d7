"""`govmig preflight` on the rehearsal site (hosts in network namespaces over SSH, a real blackbox exporter) names
the three things the night leans on beyond the hosts' own precheck: the front end's switch (tried in check mode),
each host's clock against the control node's (the controller's clock really shifted with libfaketime, so the SSH
hosts and the controller disagree), and each target's health URL as the prober sees it. One site for the module."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.contracts import dump_inventory, load_inventory
from orchestrator.contracts import tree as layout
from orchestrator.lab import Site, services
from tests.datamove.rehearsal import CASES, TRADE, rehearsal
from tests.monitor import lab as monitoring

FAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
TARGETS = ("egov_internal", "egov_external", "govcloud")


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Site, str]]:
    if monitoring.missing():
        pytest.skip(monitoring.missing() or "")
    root = tmp_path_factory.mktemp("night")
    prober = monitoring.blackbox(root).start()
    try:
        with rehearsal(root) as (tree, site):
            if site.namespaces is None:
                pytest.skip(
                    "the rehearsal site needs network namespaces (root) for hosts with their own sshd"
                )
            yield tree, site, prober.url
    finally:
        prober.stop()


def _hosts(tree: Path) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(system, source|target|frontend) → (inventory host name, its variables)."""
    doc = load_inventory(Tree(tree).inventory.read_text(encoding="utf-8"))
    out: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    for group, hosts in doc["all"]["children"].items():
        role = "source" if group == "private" else "target" if group in TARGETS else group.rstrip("s")
        for name, hostvars in ((hosts or {}).get("hosts") or {}).items():
            out[(f"{hostvars['govmig_department']}/{hostvars['govmig_system']}", role)] = (name, hostvars)
    return out


class Tree:
    def __init__(self, root: Path) -> None:
        self.root, self.inventory = root, root / layout.inventory("W01")

    def host_vars(self, host: str, **values: Any) -> Path:
        """Adds site variables to a host's host_vars file (the lab keeps credentials there); returns it."""
        path = self.inventory.parent / "host_vars" / f"{host}.yml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        path.write_text(yaml.safe_dump({**(doc or {}), **values}, allow_unicode=True), encoding="utf-8")
        return path

    def rewrite(self, change: dict[str, dict[str, Any]]) -> None:
        """Changes host variables in the inventory itself, and the index's digest of it with them (as a render
        for the site would: the tree's own check is not what these tests are about)."""
        doc = load_inventory(self.inventory.read_text(encoding="utf-8"))
        for hosts in doc["all"]["children"].values():
            for name, hostvars in ((hosts or {}).get("hosts") or {}).items():
                hostvars.update(change.get(name, {}))
        self.inventory.write_text(dump_inventory(doc), encoding="utf-8")
        index = json.loads((self.root / "index.json").read_text(encoding="utf-8"))
        rel = layout.inventory("W01")
        sha = hashlib.sha256(self.inventory.read_bytes()).hexdigest()
        for files in [index.get("files") or {}, *((s.get("files") or {}) for s in index["systems"])]:
            if rel in files:
                files[rel] = sha
        (self.root / "index.json").write_text(
            json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8"
        )


def _preflight(tree: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "orchestrator", "preflight", "W01", "--tree", str(tree), "--format", "json",
         "--db", f"sqlite:///{tree.parent / 'govmig.db'}", *extra],
        capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def _by_check(said: dict[str, Any], check: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for f in said["findings"]:
        if f["check"] == check:
            found.setdefault(f["system"], []).append(f)
    return found


@pytest.mark.skipif(not FAKETIME.is_file(), reason="libfaketime is not installed (scripts/system-deps.sh)")
def test_a_skewed_clock_a_front_end_that_cannot_switch_and_an_undeployed_target_are_named(
    night: tuple[Path, Site, str],
) -> None:
    tree, _, prober = night
    hosts, where = _hosts(tree), Tree(tree)
    saved = {p: p.read_text(encoding="utf-8") for p in (where.inventory.parent / "host_vars").glob("*.yml")}
    # the trade system's site allows its hosts 10 minutes; its front end's config folder is gone
    for role in ("source", "target"):
        where.host_vars(hosts[(TRADE, role)][0], govmig_max_clock_skew_seconds=600)
    where.host_vars(hosts[(TRADE, "frontend")][0], govmig_frontend_config="/nonexistent/govmig/trade.conf")
    try:
        # the control node's clock 90 s ahead: the SSH hosts keep the real time (the front ends run on the
        # control node itself here, so they share its clock and are not named)
        shifted = {"LD_PRELOAD": str(FAKETIME), "FAKETIME": "+90"}  # (sleep fails with monotonic left real)
        code, said = _preflight(tree, "--prober", prober, env=shifted)
        assert code == 1 and said["ready"] is False, said
        skew = _by_check(said, "clock_skew")
        assert set(skew) == {CASES}, said  # the trade system's bound is 600 s
        named = {hosts[(CASES, "source")][0], hosts[(CASES, "target")][0]}
        assert {h for f in skew[CASES] for h in named if h in f["en"] and h in f["zh"]} == named, skew
        assert all(f["severity"] == "critical" for f in skew[CASES])
        seconds = [int(s) for f in skew[CASES] for s in re.findall(r"is (\d+) s off", f["en"])]
        assert len(seconds) == 2 and all(60 <= s <= 120 for s in seconds), skew  # about the 90 s planted
        assert "时钟" in skew[CASES][0]["zh"] and "chrony" in skew[CASES][0]["en"]

        switch = _by_check(said, "frontend_switch")
        assert set(switch) == {TRADE} and switch[TRADE][0]["severity"] == "critical", said
        assert hosts[(TRADE, "frontend")][0] in switch[TRADE][0]["en"]
        assert "does not exist" in switch[TRADE][0]["en"] and "不存在" in switch[TRADE][0]["zh"]
    finally:
        for path in (where.inventory.parent / "host_vars").glob("*.yml"):
            if path in saved:
                path.write_text(saved[path], encoding="utf-8")
            else:
                path.unlink()

    code, said = _preflight(tree, "--prober", prober)  # the real clock, the config put back
    assert code == 0 and said["ready"] is True, said
    assert not _by_check(said, "clock_skew") and not _by_check(said, "frontend_switch"), said
    # before the night no target service runs: the prober reaches the hosts, nothing listens (a warning each)
    health = _by_check(said, "health_reachable")
    assert set(health) == {TRADE, CASES}, said
    assert all(f["severity"] == "warning" for fs in health.values() for f in fs)
    assert "nothing listens" in health[TRADE][0]["en"] and "无服务监听" in health[TRADE][0]["zh"]


def test_the_health_url_is_asked_of_the_prober(night: tuple[Path, Site, str]) -> None:
    tree, site, prober = night
    hosts, where = _hosts(tree), Tree(tree)
    assert site.namespaces is not None
    # (before the night nothing listens behind the health URLs: a warning each, as the first test shows)
    # the trade target's service started; the case files' health URL names a host nobody can resolve
    target_vars = hosts[(TRADE, "target")][1]
    ns = site.namespaces.hosts[f"{TRADE}#target"].ns
    services.run_in(ns, str(target_vars["govmig_service_start"]))
    cases_target, cases_vars = hosts[(CASES, "target")]
    original = cases_vars["govmig_health_url"]
    where.rewrite({cases_target: {"govmig_health_url": "http://case-files.invalid:8080/healthz"}})
    try:
        code, said = _preflight(tree, "--prober", prober)
        health = _by_check(said, "health_reachable")
        assert code == 1 and set(health) == {CASES}, said
        assert health[CASES][0]["severity"] == "critical"
        assert "case-files.invalid" in health[CASES][0]["en"] and "解析" in health[CASES][0]["zh"]

        # asked without --prober: the rendered Probe's in-cluster prober cannot be reached from here (a warning)
        code, said = _preflight(tree)
        health = _by_check(said, "health_reachable")
        assert set(health) == {TRADE, CASES}, said
        assert all(f["severity"] == "warning" and "--prober" in f["en"] for fs in health.values() for f in fs)
        assert "blackbox-exporter.monitoring.svc:9115" in health[TRADE][0]["en"]
    finally:
        where.rewrite({cases_target: {"govmig_health_url": original}})
        services.run_in(ns, str(target_vars["govmig_service_stop"]))
