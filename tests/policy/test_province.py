"""Every decision for the example province against the table written by hand from the rules."""

from __future__ import annotations

from pathlib import Path

from orchestrator.policy import Decision

EXPECTED = Path(__file__).with_name("expected_province.tsv")


def expected() -> dict[str, tuple[str, str, str, str, str]]:
    rows = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, action, network, cloud, zone, rules = line.split("\t")
            rows[key] = (action, network, cloud, zone, rules)
    return rows


def actual(d: Decision) -> tuple[str, str, str, str, str]:
    return (
        d.action.value,
        d.target_network.value if d.target_network else "-",
        str(d.cloud).lower(),
        d.zone.value if d.zone else "-",
        ",".join(d.rules),
    )


def test_every_system_decided_as_the_rules_say(province: dict[str, Decision]) -> None:
    table = expected()
    assert set(province) == set(table)
    wrong = {key: (actual(d), table[key]) for key, d in province.items() if actual(d) != table[key]}
    assert wrong == {}


def test_key_flags(province: dict[str, Decision]) -> None:
    flagged = {
        flag: sorted(k for k, d in province.items() if flag in d.flags)
        for flag in (
            "target_overridden",
            "duplicate_collection",
            "not_shared_without_basis",
            "depends_on_retired",
            "depends_on_blocked",
            "merge_candidate",
        )
    }
    assert flagged == {
        "target_overridden": [
            "630000-CZT/budget-mgmt",
            "630000-GAT/intel-analysis",
            "630000-RST/personnel-exam",
        ],
        "duplicate_collection": [
            "630000-RST/social-insurance",
            "630000-WJW/e-health-card",
            "630000-ZRZYT/geo-survey",
        ],
        "not_shared_without_basis": ["630000-CZT/fiscal-analysis", "630000-RST/talent-db"],
        "depends_on_retired": ["630100-XNBGT/urban-grid"],
        "depends_on_blocked": ["630000-FGW/invest-approval"],
        "merge_candidate": ["630000-FGW/cost-survey", "630000-FGW/price-monitor"],
    }
    no_funds = sorted(k for k, d in province.items() if "no_om_funds" in d.flags)
    assert no_funds == sorted(
        [
            "630000-FGW/bid-monitor",
            "630000-GAT/secret-archive",
            "630000-SCJGJ/quality-inspection",
            "630000-WJW/blood-mgmt",
            "630000-RST/social-insurance",
            "630000-WJW/e-health-card",
            "630000-ZRZYT/geo-survey",
            "630000-RST/talent-db",
            "630000-CZT/fiscal-analysis",
        ]
    )


def test_reasons_carry_the_facts(province: dict[str, Decision]) -> None:
    z1 = next(r for r in province["630000-RST/skill-cert-old"].reasons if r.rule == "Z1")
    assert "2025-11-30" in z1.zh and "357" in z1.zh and "180" in z1.en and "declared" in z1.en
    p1 = next(r for r in province["630000-GAT/intel-analysis"].reasons if r.rule == "P1")
    assert "network=egov_external" in p1.zh and "cloud=true" in p1.en and "overridden" in p1.en
    p8 = next(r for r in province["630000-FGW/bid-monitor"].reasons if r.rule == "P8")
    assert "投资额度" in p8.zh and "运维费用" in p8.zh and "O&M cost" in p8.en
    z2 = next(r for r in province["630000-CZT/old-payroll"].reasons if r.rule == "Z2")
    assert "630000-RST/salary-mgmt" in z2.zh


def test_consolidation_targets(province: dict[str, Decision]) -> None:
    assert province["630000-FGW/price-monitor"].consolidate_into == "630000-FGW/integrated"
    assert province["630000-FGW/invest-approval"].consolidate_into is None
    assert province["630000-SCJGJ/quality-inspection"].consolidate_into == "630000-SCJGJ/integrated"
    merge = province["630000-FGW/price-monitor"]
    assert merge.merge_with == ["630000-FGW/cost-survey"] and "相似度" in merge.notes[0].zh


def test_dr_for_mlps_three_and_up_only_when_moving(province: dict[str, Decision]) -> None:
    for d in province.values():
        moving = d.action.value in ("migrate", "blocked")
        assert ("dr_required" in d.flags) == (moving and d.mlps_level >= 3), d.key


def test_counts_by_action(province: dict[str, Decision]) -> None:
    counts: dict[str, int] = {}
    for d in province.values():
        counts[d.action.value] = counts.get(d.action.value, 0) + 1
    assert counts == {"migrate": 75, "retire": 12, "stay": 2, "blocked": 4}
