# ruff: noqa: F811  # browser, server: test_browser's fixtures, taken by name
"""Utilization, fees and the vendor's SLA for a month, read from a real Prometheus holding a month of known usage.

The month (tests/reports/money_month.py) is written as OpenMetrics and loaded with `promtool tsdb
create-blocks-from openmetrics`; Prometheus starts on loopback over that data; the rendered resource recording
rules are evaluated over it at their own interval (range queries at the rule's step, as promtool's rules backfill
asks them, but one query per rule rather than one per rule and two hours, and without a block written per rule
and two hours, which cost minutes), loaded the same way, and Prometheus restarts with both. Every figure `govmig
report utilization|fees|sla` prints is checked against what the test works out from the synthetic inputs itself.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
import yaml

from orchestrator.cli.app import main
from orchestrator.render import render_artifacts
from tests.monitor import lab
from tests.reports import money_month as mm

ROOT = Path(__file__).resolve().parents[2]
PLANS = [
    str(ROOT / "examples" / "province" / f"{d}.yaml") for d in ("630000-FGW", "630000-RST", "630000-CZT")
]
PRICES = {"currency": "CNY", "vcpu_month": "120.50", "memory_gib_month": "15.30", "storage_gib_month": "0.35"}
TERMS = {
    "objective": 99.95,
    "unavailable_below": 0.5,
    "penalties": [
        {"below": 99.95, "percent": 5},
        {"below": 99.9, "percent": 10},
        {"below": 99.5, "percent": 20},
    ],
}
HOUR = 3600
KNOWN = [s for s in mm.SYSTEMS if s.department != "630000-ZZZ"]


def _seconds(duration: str) -> int:
    """A Prometheus duration of one unit (`5m`, `30s`, `1h`) in seconds."""
    return int(duration[:-1]) * {"s": 1, "m": 60, "h": 3600}[duration[-1]]


def _recording_rules(rendered: dict[str, str]) -> list[tuple[str, str, int]]:
    """(record, expression, interval in seconds) of the rendered extranet and internal resource rules, their
    five-minute group only (the daily group reads what this one records; the reports read the five-minute
    records)."""
    rules = []
    for zone in ("extranet", "internal"):
        doc = yaml.safe_load(rendered[f"monitoring/rules/_resources/{zone}.rules.yaml"])
        for group in doc["groups"]:
            if group["name"].endswith(".daily"):
                continue
            interval = _seconds(group["interval"])
            rules += [(r["record"], r["expr"], interval) for r in group["rules"]]
    return rules


BLOCK = 2 * HOUR
MAX_POINTS = 11_000
"""Points a range query may ask for (Prometheus refuses more)."""


def _evaluated(url: str, record: str, expr: str, interval: int) -> Iterator[str]:
    """The rule evaluated as Prometheus' rule manager (and `promtool tsdb create-blocks-from rules`) does: the
    expression at each of the rule's evaluation times over the month and its margins, its series named by the
    record. Asked as range queries at the rule's own interval (what promtool's backfill asks too: one query per
    rule and block; here one per rule and 11,000 points), written as OpenMetrics to load like the raw month."""
    first, end = mm.MONTH.start - mm.MARGIN, mm.MONTH.end + mm.MARGIN
    series: dict[tuple[tuple[str, str], ...], list[tuple[float, str]]] = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        while first < end:
            last = min(end - interval, first + (MAX_POINTS - 1) * interval)
            answer = client.get(
                "/api/v1/query_range",
                params={"query": expr, "start": first, "end": last, "step": interval},
            )
            answer.raise_for_status()
            for row in answer.json()["data"]["result"]:
                labels = tuple(sorted(row["metric"].items()))
                series.setdefault(labels, []).extend((float(t), v) for t, v in row["values"])
            first = last + interval
    yield f"# TYPE {record} gauge"
    for labels, values in series.items():
        where = ",".join(f'{k}="{v}"' for k, v in labels)
        for t, v in values:
            yield f"{record}{{{where}}} {v} {int(t)}"


def _openmetrics_windows(lines: Iterable[str], folder: Path) -> list[Path]:
    """OpenMetrics as one file per two-hour block (promtool's block range, aligned to the epoch as its blocks
    are): promtool reads its whole input once per block it writes, so one file a block keeps the load linear in
    the month's length. Comments (`# TYPE`) go to every file."""
    folder.mkdir()
    files: dict[int, Any] = {}
    kinds: list[str] = []
    try:
        for line in lines:
            if line == "# EOF":
                break
            if line.startswith("#"):
                kinds.append(line)
                for out in files.values():
                    out.write(line + "\n")
                continue
            window = int(line.rsplit(" ", 1)[1]) // BLOCK * BLOCK
            if window not in files:
                files[window] = (folder / f"{window}.txt").open("w")
                files[window].writelines(k + "\n" for k in kinds)
            files[window].write(line + "\n")
    finally:
        for out in files.values():
            out.write("# EOF\n")
            out.close()
    return [folder / f"{w}.txt" for w in sorted(files)]


