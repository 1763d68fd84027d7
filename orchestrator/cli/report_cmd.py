"""`govmig report inventory|annual|evaluation`: the documents supervisors and auditors ask for, from the plans,
the decisions, the roadmap and the store's history (moves and monitoring)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import click

from ..app import (
    DEFAULT_WAVES,
    REPORTS,
    EvaluationSettings,
    MoneyFailure,
    PdfError,
    Prices,
    ReportRequest,
    WaveSettings,
    build_report,
)
from .inputs import gather, portfolio_options
from .options import DB, model_or_exit, site, write_files
from .output import BAD_INPUT, FAILED, FORMAT, console, emit_json, fail, problems_table


@click.command("report")
@click.argument("kind", type=click.Choice(list(REPORTS)))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@portfolio_options
@click.option(
    "--schedule", type=click.Path(path_type=Path, dir_okay=False), help="批次参数 Wave settings (YAML)"
)
@click.option(
    "--evaluation",
    "evaluation_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="考核权重 Evaluation weights (YAML)",
)
@click.option(
    "--year", type=click.IntRange(2000, 2100), default=None, help="报告年度 Report year (default: last year)"
)
@click.option("--no-pdf", is_flag=True, help="不生成 PDF Skip the PDF")
@click.option(
    "--department", default=None, help="年度报告只写这个部门 The annual report of one department only"
)
@click.option(
    "--prometheus",
    default=None,
    help="年度报告与考核带上资源利用率 Prometheus URL: the annual report and the evaluation carry utilization",
)
@click.option(
    "--utilization-month",
    metavar="YYYY-MM",
    default=None,
    help="资源利用率的月份（默认报告年度的 12 月）The utilization's month (default: the year's December)",
)
@click.option(
    "--prices",
    "prices_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="价格表：回收闲置可节省的费用 Price list (prices.yaml): what reclaiming idle systems saves",
)
@DB
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out/reports"),
    show_default=True,
)
@FORMAT
def report_command(
    kind: str,
    paths: tuple[Path, ...],
    policy: Path | None,
    usage: Path | None,
    as_of: date,
    schedule: Path | None,
    evaluation_path: Path | None,
    year: int | None,
    no_pdf: bool,
    department: str | None,
    db: str | None,
    out: Path,
    fmt: str,
    prometheus: str | None = None,
    utilization_month: str | None = None,
    prices_path: Path | None = None,
) -> None:
    """生成报告 Write a report: inventory (审计清单), annual (年度报告), evaluation (考核评价)."""
    inputs = gather(paths, policy, usage, as_of)
    errors = [p for p in inputs.problems + inputs.intake.errors if p.severity == "error"]
    if errors:
        console(stderr=True).print(problems_table(errors, "输入有误 The input has errors"))
        raise SystemExit(BAD_INPUT)
    schedule_settings = (
        model_or_exit(schedule, WaveSettings, "批次参数有误 Wave settings are invalid")
        if REPORTS[kind].yearly
        else DEFAULT_WAVES
    )
    portfolio = inputs.portfolio(schedule_settings)
    weights = (
        model_or_exit(evaluation_path, EvaluationSettings, "考核权重有误 Evaluation weights are invalid")
        if kind == "evaluation"
        else EvaluationSettings()
    )
    prices = (
        model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid") if prices_path else None
    )
    request = ReportRequest(year, department, weights, pdf=not no_pdf)
    try:
        here = site(db) if REPORTS[kind].yearly or db is not None else None  # the inventory: states with --db
        if here is not None and prometheus is not None:  # utilization, idle systems kept by approval aside
            request = replace(
                request,
                prometheus=prometheus,
                utilization_month=utilization_month,
                prices=prices,
                kept=here.resources.kept(),
            )
        report = build_report(kind, portfolio, here.engine if here else None, request)
    except MoneyFailure as exc:
        fail(exc.zh, exc.en, exc.status)
    except PdfError as exc:
        fail(str(exc), str(exc), FAILED)
    except KeyError:
        fail(f"没有部门 {department} 的计划", f"no plan of department {department}")
    if fmt == "table":
        for s in report.scores:
            console().print(
                f"  {s.rank:>2}. {s.department:<14} {s.score:5.1f}  停止运维经费 withheld: {len(s.withheld)}"
            )
    files = report.files
    written = [str(p) for p in write_files(out, files)]
    if fmt == "json":
        emit_json({"kind": kind, "year": report.year, "files": written})
    else:
        for path in written:
            console().print(f"已写入 written: {path}")
