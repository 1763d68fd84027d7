"""The attack suite: what a department types stays data in every renderer (one class per place it can go).

Each class renders the hostile department of `tests.security.portfolio` and proves, through the real consumer
(Ansible, kubectl kustomize, promtool, openpyxl), that no payload became code; each also shows that the same
consumer would have run the payload, so the test could fail.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import ansible_runner
import openpyxl
import pytest
import yaml

from orchestrator.contracts.inventory import InventoryLoader
from orchestrator.execute.ports.runner import search_path
from orchestrator.plan import build_template
from orchestrator.policy import Action
from orchestrator.render import DEFAULT_RENDER, dump_inventory, load_inventory
from orchestrator.render.rules import rule_groups
from orchestrator.render.views import build_views
from orchestrator.reports import build_ledger, inventory_rows, inventory_xlsx
from tests.security.portfolio import (
    ENGINE_DOCUMENT,
    EXCEL,
    MARKER,
    NEWLINE_DOCUMENT,
    PROMETHEUS,
    Hostile,
    hostile,
)

# the forced-in engine is not one of the enum's values: pydantic says so when the plan is dumped, as it should
pytestmark = pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")

TEMPLATE_EVERY_VAR = """
- name: Template every host variable, as any task that used it would
  hosts: all
  gather_facts: false
  tasks:
    - name: Read each govmig variable through the templar
      ansible.builtin.set_fact:
        seen: "{{ seen | default({}) | combine({item: lookup('ansible.builtin.vars', item)}) }}"
      loop: "{{ hostvars[inventory_hostname].keys() | select('match', '^govmig_') | list }}"
    - name: Write what they became
      ansible.builtin.copy:
        content: "{{ seen | to_nice_json }}"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        mode: "0600"
"""


def _template_all(inventory: Path, work: Path) -> dict[str, dict[str, Any]]:
    """Runs the playbook above over `inventory` through ansible-runner; each host's variables as templated."""
    out = work / "seen"
    out.mkdir(parents=True)
    (work / "project").mkdir()
    (work / "project" / "template.yml").write_text(TEMPLATE_EVERY_VAR)
    result = ansible_runner.run(
        private_data_dir=str(work),
        playbook="template.yml",
        inventory=str(inventory),
        extravars={
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "out_dir": str(out),
        },
        envvars={"PATH": search_path()},
        quiet=True,
        timeout=300,
    )
    assert result.rc == 0, result.stdout.read()[-3000:]
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}