def _load(windows: list[Path], tsdb: Path) -> None:
    """Each window into blocks, two promtools at a time (one a core)."""

    def one(window: Path) -> None:
        subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", str(window), str(tsdb)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        window.unlink()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, windows))


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory, province_plans: Any, province: Any) -> Iterator[str]:
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        pytest.skip("prometheus is not installed (scripts/system-deps.sh installs it)")
    root = tmp_path_factory.mktemp("money")
    from orchestrator.waves import WaveSettings, plan_waves
    from tests.conftest import AS_OF

    schedule = WaveSettings.model_validate(yaml.safe_load((ROOT / "examples" / "schedule.yaml").read_text()))
    roadmap = plan_waves(province_plans, list(province.values()), AS_OF, schedule)
    rules = _recording_rules(render_artifacts(province_plans, list(province.values()), roadmap))
    tsdb = root / "tsdb"
    _load(_openmetrics_windows(mm.openmetrics(), root / "openmetrics"), tsdb)
    config = "global: {scrape_interval: 1m}\n"
    flags = ("--storage.tsdb.retention.time=100y", "--query.max-samples=100000000")
    daemon = lab.prometheus(root, config)
    daemon.argv += flags
    daemon.start()
    try:
        recorded = [line for rule in rules for line in _evaluated(daemon.url, *rule)]
    finally:
        daemon.stop()
    _load(_openmetrics_windows(recorded, root / "recorded"), tsdb)
    daemon.start()
    try:
        yield daemon.url
    finally:
        daemon.stop()
        shutil.rmtree(root, ignore_errors=True)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def report(kind: str, prometheus: str, *extra: str) -> dict[str, Any]:
    code, out, err = run(
        "report",
        kind,
        *PLANS,
        "--month",
        mm.MONTH.label,
        "--prometheus",
        prometheus,
        *extra,
        "--format",
        "json",
    )
    assert code == 0, err
    return dict(json.loads(out))


# --- what the test works out itself -------------------------------------------------------------------------


def _grid(s: mm.Synthetic, step: int) -> list[int]:
    """The recording rules' evaluation times in the month at which the system had data."""
    return [t for t in range(mm.MONTH.start, mm.MONTH.end, step) if s.begins <= t < s.ends]


def _quantile(values: list[float], q: float) -> float:
    """Prometheus' quantile_over_time: linear interpolation between the ranks of the sorted values."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def expected_figures(s: mm.Synthetic) -> dict[str, float]:
    times = _grid(s, 300)
    cpu = [s.cpu_used(t) for t in times]
    memory = [s.memory_used(t) for t in times]
    return {
        "cpu_allocated": s.cpus(times[-1]),
        "cpu_p95": _quantile(cpu, 0.95),
        "cpu_peak": max(cpu),
        "memory_allocated_gib": s.memory / mm.GIB,
        "memory_p95_gib": _quantile(memory, 0.95) / mm.GIB,
        "storage_allocated_gib": s.storage / mm.GIB,
        "storage_used_gib": s.storage_used / mm.GIB,
        "days": len(times) / 288,
    }


def expected_idle(s: mm.Synthetic) -> bool:
    f = expected_figures(s)
    return (
        f["days"] >= mm.MONTH.days
        and f["cpu_p95"] <= 0.05 * f["cpu_allocated"]
        and f["memory_p95_gib"] <= 0.10 * f["memory_allocated_gib"]
    )


def held_hours(s: mm.Synthetic) -> list[int]:
    """The month's hours in which the system held anything: from its cutover's hour to its decommission's."""
    return [h for h in range(mm.MONTH.start, mm.MONTH.end, HOUR) if s.begins < h + HOUR and h < s.ends]


