"""The three reports as files, ready to write: one place that knows their names and formats, so the CLI, the web
service and the demo hand out the same documents."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..plan import MigrationPlan
from ..policy import Decision
from ..waves import Roadmap
from .annual import PROVINCE, History, annual_figures
from .documents import annual_sections, evaluation_sections, html, sections_xlsx
from .evaluation import EvaluationSettings, Score, evaluate, objectives
from .inventory import inventory_rows, inventory_xlsx
from .lifecycle import States
from .utilization_sections import utilization_section

Printer = Callable[[str], bytes]


def inventory_files(
    plans: Sequence[MigrationPlan], decisions: Sequence[Decision], states: States | None = None
) -> dict[str, bytes]:
    names = {p.department.code: p.department.name for p in plans}
    return {"审计清单-inventory.xlsx": inventory_xlsx(inventory_rows(plans, decisions), names, states)}


def annual_files(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    history: History,
    year: int,
    printer: Printer | None,
    department: str | None = None,
    utilization: Mapping[str, Any] | None = None,
) -> dict[str, bytes]:
    """The province's annual report, or with `department` that department's own (KeyError if it has no plan);
    `utilization`: the document of `govmig report utilization` for a month (None: "not measured")."""
    figures = annual_figures(plans, decisions, roadmap, history, year, objectives(plans))
    names = {f.scope: f.name for f in figures}
    scope = department or PROVINCE
    if scope not in names:
        raise KeyError(scope)
    sections = [*annual_sections(figures, year, scope), utilization_section(utilization, "八、", department)]
    who = "" if department is None else f"{names[scope]} "
    page = html(
        f"{who}{year} 年度政务信息系统整合共享工作报告",
        f"Annual report on information sharing, {year}",
        sections,
    )
    stem = f"年度报告-annual-{year}" + (f"-{department}" if department else "")
    files = {f"{stem}.html": page.encode(), f"{stem}.xlsx": sections_xlsx(sections)}
    if printer is not None:
        files[f"{stem}.pdf"] = printer(page)
    return files


def evaluation_files(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    roadmap: Roadmap,
    history: History,
    year: int,
    settings: EvaluationSettings,
    printer: Printer | None,
    utilization: Mapping[str, Any] | None = None,
) -> tuple[list[Score], dict[str, bytes]]:
    """The scores and the documents; `utilization` as for the annual report (a section beside the ranking)."""
    scores = evaluate(annual_figures(plans, decisions, roadmap, history, year, objectives(plans)), settings)
    sections = [*evaluation_sections(scores, settings.weights), utilization_section(utilization, "")]
    page = html(f"{year} 年度部门考核评价", f"Department evaluation, {year}", sections)
    files = {
        f"考核评价-evaluation-{year}.html": page.encode(),
        f"考核评价-evaluation-{year}.xlsx": sections_xlsx(sections),
    }
    if printer is not None:
        files[f"考核评价-evaluation-{year}.pdf"] = printer(page)
    return scores, files
