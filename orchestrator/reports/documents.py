"""The annual report and the evaluation as documents: HTML (charts inline, the PDF prints from it) and XLSX
tables. Headings are Chinese with English beside them; every number comes from annual.py or evaluation.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .annual import CLASS_ZH, CLASSES, PROVINCE, Figures
from .charts import progress_chart, score_chart, sharing_chart
from .evaluation import INDICATORS, Score
from .lifecycle import dates_text, order
from .xlsx import new_workbook, table, to_bytes

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["j2"])
)


@dataclass
class Section:
    heading: str
    text: str = ""
    chart: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    keep: tuple[int, ...] = (1,)
    """Columns never broken across lines (names, beside the code in the first column: a wide table would
    otherwise wrap them a character a line)."""


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.1%}"


def summary_rows(figures: Sequence[Figures]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        "部门 Department",
        "名称 Name",
        "系统 Systems",
        *(f"{CLASS_ZH[c]} {c}" for c in CLASSES),
        "接入共享平台 On the platform",
        "应迁移 To migrate",
        "本年计划 Planned this year",
        "本年完成 Moved this year",
        "年底累计 Moved by year end",
        "逾期 Late",
        "僵尸 Zombies",
        "已清理 Cleared",
        "备案完整 Filings complete",
        "监测系统 Monitored",
        "可用性达标 Meeting objective",
    ]
    rows = [
        [
            f.scope,
            f.name,
            f.systems,
            *(f.resources[c] for c in CLASSES),
            f"{f.platform_connected}/{f.platform_planned}",
            f.to_migrate,
            f.planned_in_year,
            f.migrated_in_year,
            f.migrated_by_year_end,
            f.late,
            f.zombies,
            f.zombies_cleared,
            f"{f.filings_complete}/{f.filings_due}",
            len(f.availability),
            f.meeting_objective,
        ]
        for f in figures
    ]
    return headers, rows


def annual_sections(figures: Sequence[Figures], year: int, scope: str = PROVINCE) -> list[Section]:
    """The province's report (every department's row, then the province's) or one department's own."""
    province = next(f for f in figures if f.scope == scope)
    shown = list(figures) if scope == PROVINCE else [province]
    headers, rows = summary_rows(shown)
    return [
        Section(
            "一、总体情况 Overview",
            f"{province.name} {year} 年度：{province.systems} 个系统，应迁移 {province.to_migrate} 个，年底累计完成 "
            f"{province.migrated_by_year_end} 个；数据资源 {sum(province.resources.values())} 项。",
            headers=headers,
            rows=rows,
        ),
        Section("二、目录编制 Catalog compilation", chart=sharing_chart(shown)),
        Section(
            "三、不予共享的数据资源及依据 Resources not shared and their legal basis",
            headers=["系统 System", "名称 Name", "数据资源 Resource", "依据 Legal basis"],
            rows=[
                [k, province.titles.get(k, ""), n, basis or "无依据 none"]
                for k, n, basis in province.not_shared
            ],
        ),
        Section("四、迁移进度 Migration progress against the roadmap", chart=progress_chart(shown, year)),
        Section(
            "五、可用性 Availability against objective",
            f"监测 {len(province.availability)} 个系统，{province.meeting_objective} 个达到目标。",
            headers=["系统 System", "名称 Name", "可用性 Availability", "目标 Objective"],
            rows=[[k, province.titles.get(k, ""), f"{a:.3%}", f"{o}%"] for k, a, o in province.availability],
        ),
        Section(
            "六、停止运维经费的系统 Systems whose O&M funds are withheld",
            headers=["系统 System", "名称 Name"],
            rows=[[k, province.titles.get(k, "")] for k in province.no_om_funds],
        ),
        *_lifecycle(shown, scope),
    ]


def _lifecycle(shown: Sequence[Figures], scope: str) -> list[Section]:
    """Where every system stands now (提交 … 清理): the province's by department and state, a department's
    system by system with its dates. Nothing when the report was built without the store's records."""
    if not any(f.lifecycle for f in shown):
        return []
    heading = "七、系统生命周期 Where each system stands"
    if scope != PROVINCE:
        each = [
            [k, f.titles.get(k, ""), state, dates_text(d)] for f in shown for k, state, d in f.lifecycle_rows
        ]
        return [Section(heading, headers=["系统 System", "名称 Name", "状态 State", "日期 Dates"], rows=each)]
    states = sorted({s for f in shown for s in f.lifecycle}, key=order)
    counted: list[list[Any]] = [[f.scope, f.name, *(f.lifecycle.get(s, 0) for s in states)] for f in shown]
    return [Section(heading, headers=["部门 Department", "名称 Name", *states], rows=counted)]


def evaluation_sections(scores: Sequence[Score], weights: dict[str, float]) -> list[Section]:
    keys = list(INDICATORS)
    return [
        Section(
            "考核排名 Ranking",
            chart=score_chart(scores),
            headers=[
                "名次 Rank",
                "部门 Department",
                "名称 Name",
                "得分 Score",
                *(f"{INDICATORS[k][0]} {INDICATORS[k][1]} ({weights.get(k, 0):g})" for k in keys),
            ],
            rows=[
                [s.rank, s.department, s.name, s.score, *(_pct(s.breakdown[k]) for k in keys)] for s in scores
            ],
            keep=(1, 2),
        ),
        Section(
            "经费影响 Funding consequence",
            "以下系统不再安排运维经费（未备案、不予共享无依据或重复采集）。"
            "No O&M funds for these systems (incomplete filing, not shared without basis, or duplicate collection).",
            headers=["部门 Department", "名称 Name", "系统 Systems"],
            rows=[[s.department, s.name, ", ".join(s.withheld) or "–"] for s in scores],
        ),
    ]


def html(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    return ENV.get_template("report.html.j2").render(title=title, subtitle=subtitle, sections=sections)


def sections_xlsx(sections: Sequence[Section]) -> bytes:
    """Every section with a table becomes a sheet."""
    wb = new_workbook()
    for n, s in enumerate(x for x in sections if x.headers):
        title = f"{n + 1} {s.heading.split(' ')[0]}"[:31]
        table(wb.create_sheet(title), s.headers, s.rows)
    return to_bytes(wb)