def expected_fee(s: mm.Synthetic) -> dict[str, Decimal]:
    hours = held_hours(s)
    vcpu = sum((Decimal(repr(float(s.cpus(h)))) for h in hours), Decimal(0))
    memory = Decimal(len(hours)) * Decimal(int(s.memory)) / Decimal(mm.GIB)
    storage = Decimal(len(hours)) * Decimal(int(s.storage)) / Decimal(mm.GIB)
    raw = (
        vcpu * Decimal(PRICES["vcpu_month"])
        + memory * Decimal(PRICES["memory_gib_month"])
        + storage * Decimal(PRICES["storage_gib_month"])
    ) / Decimal(mm.MONTH.hours)
    return {
        "vcpu_hours": vcpu,
        "memory_gib_hours": memory,
        "amount": raw.quantize(Decimal("0.01"), ROUND_HALF_UP),
    }


# --- the tests --------------------------------------------------------------------------------------------


def test_utilization_matches_the_synthetic_month(prometheus: str) -> None:
    doc = report("utilization", prometheus)
    rows = {f"{r['department']}/{r['system']}": r for r in doc["systems"]}
    assert set(rows) == {s.key for s in KNOWN}  # the stranger no plan names is left out
    for s in KNOWN:
        row, want = rows[s.key], expected_figures(s)
        assert set(row) == {
            "department", "system", "cpu_allocated", "cpu_p95", "cpu_peak", "memory_allocated_gib",
            "memory_p95_gib", "storage_allocated_gib", "storage_used_gib", "cpu_utilization", "idle",
            "recommendation",
        }  # fmt: skip
        for key in (
            "cpu_allocated",
            "cpu_p95",
            "cpu_peak",
            "memory_allocated_gib",
            "memory_p95_gib",
            "storage_allocated_gib",
            "storage_used_gib",
        ):
            assert row[key] == pytest.approx(round(want[key], 3), abs=0.0015), (s.key, key)
        assert row["cpu_utilization"] == pytest.approx(want["cpu_p95"] / want["cpu_allocated"], abs=1e-3)
        assert row["idle"] is expected_idle(s), s.key
    assert doc["idle"] == sorted(s.key for s in KNOWN if expected_idle(s)) == ["630000-FGW/credit-platform"]
    assert rows["630000-FGW/credit-platform"]["recommendation"]["action"] == "reclaim"
    assert rows["630000-RST/social-insurance"]["recommendation"]["action"] == "resize"  # low use, not a month
    by_dept: dict[str, list[float]] = {}
    for s in KNOWN:
        f = expected_figures(s)
        by_dept.setdefault(s.department, [0.0, 0.0])
        by_dept[s.department][0] += f["cpu_p95"]
        by_dept[s.department][1] += f["cpu_allocated"]
    ranked = sorted(by_dept, key=lambda d: -by_dept[d][0] / by_dept[d][1])
    assert [d["department"] for d in doc["departments"]] == ranked
    assert [d["rank"] for d in doc["departments"]] == [1, 2, 3]
    assert doc["departments"][0]["name"]  # the department's name beside its code


def test_the_cpu_measured_against_allocation_feeds_z3_through_measured_usage(
    prometheus: str, tmp_path: Path
) -> None:
    """`--usage-out` writes each system's mean CPU as a share of what it holds into the monitor's MeasuredUsage
    (`--usage`), which `govmig assess --usage` gives Z3: idle requests and idle CPU together."""
    base, out = tmp_path / "usage.yaml", tmp_path / "measured.yaml"
    idle = "630000-FGW/credit-platform"
    base.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "govmig/v1",
                "kind": "MeasuredUsage",
                "measured_at": "2026-05-01",
                "systems": [{"system": idle, "window_days": 30, "requests_per_day": 0.2}],
            }
        )
    )
    report("utilization", prometheus, "--usage", str(base), "--usage-out", str(out))
    measured = {m["system"]: m for m in yaml.safe_load(out.read_text())["systems"]}
    assert measured[idle]["requests_per_day"] == 0.2  # the monitor's figure kept
    assert set(measured) == {s.key for s in KNOWN}
    for s in KNOWN:
        times = _grid(s, 300)
        mean = sum(s.cpu_used(t) for t in times) / len(times)
        assert measured[s.key]["cpu_percent"] == pytest.approx(100 * mean / s.cpus(times[-1]), abs=0.05), (
            s.key
        )


