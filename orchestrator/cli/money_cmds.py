"""`govmig report utilization|fees|sla`: a month of resources and money (资源监管) from Prometheus; and the
`report` door that sends every other kind (inventory, annual, evaluation) to the existing report command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..app import (
    REPORTS,
    MeasuredUsage,
    MoneyFailure,
    MoneyReport,
    Prices,
    SlaTerms,
    UtilizationSettings,
    fees_report,
    plan_names,
    read_plans,
    sla_report,
    utilization_report,
)
from ..contracts import to_yaml
from .options import model_or_exit, write_files
from .output import BAD_INPUT, FORMAT, console, emit_json, fail, problems_table

PLANS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
MONTH = click.option("--month", required=True, metavar="YYYY-MM", help="月份（北京时间）Month (Beijing time)")
PROMETHEUS = click.option("--prometheus", required=True, metavar="URL", help="Prometheus 地址 Prometheus URL")
TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(1, 600),
    default=60.0,
    show_default=True,
    help="每次查询秒数 Seconds a query",
)
OUT = click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out/reports"),
    show_default=True,
)


def _plans(paths: tuple[Path, ...]) -> list[Any]:
    """The valid plans (MigrationPlan); any input error is bad input, located."""
    intake = read_plans(paths)
    errors = [p for p in intake.errors if p.severity == "error"]
    if errors:
        console(stderr=True).print(problems_table(errors, "输入有误 The input has errors"))
        raise SystemExit(BAD_INPUT)
    return list(intake.plans)


def _made(make: Callable[[], MoneyReport]) -> MoneyReport:
    try:
        return make()
    except MoneyFailure as exc:
        fail(exc.zh, exc.en, exc.status)
        raise  # unreachable: fail exits


def _num(value: Any) -> str:
    return "–" if value is None else str(value)


@click.command("utilization")
@PLANS
@MONTH
@PROMETHEUS
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="闲置阈值与余量 Idle thresholds and comfort (YAML)",
)
@click.option(
    "--prices",
    "prices_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="价格表：给出建议的节省金额 Price list: the savings of the recommendations",
)
@click.option(
    "--usage",
    "usage_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="合并到这份实测使用情况 Merge into this MeasuredUsage (from `govmig usage`)",
)
@click.option(
    "--usage-out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="写出实测使用情况（CPU 占分配比例）供 assess --usage / Z3 Write MeasuredUsage for Z3",
)
@TIMEOUT
@FORMAT
def utilization_command(
    paths: tuple[Path, ...],
    month: str,
    prometheus: str,
    settings_path: Path | None,
    prices_path: Path | None,
    usage_path: Path | None,
    usage_out: Path | None,
    timeout: float,
    fmt: str,
) -> None:
    """资源利用率 Utilization: allocated against used (p95, peak), ranks, idle systems, right-sizing."""
    plans = _plans(paths)
    settings = model_or_exit(
        settings_path, UtilizationSettings, "利用率参数有误 Utilization settings are invalid"
    )
    prices = (
        model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid") if prices_path else None
    )
    base = (
        model_or_exit(usage_path, MeasuredUsage, "实测使用情况有误 Measured usage is invalid")
        if usage_path
        else None
    )
    report = _made(lambda: utilization_report(plans, month, prometheus, settings, prices, timeout, base))
    doc = report.document
    if usage_out is not None and report.usage is not None:
        text = to_yaml(report.usage.model_dump(mode="json", by_alias=True, exclude_none=True))
        write_files(usage_out.parent, {usage_out.name: text.encode()})
    if fmt == "json":
        emit_json(doc)
        return
    names = plan_names(plans)
    out = console()
    out.print(f"资源利用率 Utilization · {doc['month']}")
    for d in doc["departments"]:
        out.print(
            f"  {d['rank']:>2}. {d['department']} {d['name']}  CPU {d['cpu_p95']}/{d['cpu_allocated']} "
            f"({_num(d['cpu_utilization'])})  闲置 idle {d['idle']}"
        )
    for s in doc["systems"]:
        rec = s["recommendation"]
        said = f"  → {rec['zh']} / {rec['en']}" if rec else ""
        out.print(
            f"  {s['department']}/{s['system']} {names.get(s['department'] + '/' + s['system'], '')}  "
            f"CPU p95 {s['cpu_p95']} peak {s['cpu_peak']} / {s['cpu_allocated']}  "
            f"内存 memory p95 {s['memory_p95_gib']} / {s['memory_allocated_gib']} GiB"
            f"{'  闲置 idle' if s['idle'] else ''}{said}"
        )


@click.command("fees")
@PLANS
@MONTH
@PROMETHEUS
@click.option(
    "--prices",
    "prices_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="价格表 Price list (prices.yaml)",
)
@click.option("--no-pdf", is_flag=True, help="不生成 PDF Skip the PDF")
@OUT
@TIMEOUT
@FORMAT
def fees_command(
    paths: tuple[Path, ...],
    month: str,
    prometheus: str,
    prices_path: Path,
    no_pdf: bool,
    out: Path,
    timeout: float,
    fmt: str,
) -> None:
    """服务费用核算 Fees: per department and system, XLSX and PDF for the finance bureau."""
    plans = _plans(paths)
    prices = model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid")
    report = _made(lambda: fees_report(plans, month, prometheus, prices, pdf=not no_pdf, timeout=timeout))
    written = [str(p) for p in write_files(out, report.files)]
    doc = {**report.document, "files": written}
    if fmt == "json":
        emit_json(doc)
        return
    c = console()
    c.print(f"服务费用 Fees · {doc['month']} · {doc['currency']}")
    for d in doc["departments"]:
        c.print(f"  {d['department']} {d['name']}  {d['amount']}")
    c.print(f"  合计 total {doc['total']}")
    for path in written:
        c.print(f"已写入 written: {path}")


@click.command("sla")
@PLANS
@MONTH
@PROMETHEUS
@click.option(
    "--terms",
    "terms_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="服务等级条款 SLA terms (sla.yaml)",
)
@TIMEOUT
@FORMAT
def sla_command(
    paths: tuple[Path, ...], month: str, prometheus: str, terms_path: Path, timeout: float, fmt: str
) -> None:
    """云服务商考核 The vendor's SLA: availability per zone, incidents, the penalty the terms give."""
    _plans(paths)
    terms = model_or_exit(terms_path, SlaTerms, "服务等级条款有误 The SLA terms are invalid")
    doc = _made(lambda: sla_report(month, prometheus, terms, timeout)).document
    if fmt == "json":
        emit_json(doc)
        return
    c = console()
    c.print(f"云服务商考核 SLA · {doc['month']}")
    for z in doc["zones"]:
        met = "达标 met" if z["met"] else "未达标 missed"
        c.print(
            f"  {z['zone']}: {_num(z['availability'])}% / {z['objective']}% {met}  "
            f"事件 incidents {len(z['incidents'])}  扣款 penalty {z['penalty_percent']}%"
        )


MONEY = {"utilization": utilization_command, "fees": fees_command, "sla": sla_command}


def _kind(name: str) -> click.Command:
    """The existing `report KIND …` command for one kind, as a sub-command of the door."""
    from .report_cmd import report_command

    def run(**kwargs: Any) -> None:
        assert report_command.callback is not None
        report_command.callback(kind=name, **kwargs)

    params = [p for p in report_command.params if p.name != "kind"]
    kind = REPORTS[name]
    return click.Command(name, params=params, callback=run, help=f"{kind.zh} {kind.en}")


class _ReportDoor(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*REPORTS, *MONEY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in MONEY:
            return MONEY[cmd_name]
        return _kind(cmd_name) if cmd_name in REPORTS else None


@click.group("report", cls=_ReportDoor)
def report_group() -> None:
    """生成报告 Reports: inventory, annual, evaluation; utilization, fees, sla (资源监管)."""
