"""`govmig assess`: every system's decision, as a terminal summary, the ledger workbook and the JSON contract."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from rich.table import Table

from ..app import Action, Decision, Portfolio, by_department, counts, zh
from ..app import ledger as decision_ledger
from .inputs import Inputs, gather, portfolio_options
from .output import BAD_INPUT, FAILED, FORMAT, OK, console, emit_json, fail, problems_table


@click.command("assess")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@portfolio_options
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="写出台账和决定 Write the ledger (.xlsx) and decisions (.json) here",
)
@FORMAT
def assess_command(
    paths: tuple[Path, ...], policy: Path | None, usage: Path | None, as_of: date, out: Path | None, fmt: str
) -> None:
    """按政策评估每个系统 Decide every system's fate by the policy, rule by rule."""
    inputs = gather(paths, policy, usage, as_of)
    if not inputs.intake.loaded:
        fail("没有找到计划文件", "no plan files found")
    portfolio = inputs.portfolio()
    decisions = portfolio.decisions
    written = _write(out, portfolio, inputs) if out else []
    if fmt == "json":
        emit_json(
            {
                "decisions": [d.contract() for d in decisions],
                "errors": [p.as_json() for p in inputs.errors],
                "warnings": [p.as_json() for p in inputs.intake.warnings],
                "as_of": inputs.as_of.isoformat(),
                "written": [str(p) for p in written],
            }
        )
    else:
        _present(decisions, inputs, written)
    raise SystemExit(BAD_INPUT if inputs.errors else OK)


def _write(out: Path, portfolio: Portfolio, inputs: Inputs) -> list[Path]:
    decisions = portfolio.decisions
    try:
        out.mkdir(parents=True, exist_ok=True)
        ledger, contract = out / "台账-ledger.xlsx", out / "decisions.json"
        ledger.write_bytes(decision_ledger(portfolio))
        contract.write_text(
            json.dumps(
                {
                    "decisions": [d.contract() for d in decisions],
                    "errors": [p.as_json() for p in inputs.errors],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    except OSError as exc:
        fail(f"无法写入 {out}（{exc.strerror}）", f"cannot write to {out}: {exc.strerror}", FAILED)
    return [ledger, contract]


def _present(decisions: list[Decision], inputs: Inputs, written: list[Path]) -> None:
    out = console()
    if inputs.errors:
        out.print(problems_table(inputs.errors, "输入错误 Input errors"))
    summary = Table(title=f"评估结果 Assessment ({inputs.as_of})")
    for name in (
        "部门 Department",
        "系统 Systems",
        "迁移 Migrate",
        "清理 Retire",
        "保留 Stay",
        "暂缓 Blocked",
        "内网 Internal",
        "外网 External",
        "上云 Cloud",
        "互联网区 Internet",
    ):
        summary.add_column(name, justify="right" if name[0] != "部" else "left")
    tally = by_department(decisions)
    for plan in inputs.intake.plans:
        c = tally.get(plan.department.code) or counts([])
        summary.add_row(
            f"{plan.department.name} {plan.department.code}",
            *(str(n) for n in c.placement()),
        )
    out.print(summary)
    issues = Table(title="需要处理的事项 Violations and what to fix")
    for name in ("系统 System", "处置 Action", "问题 Issue", "整改 To fix"):
        issues.add_column(name, overflow="fold")
    for d in decisions:
        found = [f"{f.zh} {f.en}" for f in d.flags if f.violation]
        if d.action is Action.blocked or found:
            overridden = [f"[{r.rule}] {r.zh}" for r in d.reasons if "申请" in r.zh]
            fixes = "\n".join([f"[{r.rule}] {r.zh}" for r in d.fixes] + overridden + [n.zh for n in d.notes])
            issues.add_row(d.key, f"{d.action.value}", "\n".join(found), fixes)
    out.print(issues)
    for path in written:
        out.print(f"已写入 Written: {path}")


@click.group("policy")
def policy_group() -> None:
    """政策规则与参数 The policy's rules and thresholds."""


@policy_group.command("show")
@click.option(
    "--policy", type=click.Path(path_type=Path, dir_okay=False), help="本省政策参数 Province's settings"
)
@FORMAT
def policy_show(policy: Path | None, fmt: str) -> None:
    """显示生效的规则和阈值 Print the rules and the thresholds in force."""
    from ..app import CATALOG
    from .inputs import load_settings

    settings, problems = load_settings(policy)
    if problems:
        console(stderr=True).print(problems_table(problems, "政策参数错误 Policy settings errors"))
        raise SystemExit(BAD_INPUT)
    if fmt == "json":
        emit_json({"rules": [r.__dict__ for r in CATALOG], "settings": settings.model_dump(mode="json")})
        return
    out = console()
    rules = Table(title="规则 Rules")
    for name in ("编号 Id", "出处 Source", "规则", "Rule"):
        rules.add_column(name, overflow="fold")
    for r in CATALOG:
        rules.add_row(r.id, r.source, r.zh, r.en)
    out.print(rules)
    values = Table(title=f"参数 Settings ({policy or '默认 defaults'})")
    values.add_column("参数 Setting")
    values.add_column("值 Value", overflow="fold")
    for key, value in _flat(settings.model_dump(mode="json")):
        values.add_row(key, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
    out.print(values)


def _flat(data: dict[str, object], prefix: str = "") -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            rows += _flat(value, f"{prefix}{key}.")
        else:
            rows.append((f"{prefix}{key}", value if value != {} else "—"))
    return rows


__all__ = ["assess_command", "policy_group", "zh"]