def test_a_recommendations_saving_is_what_it_frees_at_the_price_list(prometheus: str, tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text(yaml.safe_dump(PRICES))
    doc = report("utilization", prometheus, "--prices", str(prices))
    rows = {f"{r['department']}/{r['system']}": r for r in doc["systems"]}
    idle = rows["630000-FGW/credit-platform"]["recommendation"]
    want = (
        Decimal(2) * Decimal(PRICES["vcpu_month"]) + Decimal(4) * Decimal(PRICES["memory_gib_month"])
    ).quantize(Decimal("0.01"))
    assert Decimal(idle["monthly_saving"]) == want
    resize = rows["630000-RST/social-insurance"]["recommendation"]
    freed_cpu, freed_memory = (
        Decimal(2) - Decimal(repr(resize["cpu"])),
        Decimal(4) - Decimal(repr(resize["memory_gib"])),
    )
    assert (resize["cpu"], resize["memory_gib"]) == (0.5, 0.5)  # max(p95 × 1.3, peak) rounded up to 0.5
    assert Decimal(resize["monthly_saving"]) == (
        freed_cpu * Decimal(PRICES["vcpu_month"]) + freed_memory * Decimal(PRICES["memory_gib_month"])
    ).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_fees_reconcile_to_the_fen_with_the_price_list(prometheus: str, tmp_path: Path) -> None:
    prices = tmp_path / "prices.yaml"
    prices.write_text(yaml.safe_dump(PRICES))
    out = tmp_path / "out"
    doc = report("fees", prometheus, "--prices", str(prices), "--no-pdf", "-o", str(out))
    rows = {f"{r['department']}/{r['system']}": r for r in doc["systems"]}
    assert set(rows) == {s.key for s in KNOWN}
    for s in KNOWN:
        want = expected_fee(s)
        row = rows[s.key]
        assert set(row) == {
            "department",
            "system",
            "vcpu_hours",
            "memory_gib_hours",
            "storage_gib_hours",
            "amount",
        }
        assert Decimal(row["vcpu_hours"]) == want["vcpu_hours"], s.key
        assert Decimal(row["memory_gib_hours"]) == want["memory_gib_hours"], s.key
        assert Decimal(row["amount"]) == want["amount"], s.key
    assert Decimal(rows["630000-RST/pension-calc"]["vcpu_hours"]) == 4 * (19 * 24 + 14)  # to its decommission
    assert (
        Decimal(rows["630000-CZT/budget-mgmt"]["vcpu_hours"]) == 8 * 14 * 24 + 4 * 16 * 24
    )  # resized on the 15th
    for d in doc["departments"]:
        assert Decimal(d["amount"]) == sum(
            (expected_fee(s)["amount"] for s in KNOWN if s.department == d["department"]), Decimal(0)
        )
    assert Decimal(doc["total"]) == sum((expected_fee(s)["amount"] for s in KNOWN), Decimal(0))
    book = openpyxl.load_workbook(out / f"fees-{mm.MONTH.label}.xlsx")
    sheet = book.worksheets[0]
    cells = list(sheet.iter_rows(min_row=2, values_only=True))
    assert cells[-1][0] == "合计 Total" and Decimal(str(cells[-1][7])) == Decimal(doc["total"])
    lines = [r for r in cells if r[2] not in ("小计 Subtotal", "") and r[0] != "合计 Total"]
    assert sum((Decimal(str(r[7])) for r in lines), Decimal(0)) == Decimal(doc["total"])
    assert any(r[1] == "青海省发展和改革委员会" for r in cells)  # names beside the codes


def _zone_minutes(zone: str) -> dict[int, list[int]]:
    """Per minute of the month, the latest result of each of the zone's probes within Prometheus' 5-minute
    look-back."""
    found: dict[int, list[int]] = {}
    for s in (s for s in mm.SYSTEMS if s.zone == zone):
        samples = {t: 0 if any(a <= t < b for a, b in s.probe_down) else 1 for t in s.times(mm.PROBE_STEP)}
        for t in range(mm.MONTH.start, mm.MONTH.end, 60):
            latest = next((samples[u] for u in range(t, t - 301, -60) if u in samples), None)
            if latest is not None:
                found.setdefault(t, []).append(latest)
    return found


def test_sla_availability_incidents_and_penalty_per_zone(prometheus: str, tmp_path: Path) -> None:
    terms = tmp_path / "sla.yaml"
    terms.write_text(yaml.safe_dump(TERMS))
    doc = report("sla", prometheus, "--terms", str(terms))
    zones = {z["zone"]: z for z in doc["zones"]}
    assert set(zones) == {"extranet", "internal"}
    for zone, got in zones.items():
        minutes = _zone_minutes(zone)
        down = sorted(
            t for t, results in minutes.items() if sum(results) / len(results) < TERMS["unavailable_below"]
        )
        availability = round(100 * (len(minutes) - len(down)) / len(minutes), 4)
        assert got["measured_minutes"] == len(minutes)
        assert got["unavailable_minutes"] == len(down)
        assert got["availability"] == availability
        runs = sum(1 for i, t in enumerate(down) if i == 0 or down[i - 1] != t - 60)
        assert len(got["incidents"]) == runs
        tiers = [p for p in TERMS["penalties"] if availability < p["below"]]
        assert got["penalty_percent"] == max((p["percent"] for p in tiers), default=0)
        assert got["met"] is (availability >= TERMS["objective"])
    assert [i["minutes"] for i in zones["extranet"]["incidents"]] == [
        90
    ]  # one system alone down is no incident
    assert zones["extranet"]["incidents"][0]["start"].startswith("2026-04-05T02:00:00+08:00")


def test_bad_inputs_are_said_located_and_exit_2(
    prometheus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # the problems table on one line a problem
    prices = tmp_path / "prices.yaml"
    prices.write_text("currency: CNY\nvcpu_month: [12\n")
    code, _, err = run(
        "report", "fees", *PLANS, "--month", "2026-04", "--prometheus", prometheus, "--prices", str(prices)
    )
    assert code == 2 and "Traceback" not in err and "prices.yaml" in err and "line" in err
    prices.write_text(yaml.safe_dump({**PRICES, "vcpu_month": "-1"}))
    code, _, err = run(
        "report", "fees", *PLANS, "--month", "2026-04", "--prometheus", prometheus, "--prices", str(prices)
    )
    assert code == 2 and "vcpu_month" in err
    code, _, err = run("report", "utilization", *PLANS, "--month", "2026-13", "--prometheus", prometheus)
    assert code == 2 and "不是有效月份" in err and "not a month" in err and "Traceback" not in err


def test_an_unreachable_prometheus_fails_with_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    port = lab.free_port()  # nothing listens there
    code, _, err = run(
        "report", "utilization", *PLANS, "--month", "2026-04", "--prometheus", f"http://127.0.0.1:{port}"
    )
    assert code == 1 and "无法从 Prometheus" in err and "could not read from Prometheus" in err
    assert "Traceback" not in err
    for bad in ("http://[::1", "ftp://prom", "prom:9090"):  # not a URL at all: bad input
        code, _, err = run("report", "utilization", *PLANS, "--month", "2026-04", "--prometheus", bad)
        assert code == 2 and "不是有效的 Prometheus 地址" in err and "is not a Prometheus URL" in err, bad


def test_the_resources_page_shows_the_month_and_a_department_only_its_own(
    prometheus: str, province_settings: Any, tmp_path: Path
) -> None:
    """The resources page's document (`GET /api/resources/month`, what the console's /app/money draws) over the
    same Prometheus: supervisors get every system's figures, each fee and the total to the fen and the SLA per
    zone; a department its own lines only (filtered on the server) and no SLA; the old /money leads there."""
    from orchestrator.reports import Prices, SlaTerms
    from tests.web.conftest import MINE, build

    web = build(None, province_settings, site=False)
    try:
        config = web.app.state.ctx.config
        config.prometheus = prometheus
        config.prices = Prices.model_validate(PRICES)
        config.sla_terms = SlaTerms.model_validate(TERMS)
        url = f"/api/resources/month?month={mm.MONTH.label}"
        answered = web.client("supervisor").get(url)
        assert answered.status_code == 200, answered.text
        doc = answered.json()
        assert doc["configured"] is True and doc["month"] == mm.MONTH.label
        figures = {f"{r['department']}/{r['system']}": r for r in doc["utilization"]["systems"]}
        fees = {f"{r['department']}/{r['system']}": r for r in doc["fees"]["systems"]}
        for s in KNOWN:
            assert figures[s.key]["cpu_p95"] == round(expected_figures(s)["cpu_p95"], 3), s.key
            assert Decimal(fees[s.key]["amount"]) == expected_fee(s)["amount"], s.key
        assert not any(k.startswith("630000-ZZZ/") for k in [*figures, *fees])
        total = sum((expected_fee(s)["amount"] for s in KNOWN), Decimal(0))
        assert Decimal(doc["fees"]["total"]) == total  # to the fen
        assert {z["zone"] for z in doc["sla"]["zones"]} >= {"extranet", "internal"}
        named = {d["department"]: d.get("name") for d in doc["fees"]["departments"]}
        assert named["630000-FGW"] == "青海省发展和改革委员会"  # names beside codes

        mine = web.client("rst").get(url).json()
        own_keys = {f"{r['department']}/{r['system']}" for r in mine["utilization"]["systems"]}
        assert own_keys == {s.key for s in KNOWN if s.department == MINE}  # filtered on the server
        assert {f"{r['department']}/{r['system']}" for r in mine["fees"]["systems"]} == own_keys
        assert mine["sla"] is None  # the vendor's SLA is the supervisors'
        own = sum((expected_fee(s)["amount"] for s in KNOWN if s.department == MINE), Decimal(0))
        assert Decimal(mine["fees"]["total"]) == own
        old = web.client("rst").get(f"/money?month={mm.MONTH.label}", follow_redirects=False)
        assert old.status_code == 303 and old.headers["location"] == f"/app/money?month={mm.MONTH.label}"

        bad = web.client("supervisor").get("/api/resources/month?month=2026-13")
        assert (
            bad.status_code == 422
            and "不是有效月份" in bad.json()["zh"]
            and "not a month" in bad.json()["en"]
        )
        assert web.client("sys").get(url).status_code == 403  # an administrator reads no business data
    finally:
        web.close()


def test_the_recommendation_approved_by_a_supervisor_changes_the_render_and_next_months_fees(
    prometheus: str, province_settings: Any
) -> None:
    """A department asks the month's recommendation for its system; a supervisor other than the asker approves;
    the render of the portfolio in force sizes the system to it and the next month's fees hold it (worked out
    here from the synthetic month and the price list); an idle system kept by a supervisor's approval is no
    longer recommended for reclaim; the month's workbook is a link away."""
    from orchestrator.reports import Prices
    from tests.web.conftest import USERS, build

    key = "630000-RST/social-insurance"  # a VM on the cloud; low use: resized to 0.5 vCPU and 0.5 GiB
    web = build(None, province_settings, site=False, users={**USERS, "supervisor2": ("supervisor", None)})
    try:
        config = web.app.state.ctx.config
        config.prometheus = prometheus
        config.prices = Prices.model_validate(PRICES)
        advice = {
            f"{r['department']}/{r['system']}": r["recommendation"]
            for r in report("utilization", prometheus)["systems"]
        }[key]
        assert (advice["action"], advice["cpu"], advice["memory_gib"]) == ("resize", 0.5, 0.5)

        asked = web.client("rst").post(
            "/api/resources/requests", json={"system": key, "recommended": mm.MONTH.label, "reason": "按建议"}
        )
        assert asked.status_code == 201, asked.text
        ask = asked.json()
        assert ask["basis"] == "measured" and (ask["to"]["cpu"], ask["to"]["memory_gib"]) == (0.5, 0.5)
        assert ask["from"] == {"cpu": 2.0, "memory_gib": 4.0, "storage_gib": 0.0}  # held at the month's end
        mine = web.client("rst").post(f"/api/resources/requests/{ask['id']}", json={"decision": "approve"})
        assert mine.status_code == 403  # a department decides nothing, its own ask least of all
        before = web.app.state.ctx.site.plans.view().portfolio.render()
        decided = web.client("supervisor").post(
            f"/api/resources/requests/{ask['id']}", json={"decision": "approve", "comment": "同意"}
        )
        assert decided.status_code == 200 and decided.json()["status"] == "approved"
        after = web.app.state.ctx.site.plans.view().portfolio.render()
        path = "manifests/base/630000-RST/social-insurance/virtualmachine.yaml"

        def domain(files: dict[str, str]) -> dict[str, Any]:
            vm = next(d for d in yaml.safe_load_all(files[path]) if d["kind"] == "VirtualMachine")
            return dict(vm["spec"]["template"]["spec"]["domain"])

        assert (domain(before)["cpu"]["cores"], domain(before)["memory"]["guest"]) == (
            6,
            "12Gi",
        )  # as planned
        # a VM holds whole cores and at least 1 GiB: 0.5 vCPU and 0.5 GiB become 1 core and 1Gi
        assert (domain(after)["cpu"]["cores"], domain(after)["memory"]["guest"]) == (1, "1Gi")

        idle = "630000-FGW/credit-platform"
        kept = web.client("supervisor").post(
            "/api/resources/requests", json={"system": idle, "kind": "keep", "reason": "汛期应急备用"}
        )
        web.client("supervisor2").post(
            f"/api/resources/requests/{kept.json()['id']}", json={"decision": "approve"}
        )

        month = web.client("supervisor").get(f"/api/resources/month?month={mm.MONTH.label}").json()
        row = next(r for r in month["utilization"]["systems"] if f"{r['department']}/{r['system']}" == idle)
        said = row["recommendation"]
        assert said["action"] == "keep" and "已批准保留" in said["zh"] and "汛期应急备用" in said["zh"]
        assert "回收" not in said["zh"] and idle in month["utilization"]["kept"]

        def whole_month(cpu: float, memory_gib: float, storage_gib: float) -> Decimal:
            return (
                Decimal(repr(float(cpu))) * Decimal(PRICES["vcpu_month"])
                + Decimal(repr(float(memory_gib))) * Decimal(PRICES["memory_gib_month"])
                + Decimal(repr(float(storage_gib))) * Decimal(PRICES["storage_gib_month"])
            ).quantize(Decimal("0.01"), ROUND_HALF_UP)

        last = mm.MONTH.end - HOUR
        ahead = {}
        for s in KNOWN:
            if s.ends <= last:
                continue  # decommissioned within the month: nothing next month
            held = (s.cpus(last), s.memory / mm.GIB, s.storage / mm.GIB)
            if s.key == key:
                held = (advice["cpu"], advice["memory_gib"], 0.0)
            ahead[s.key] = whole_month(*held)
        assert "630000-RST/pension-calc" not in ahead
        nxt = month["fees"]["next_month"]
        projected = {f"{r['department']}/{r['system']}": Decimal(r["amount"]) for r in nxt["systems"]}
        assert {k: projected.get(k) for k in ahead} == ahead
        assert Decimal(nxt["total"]) == sum(ahead.values(), Decimal(0))
        assert ahead[key] == Decimal("67.90") < whole_month(2, 4, 0)  # 0.5 × 120.50 + 0.5 × 15.30

        book = web.client("rst").get(f"/api/resources/fees.xlsx?month={mm.MONTH.label}")
        assert book.status_code == 200 and book.headers["content-disposition"].endswith("fees-2026-04.xlsx")
        cells = list(
            openpyxl.load_workbook(io.BytesIO(book.content)).worksheets[0].iter_rows(values_only=True)
        )
        own = sum((expected_fee(s)["amount"] for s in KNOWN if s.department == "630000-RST"), Decimal(0))
        assert cells[-1][0] == "合计 Total" and Decimal(str(cells[-1][7])) == own  # a department's own lines
        assert not any(r[0] == "630000-FGW" for r in cells)
    finally:
        web.close()


def _utilization_sheet(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    (sheet,) = [ws for ws in book.worksheets if "资源利用率" in ws.title]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_annual_report_and_the_evaluation_carry_utilization(
    prometheus: str, province_settings: Any, tmp_path: Path
) -> None:
    """With --prometheus the annual report (the province's and a department's) and the evaluation have a
    resource utilization section per department with the figures of `govmig report utilization` (CPU p95
    against allocated, the idle systems, what reclaiming them saves a month); without it they say it was not
    measured."""
    from tests.web.conftest import build

    prices = tmp_path / "prices.yaml"
    prices.write_text(yaml.safe_dump(PRICES))
    used = report("utilization", prometheus, "--prices", str(prices))
    web = build(None, province_settings, site=False)
    try:
        db = f"sqlite:///{web.root / 'govmig.db'}"
        common = ("--year", "2026", "--no-pdf", "--db", db, "--format", "json")
        measured = (
            "--prometheus",
            prometheus,
            "--utilization-month",
            mm.MONTH.label,
            "--prices",
            str(prices),
        )
        for kind, stem in (("annual", "年度报告-annual-2026"), ("evaluation", "考核评价-evaluation-2026")):
            out = tmp_path / kind
            code, _, err = run("report", kind, *PLANS, *common, *measured, "-o", str(out))
            assert code == 0, err
            rows = {r[0]: r for r in _utilization_sheet(out / f"{stem}.xlsx")}
            assert set(rows) == {d["department"] for d in used["departments"]}
            for d in used["departments"]:
                row = rows[d["department"]]
                assert row[2] == f"{d['cpu_p95']:g} / {d['cpu_allocated']:g}", kind
                assert row[3] == f"{d['cpu_utilization']:.1%}" and row[4] == d["rank"]
            assert rows["630000-FGW"][5] == 1 and rows["630000-FGW"][6] == "630000-FGW/credit-platform"
            assert Decimal(rows["630000-FGW"][8]) == Decimal("302.20")  # 2 vCPU and 4 GiB a month
            assert rows["630000-RST"][5] == 0 and Decimal(rows["630000-RST"][8]) == 0
            page = (out / f"{stem}.html").read_text()
            assert "资源利用率 Resource utilization" in page and "Measured in 2026-04" in page

            bare = tmp_path / f"{kind}-bare"
            code, _, err = run("report", kind, *PLANS, *common, "-o", str(bare))
            assert code == 0, err
            page = (bare / f"{stem}.html").read_text()
            assert "未测量" in page and "Not measured: no Prometheus was given" in page

        own = tmp_path / "own"
        code, _, err = run(
            "report", "annual", *PLANS, *common, *measured, "--department", "630000-RST", "-o", str(own)
        )
        assert code == 0, err
        rows = _utilization_sheet(own / "年度报告-annual-2026-630000-RST.xlsx")
        assert [r[0] for r in rows] == ["630000-RST"]

        code, _, err = run(
            "report", "annual", *PLANS, *common, *measured[:2], "--utilization-month", "2026-13"
        )
        assert code == 2 and "不是有效月份" in err and "Traceback" not in err
    finally:
        web.close()


# --- the console's page (/app/money) over the same month ------------------------------------------------------

from tests.web.test_browser import CHROMIUM, browser, server, sign_in, until  # noqa: E402, F401


@pytest.fixture(scope="module")
def web(prometheus: str, province_settings: Any) -> Iterator[Any]:
    """The web service over the same Prometheus, a second supervisor to decide the first one's asks."""
    from orchestrator.reports import Prices, SlaTerms
    from tests.web.conftest import USERS, build

    w = build(None, province_settings, site=False, users={**USERS, "supervisor2": ("supervisor", None)})
    config = w.app.state.ctx.config
    config.prometheus = prometheus
    config.prices = Prices.model_validate(PRICES)
    config.sla_terms = SlaTerms.model_validate(TERMS)
    yield w
    w.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
def test_the_console_money_page_asks_and_approves_a_resize(server: str, browser: Any, web: Any) -> None:
    """A department reads its own utilization and fees, asks the recommended resize from its system's row; a
    supervisor sees the ask and approves it, and the next month's fees carry it; the fees' workbook and PDF are
    links; axe-core finds nothing critical or serious on either page."""
    from tests.web.console import axe, drawn, shots

    key = "630000-RST/social-insurance"
    page = sign_in(browser, server, web, "rst")
    page.goto(server + f"/app/money?month={mm.MONTH.label}")
    drawn(page, "#systems .el-table__body")
    systems = page.inner_text("#systems")
    assert key in systems and "630000-FGW" not in systems  # a department's own lines
    assert page.get_attribute("#fees-xlsx", "href") == f"/api/resources/fees.xlsx?month={mm.MONTH.label}"
    assert page.locator("#utilization-chart svg").count() == 1  # the ECharts bar, drawn as SVG
    page.locator("#systems tr", has_text=key).get_by_role("button", name="申请调整").click()
    page.fill("#ask-reason", "按建议调整")
    page.click("#ask-submit")
    until(page, f"document.querySelector('#requests').innerText.includes('{key}')")
    assert axe(page) == []
    shots(page, "money-department")
    page.close()

    asked = web.client("supervisor").get("/api/resources/requests?status=pending").json()
    (ask,) = [r for r in asked if r["system"] == key]
    assert (ask["to"]["cpu"], ask["to"]["memory_gib"]) == (0.5, 0.5)  # the recommendation, from the row
    assert ask["basis"] == "measured" and ask["from"]["cpu"] == 2.0  # asked as the month's recommendation
    boss = sign_in(browser, server, web, "supervisor")
    boss.goto(server + f"/app/money?month={mm.MONTH.label}")
    drawn(boss, "#requests .el-table__body")
    boss.locator("#requests tr", has_text=key).get_by_role("button", name="批准").click()
    until(
        boss,
        "!!document.querySelector('#next-month') && document.querySelector('#next-month').innerText.includes('67.90')",
    )
    assert web.client("supervisor").get("/api/resources/requests").json()[-1]["status"] == "approved"
    assert "630000-FGW" in boss.inner_text("#systems")  # supervisors see every department
    assert axe(boss) == []
    shots(boss, "money-supervisor")
    assert boss.csp_violations == []
    boss.close()