class TestAnsible:
    """Plan text reaches inventories as `!unsafe`: Ansible never templates it."""

    def test_every_host_variable_templated_by_ansible_runs_nothing(self, tmp_path: Path) -> None:
        site = hostile(tmp_path)
        tree = site.write(tmp_path / "tree")
        inventory = tree / "inventories" / "W01" / "hosts.yml"
        rendered = load_inventory(inventory.read_text())
        seen = _template_all(inventory, tmp_path / "run")
        assert seen, "no host was templated"
        assert not list(tmp_path.glob(MARKER + "*")), "a lookup in plan text ran on the control node"
        health = [v["govmig_health_url"] for v in seen.values() if "govmig_health_url" in v]
        assert any("lookup('ansible.builtin.pipe'" in url for url in health)  # kept, as typed
        for group in rendered["all"]["children"].values():
            for host, hostvars in (group.get("hosts") or {}).items():
                for key, value in hostvars.items():
                    assert seen[host][key] == value, (host, key)
        templatable = [
            v
            for group in rendered["all"]["children"].values()
            for hostvars in (group.get("hosts") or {}).values()
            for v in hostvars.values()
            if isinstance(v, str) and "{" in v
        ]
        assert inventory.read_text().count(": !unsafe ") == len(templatable) > 0  # every one of them tagged

    def test_the_retirement_inventory_templated_by_ansible_runs_nothing(self, tmp_path: Path) -> None:
        """A zombie's retirement (inventories/retire/) carries its database's engine as typed: text there too."""
        site = hostile(tmp_path)
        assert [d.key for d in site.decisions if d.action is Action.retire] == ["630000-TEST/delta"]
        tree = site.write(tmp_path / "tree")
        inventory = tree / "inventories" / "retire" / "hosts.yml"
        rendered = load_inventory(inventory.read_text())
        seen = _template_all(inventory, tmp_path / "run")
        assert not list(tmp_path.glob(MARKER + "*")), "plan text ran on the control node"
        source = next(iter(rendered["all"]["children"]["private"]["hosts"]))
        assert [db["engine"] for db in seen[source]["govmig_databases"]] == [ENGINE_DOCUMENT]
        assert seen[source]["govmig_databases"][0]["move"] == "checkpoint"  # not dumped: archived by hand
        plays = yaml.safe_load((tree / "playbooks" / "retire.yml").read_text())
        assert {p["hosts"] for p in plays} <= {"wave_sources", "frontends", "localhost", "all"}, plays

    def test_text_that_looks_like_a_yes_no_or_a_number_stays_text(self, tmp_path: Path) -> None:
        """Ansible reads an !unsafe scalar's type afresh: only text with a brace is tagged, so "true" and
        "0630" reach a task as the text they are (a command named "true" must not become "True")."""
        doc = {"all": {"hosts": {"h": {"govmig_a": "true", "govmig_b": "0630", "govmig_c": "{{ 1 + 1 }}"}}}}
        path = tmp_path / "hosts.yml"
        path.write_text(dump_inventory(doc))
        seen = _template_all(path, tmp_path / "run")
        assert seen["h"] == {"govmig_a": "true", "govmig_b": "0630", "govmig_c": "{{ 1 + 1 }}"}

    def test_without_the_unsafe_tag_ansible_would_have_run_it(self, tmp_path: Path) -> None:
        """The control: the same inventory, tags stripped, does run the payload (so the test above can fail)."""
        site = hostile(tmp_path)
        tree = site.write(tmp_path / "tree")
        plain = tmp_path / "plain.yml"
        plain.write_text(
            yaml.safe_dump(load_inventory((tree / "inventories" / "W01" / "hosts.yml").read_text()))
        )
        _template_all(plain, tmp_path / "run")
        assert (tmp_path / (MARKER + "-path")).exists()


def _kustomize(folder: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def _shape(tree: Path) -> set[tuple[str, str, str]]:
    objects = []
    for overlay in sorted((tree / "manifests" / "overlays").iterdir()):
        objects += _kustomize(overlay)
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) for o in objects}


class TestYaml:
    """Plan text is never a YAML comment's end or an unquoted scalar: no document of its own."""

    def test_every_overlay_yields_only_the_plans_own_objects(self, tmp_path: Path) -> None:
        attacked = _shape(hostile(tmp_path).write(tmp_path / "attacked"))
        benign = _shape(hostile(tmp_path, benign=True).write(tmp_path / "benign"))
        assert attacked == benign
        kinds = {kind for kind, _, _ in attacked}
        assert "ClusterRoleBinding" not in kinds and not any(ns == "kube-system" for _, ns, _ in attacked)
        from orchestrator.render import DEFAULT_RENDER as site

        platform = {g.namespace for g in site.gateways.values()} | {site.forklift_namespace}
        assert all(
            ns.startswith("630000-test-")
            or (ns in platform and kind in ("Gateway", "NetworkMap", "StorageMap", "Plan", "Migration"))
            for kind, ns, _ in attacked
            if kind != "Namespace"
        )

    def test_a_source_vm_name_reaches_forklift_as_the_text_it_is(self, tmp_path: Path) -> None:
        plans = [
            d
            for p, t in hostile(tmp_path).files.items()
            if p.endswith("forklift.yaml")
            for d in yaml.safe_load_all(t)
            if d and d["kind"] == "Plan"
        ]
        assert [p["spec"]["vms"][0]["name"] for p in plans] == [NEWLINE_DOCUMENT]

    def test_every_rendered_yaml_file_parses_to_the_same_documents_as_the_benign_plan(
        self, tmp_path: Path
    ) -> None:
        attacked, benign = hostile(tmp_path).files, hostile(tmp_path, benign=True).files
        assert sorted(attacked) == sorted(benign)
        for path, text in attacked.items():
            if path.endswith((".yaml", ".yml")):
                docs = [d for d in yaml.load_all(text, Loader=InventoryLoader) if d is not None]
                plain = [d for d in yaml.load_all(benign[path], Loader=InventoryLoader) if d is not None]
                assert len(docs) == len(plain), path


