"""`govmig render`: writes the output tree (manifests, monitoring, playbooks, inventories, index.json)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..app import DEFAULT_RENDER, DEFAULT_WAVES, RenderSettings, WaveSettings
from ..contracts import Runbook, Tree
from .inputs import gather, portfolio_options, settings_file
from .options import site
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail, problems_table


@click.command("render")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@portfolio_options
@click.option(
    "--schedule", type=click.Path(path_type=Path, dir_okay=False), help="批次参数 Wave settings (YAML)"
)
@click.option(
    "--settings",
    "render_settings",
    type=click.Path(path_type=Path, dir_okay=False),
    help="生成参数 Render settings (YAML): labels, objectives, storage, images",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="输出目录 Output tree",
)
@click.option(
    "--runbook",
    type=click.Path(path_type=Path, dir_okay=False),
    help="当晚人工任务 The night's manual tasks (runbook YAML: tasks before or after a step)",
)
@click.option(
    "--db",
    "resources_db",
    default=None,
    help="状态库：带上其中已批准的资源调整 Store URL: carry the resizes approved there (govmig resources)",
)
@FORMAT
def render_command(
    paths: tuple[Path, ...],
    policy: Path | None,
    usage: Path | None,
    as_of: date,
    schedule: Path | None,
    render_settings: Path | None,
    out: Path,
    fmt: str,
    runbook: Path | None = None,
    resources_db: str | None = None,
) -> None:
    """生成迁移制品 Render manifests, monitoring, playbooks and inventories for every scheduled system."""
    inputs = gather(paths, policy, usage, as_of)
    waves = settings_file(inputs, schedule, WaveSettings, DEFAULT_WAVES)
    settings = settings_file(inputs, render_settings, RenderSettings, DEFAULT_RENDER)
    manual = settings_file(inputs, runbook, Runbook, Runbook()) if runbook else None
    if not inputs.intake.loaded:
        fail("没有找到计划文件", "no plan files found")
    if inputs.errors:
        if fmt == "json":
            emit_json({"errors": [p.as_json() for p in inputs.errors]})
        else:
            console(stderr=True).print(problems_table(inputs.errors, "输入错误 Input errors"))
        raise SystemExit(BAD_INPUT)
    portfolio = inputs.portfolio(waves, settings)
    portfolio.runbook = manual
    if resources_db is not None:
        portfolio.sizes = site(resources_db).resources.sizes()
    roadmap = portfolio.roadmap
    with Progress(
        TextColumn("生成 rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        disable=fmt == "json",
        transient=True,
    ) as bar:
        task = bar.add_task("render", total=None)
        try:
            counts = portfolio.write(
                out, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
        except OSError as exc:
            fail(f"无法写入 {out}（{exc.strerror}）", f"cannot write to {out}: {exc.strerror}", FAILED)
    unpinned = sorted({i for s in Tree(out).read_index().systems for i in s.unpinned_images})
    summary = {
        "out": str(out),
        **counts._asdict(),
        "systems": sum(len(w.systems) for w in roadmap.waves),
        "waves": len(roadmap.waves),
        "unpinned_images": len(unpinned),
    }
    if fmt == "json":
        emit_json(summary)
    else:
        console().print(
            f"已生成 Rendered {summary['systems']} 个系统 systems / {summary['waves']} 批 waves → {out}："
            f"{counts.files} 个文件 files（写入 written {counts.written}，未变 unchanged {counts.unchanged}，"
            f"删除 removed {counts.removed}）"
        )
        if unpinned:
            console(stderr=True).print(
                f"[yellow]注意 Note[/]：{len(unpinned)} 个镜像未按摘要固定 images are not pinned by digest "
                "(render settings `image_digests`; index.json lists them per system)"
            )
    raise SystemExit(OK)
