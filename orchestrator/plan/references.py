"""Cross-plan references: "DEPT/id" names in `depends_on` and `replaced_by`, checked once all plans are loaded.

A reference to a department that was not loaded is only a warning: departments submit at different times, and
the other plan may simply not be in this run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .models import MigrationPlan, System


def qualify(ref: str, home: str) -> str:
    """A reference as the portfolio-wide "DEPT/id" key, a local id taken to be in the `home` department."""
    return ref if "/" in ref else f"{home}/{ref}"


def references(system: System) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every reference a system makes, with its path inside the system."""
    for j, ref in enumerate(system.depends_on):
        yield ("depends_on", j), ref
    if system.replaced_by:
        yield ("replaced_by",), system.replaced_by


Finding = tuple[int, tuple[str | int, ...], str, str, str, str]  # plan index, path, code, severity, zh, en


def cross_findings(plans: Iterable[MigrationPlan]) -> list[Finding]:
    """Duplicate department codes and "DEPT/id" references that cannot be resolved, for each loaded plan."""
    plans = list(plans)
    owner: dict[str, int] = {}
    findings: list[Finding] = []
    for n, plan in enumerate(plans):
        code = plan.department.code
        if code in owner:
            findings.append(
                (
                    n,
                    ("department", "code"),
                    "duplicate_department",
                    "error",
                    f"部门编码「{code}」已在另一份计划中使用",
                    f"department code '{code}' is already used by another plan",
                )
            )
        else:
            owner[code] = n
    known = {code: {s.id for s in plans[n].systems} for code, n in owner.items()}
    for n, plan in enumerate(plans):
        for i, system in enumerate(plan.systems):
            for path, ref in references(system):
                if "/" not in ref:
                    continue  # local references were checked with the plan itself
                dept, _, sid = qualify(ref, plan.department.code).partition("/")
                where = ("systems", i, *path)
                if dept not in known:
                    findings.append(
                        (
                            n,
                            where,
                            "unloaded_department",
                            "warning",
                            f"引用了未加载的部门「{dept}」的系统「{sid}」，无法核对",
                            f"refers to system '{sid}' of department '{dept}', which was not loaded",
                        )
                    )
                elif sid not in known[dept]:
                    findings.append(
                        (
                            n,
                            where,
                            "unknown_reference",
                            "error",
                            f"部门「{dept}」的计划中没有系统「{sid}」",
                            f"department '{dept}' has no system '{sid}'",
                        )
                    )
    return findings
