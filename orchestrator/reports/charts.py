"""The reports' charts as SVG text (matplotlib, CJK font when the machine has one), embedded in the HTML and so
in the PDF: people would rather look at shares and progress than read them. Bars are labelled with departments'
names, as people know them, not their codes."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .annual import CLASS_ZH, CLASSES, PROVINCE, Figures
from .evaluation import Score
from .fonts import agg, cjk_family

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLOURS = {
    "unconditional": "#2e7d32",
    "conditional": "#f9a825",
    "not_shared": "#c62828",
    "unclassified": "#9e9e9e",
}


def _svg(fig: Figure) -> str:
    import matplotlib.pyplot as plt

    out = io.StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg") :]


def _context() -> Any:
    family = cjk_family()
    return {
        "font.family": [family] if family else ["DejaVu Sans"],
        "svg.hashsalt": "govmig",
        "axes.unicode_minus": False,
        # names are plan text: "$…$" in a department's name is drawn as typed, never parsed as mathtext
        # (a malformed formula would otherwise fail the whole report)
        "text.parse_math": False,
    }


def sharing_chart(figures: Sequence[Figures]) -> str:
    rows = [f for f in figures if f.scope != PROVINCE]
    agg()
    import matplotlib.pyplot as plt

    with plt.rc_context(_context()):
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
        left = [0] * len(rows)
        for cls in CLASSES:
            values = [f.resources[cls] for f in rows]
            ax.barh(
                [f.name for f in rows], values, left=left, color=COLOURS[cls], label=f"{CLASS_ZH[cls]} {cls}"
            )
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.invert_yaxis()
        ax.set_xlabel("数据资源数 data resources")
        ax.set_title("数据资源目录：按共享类型 Catalog by sharing class")
        ax.legend(loc="lower right", fontsize=8)
        return _svg(fig)


def progress_chart(figures: Sequence[Figures], year: int) -> str:
    rows = [f for f in figures if f.scope != PROVINCE]
    agg()
    import matplotlib.pyplot as plt

    with plt.rc_context(_context()):
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
        names = [f.name for f in rows]
        ax.barh(names, [f.to_migrate for f in rows], color="#cfd8dc", label="应迁移 to migrate")
        ax.barh(
            names,
            [f.migrated_by_year_end for f in rows],
            color="#1565c0",
            label=f"{year} 年底已迁移 moved by year end",
        )
        ax.invert_yaxis()
        ax.set_title(f"迁移进度 Migration progress, {year}")
        ax.legend(loc="lower right", fontsize=8)
        return _svg(fig)


def score_chart(scores: Sequence[Score]) -> str:
    agg()
    import matplotlib.pyplot as plt

    with plt.rc_context(_context()):
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(scores) + 1.2))
        ax.barh([f"{s.rank}. {s.name}" for s in scores], [s.score for s in scores], color="#6a1b9a")
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_title("考核评价得分 Evaluation score")
        return _svg(fig)