def _promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


class TestPrometheus:
    """Plan text in an annotation is a Go string constant, never a template that runs."""

    def test_promtool_checks_the_rules_and_the_fired_alert_says_the_name_as_typed(
        self, tmp_path: Path
    ) -> None:
        site = hostile(tmp_path)
        tree = site.write(tmp_path / "tree")
        files = sorted(str(p) for p in (tree / "monitoring" / "rules" / "630000-TEST").glob("*.rules.yaml"))
        check = _promtool("check", "rules", *files, cwd=tmp_path)
        assert check.returncode == 0 and check.stdout.count("SUCCESS") == 3, check.stdout + check.stderr
        for system in ("alpha", "beta", "gamma"):
            rules = tree / "monitoring" / "rules" / "630000-TEST" / f"{system}.rules.yaml"
            self._fires_with(site, tmp_path, rules, system)

    def _fires_with(self, site: Hostile, tmp_path: Path, rules: Path, system: str) -> None:
        title = next(s.name for s in site.plans[0].systems if s.id == system)
        page = next(
            r
            for g in yaml.safe_load(rules.read_text())["groups"]
            for r in g["rules"]
            if r.get("labels", {}).get("severity") == "page"
        )
        expected = {
            "summary": f"{title}（630000-TEST/{system}）可用性错误预算快速消耗 / error budget burning fast",
            "description": page["annotations"]["description"],
        }
        series = f'probe_success{{department="630000-TEST",system="{system}",job="govmig-health"}}'
        test = {
            "rule_files": [str(rules)],
            "evaluation_interval": "30s",
            "tests": [
                {
                    "interval": "30s",
                    "input_series": [
                        {"series": series, "values": "0x400"},
                        {"series": "up", "values": "1x400"},
                    ],
                    "alert_rule_test": [
                        {
                            "eval_time": "10m",
                            "alertname": "GovmigErrorBudgetBurn",
                            "exp_alerts": [{"exp_labels": page["labels"], "exp_annotations": expected}],
                        }
                    ],
                }
            ],
        }
        path = tmp_path / f"{system}-test.yaml"
        path.write_text(yaml.safe_dump(test, allow_unicode=True))
        proc = _promtool("test", "rules", str(path), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def test_promtool_checks_rules_for_any_printable_name(self, tmp_path: Path) -> None:
        site = hostile(tmp_path, benign=True)
        [base, *_] = build_views(site.plans, site.decisions, site.roadmap, DEFAULT_RENDER)
        alphabet = "投资审批{}{{}}\"'\\`$.|()-=+@#%&*<>/!?:;[] abcXYZ019"
        rng = random.Random(20261201)  # seeded: the same 60 names every run
        paths, counts = [], set()
        for n in range(60):
            title = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            groups = rule_groups(dataclasses.replace(base, title=title, system=f"s{n}"))
            counts.add(sum(len(g["rules"]) for g in groups["groups"]))
            paths.append(tmp_path / f"fuzz-{n}.rules.yaml")
            paths[-1].write_text(yaml.safe_dump(groups, allow_unicode=True))
        proc = _promtool("check", "rules", *map(str, paths), cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert (
            len(counts) == 1
            and (proc.stdout + proc.stderr).count(f"SUCCESS: {counts.pop()} rules found") == 60
        )

    def test_unescaped_the_same_name_would_break_the_rule_file(self, tmp_path: Path) -> None:
        """The control: the payload as a raw annotation is a template promtool refuses."""
        raw = {
            "groups": [
                {
                    "name": "g",
                    "rules": [{"alert": "A", "expr": "up == 0", "annotations": {"summary": PROMETHEUS}}],
                }
            ]
        }
        path = tmp_path / "raw.rules.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True))
        assert _promtool("check", "rules", str(path), cwd=tmp_path).returncode != 0


def _formula_cells(raw: bytes) -> tuple[int, list[Any]]:
    """(formula cells, cells that start like a formula) of a workbook, as openpyxl reads it back."""
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    formulas, lookalike = 0, []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                formulas += cell.data_type == "f"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    lookalike.append(cell)
    return formulas, lookalike


class TestExcel:
    """A leading =, +, - or @ is written as text with Excel's quote prefix in every workbook."""

    @pytest.fixture
    def site(self, tmp_path: Path) -> Hostile:
        return hostile(tmp_path)

    def workbooks(self, site: Hostile) -> dict[str, bytes]:
        plan = site.plans[0]
        plan.systems[2].function = "+1+1"
        plan.systems[1].function = "@SUM(1,2)"
        plan.systems[0].function = "-2+3"
        return {
            "ledger": build_ledger(site.decisions, site.plans),
            "inventory": inventory_xlsx(inventory_rows(site.plans, site.decisions), {"630000-TEST": EXCEL}),
            "template": build_template(plan),
        }

    def test_no_workbook_holds_a_formula_and_every_lookalike_is_quoted_text(self, site: Hostile) -> None:
        for name, raw in self.workbooks(site).items():
            formulas, lookalike = _formula_cells(raw)
            assert formulas == 0, name
            assert any(c.value == EXCEL for c in lookalike), name
            for cell in lookalike:
                assert cell.data_type == "s" and cell.quotePrefix, (name, cell.coordinate, cell.value)

    def test_the_template_read_back_keeps_the_text_as_typed(self, site: Hostile) -> None:
        from orchestrator.plan import load_bytes

        site.plans[0].systems[0].deployment.components[
            0
        ].health_path = "/healthz"  # forced in: intake refuses
        site.plans[0].systems[1].name = "乙系统"  # these four, and rightly
        site.plans[0].systems[3].deployment.databases[0].engine = "mysql"  # type: ignore[assignment]
        source = site.plans[0].systems[1].deployment.source
        assert source is not None
        source.vm = "vm-01"
        raw = self.workbooks(site)["template"]
        loaded = load_bytes(raw, "t.xlsx", "xlsx")
        assert loaded.plan is not None
        assert [s.owner_unit for s in loaded.plan.systems] == [EXCEL] * 4
        assert [s.function for s in loaded.plan.systems][:3] == ["-2+3", "@SUM(1,2)", "+1+1"]

    def test_without_keeping_text_openpyxl_would_write_a_live_formula(self) -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        assert ws is not None
        ws["A1"] = EXCEL
        out = io.BytesIO()
        wb.save(out)
        assert _formula_cells(out.getvalue())[0] == 1


class TestControlCharacters:
    """Hidden characters never get in at all: intake refuses them in every text field (tests/intake too)."""

    @pytest.mark.parametrize("char", ["\x00", "\x1b", "\u202e", "\u2066", "\u200b", "\ufeff"])
    def test_refused_at_intake_with_its_place(self, char: str) -> None:
        from orchestrator.plan import load_bytes
        from tests.conftest import MINIMAL

        doc = json.loads(json.dumps(MINIMAL))
        doc["systems"][0]["name"] = f"甲{char}系统"
        loaded = load_bytes(json.dumps(doc).encode(), "p.json", "json")
        [error] = [p for p in loaded.problems if p.severity == "error"]
        assert error.code == "control_char" and error.path == ("systems", 0, "name")
        assert f"U+{ord(char):04X}" in error.zh and f"U+{ord(char):04X}" in error.en
        assert error.location.startswith("line ")


class TestCharts:
    """A department's name in a chart is drawn as typed: matplotlib's mathtext never parses plan text."""

    def test_a_name_with_a_broken_formula_is_drawn_as_text(self) -> None:
        from orchestrator.reports.annual import Figures
        from orchestrator.reports.charts import progress_chart, score_chart
        from orchestrator.reports.evaluation import Score

        names = ["局$x^{2$办", r"$\frac{$", "$$", "普通 plain"]
        svg = score_chart([Score(f"D{n}", name, 50.0, n + 1, {}, []) for n, name in enumerate(names)])
        for n, name in enumerate(names):
            assert f"<!-- {n + 1}. {name} -->" in svg
        progress = progress_chart([Figures(f"D{n}", name) for n, name in enumerate(names)], 2026)
        assert all(f"<!-- {name} -->" in progress for name in names)
