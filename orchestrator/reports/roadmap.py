"""The roadmap (时间表和路线图) as a Gantt chart: departments down the side, waves along time, deadlines marked.

Returns SVG and PNG bytes, identical for identical input (fixed metadata and SVG ids), so the chart can be kept
in git beside the waves it draws.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from ..plan import MigrationPlan
from ..waves import Roadmap
from .fonts import cjk_family

if TYPE_CHECKING:
    from matplotlib.patches import Patch

LANE_COLOURS = {"pilot": "#2e7d32", "external": "#1f77b4", "internal": "#7b1fa2"}
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
MIN_BAR = timedelta(days=3)  # a 32-hour window would be a hairline on a year's axis


def gantt(
    roadmap: Roadmap, plans: Sequence[MigrationPlan], colour_by: str = "network"
) -> tuple[bytes, bytes]:
    """(SVG, PNG) of the roadmap; `colour_by` is network (pilot / external / internal) or department."""
    family = cjk_family()
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    chinese = family is not None
    departments = sorted(plans, key=lambda p: (p.deadline, p.department.code))
    rows = {p.department.code: n for n, p in enumerate(departments)}
    late = {x.system for x in roadmap.late}
    with plt.rc_context(
        {
            "font.family": [family] if family else ["DejaVu Sans"],
            "svg.hashsalt": "govmig",
            "svg.fonttype": "path",
            "axes.unicode_minus": False,
        }
    ):
        fig, ax = plt.subplots(figsize=(14, 1.2 + 0.55 * max(1, len(rows))), dpi=110)
        for wave in roadmap.waves:
            per_dept: dict[str, list[str]] = defaultdict(list)
            for key in wave.systems:
                per_dept[key.split("/")[0]].append(key)
            lane = "pilot" if wave.pilot else "internal" if wave.classified else "external"
            for code, keys in per_dept.items():
                if code not in rows:
                    continue
                colour = LANE_COLOURS[lane] if colour_by == "network" else PALETTE[rows[code] % len(PALETTE)]
                is_late = any(k in late for k in keys)
                y = rows[code] + (0.17 if wave.classified else -0.17)  # each lane in its own half of the row
                ax.barh(
                    y,
                    _days(max(wave.end - wave.start, MIN_BAR)),
                    left=_num(wave.start),
                    height=0.32,
                    color=colour,
                    edgecolor="#d50000" if is_late else "white",
                    linewidth=2.2 if is_late else 0.5,
                    hatch="//" if wave.classified and colour_by != "network" else None,
                )
                ax.text(
                    _num(wave.start + MIN_BAR / 2),
                    y,
                    str(len(keys)),
                    va="center",
                    ha="center",
                    fontsize=6,
                    color="white",
                )
        for plan in departments:
            due = _num(datetime.combine(plan.deadline, datetime.max.time()).replace(tzinfo=_tz(roadmap)))
            ax.plot(
                [due, due],
                [rows[plan.department.code] - 0.4, rows[plan.department.code] + 0.4],
                color="#d50000",
                linewidth=2.5,
            )
        labels = [
            f"{p.department.name}  {p.department.code}" if chinese else p.department.code for p in departments
        ]
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.MonthLocator())  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))  # type: ignore[no-untyped-call]
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        title = "迁移时间表和路线图 Migration roadmap" if chinese else "Migration roadmap"
        ax.set_title(
            f"{title}: {len(roadmap.waves)} waves, {len(late)} late, {len(roadmap.unscheduled)} unscheduled",
            fontsize=11,
        )
        ax.legend(handles=_legend(chinese, colour_by), loc="upper right", fontsize=7, framealpha=0.9)
        fig.tight_layout()
        svg, png = io.BytesIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": "govmig"})
        fig.savefig(png, format="png", metadata={"Software": "govmig"})
        plt.close(fig)
    return svg.getvalue(), png.getvalue()


def _tz(roadmap: Roadmap) -> tzinfo | None:
    return roadmap.waves[0].start.tzinfo if roadmap.waves else None


def _num(moment: datetime) -> float:
    """matplotlib's day number for a moment: the axis is in days."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def _days(span: timedelta) -> float:
    return span.total_seconds() / 86400


def _legend(chinese: bool, colour_by: str) -> list[Patch]:
    from matplotlib.patches import Patch

    def say(zh: str, en: str) -> str:
        return f"{zh} {en}" if chinese else en

    items = [
        Patch(facecolor="white", edgecolor="#d50000", linewidth=2, label=say("延期", "late")),
        Patch(facecolor="#d50000", label=say("截止日期", "deadline")),
    ]
    if colour_by == "network":
        items = [
            Patch(facecolor=LANE_COLOURS["pilot"], label=say("试点", "pilot")),
            Patch(facecolor=LANE_COLOURS["external"], label=say("非涉密（外网）", "non-classified")),
            Patch(facecolor=LANE_COLOURS["internal"], label=say("涉密（内网）", "classified")),
            *items,
        ]
    return items
