"""Zombie criteria Z1-Z5 (002 二(一)): measured usage is preferred to what the department declared.

A system is a zombie candidate when Z1, Z2 or Z4 holds, or Z3 and Z5 together; every criterion that holds is
reported with the figures behind it and whether they were measured or declared.
"""

from __future__ import annotations

from datetime import date

from ..plan import Frequency, MaintenanceStatus
from .decision import Reason
from .subject import Subject, reason

SOURCE = {True: ("实测", "measured"), False: ("申报", "declared")}


def _z1(s: Subject) -> Reason | None:
    limit = s.settings.zombie.z1_idle_business_days
    m = s.measured
    last: date | None
    if m is not None and m.last_request is not None:
        last, measured = m.last_request, True
    elif m is not None and m.requests_per_day == 0 and m.window_days > limit:
        return reason(
            "Z1",
            f"实测：{m.window_days} 天内没有任何业务请求（阈值 {limit} 天）",
            f"measured: no business request in {m.window_days} days (threshold {limit})",
        )
    else:
        last, measured = s.system.usage.last_business_use, False
        if last is None and s.system.usage.frequency is Frequency.never:
            return reason("Z1", "申报的使用频度为“从不”", "declared frequency of use is 'never'")
    if last is None:
        return None
    days = (s.as_of - last).days
    if days <= limit:
        return None
    zh, en = SOURCE[measured]
    return reason(
        "Z1",
        f"{zh}：最近一次业务使用为 {last}，距评估日 {days} 天（阈值 {limit} 天）",
        f"{en}: last business use {last}, {days} days before the assessment (threshold {limit})",
    )


def _z2(s: Subject) -> Reason | None:
    by = s.system.replaced_by
    if not by:
        return None
    return reason("Z2", f"功能可由系统「{by}」替代", f"its function can be replaced by '{by}'")


def _z3(s: Subject) -> Reason | None:
    z = s.settings.zombie
    m = s.measured
    if m is not None and m.kept:
        return None  # a supervisor approved keeping it, with its reason (resource requests)
    rpd: float | None
    if m is not None and m.window_days >= z.z3_window_days and m.requests_per_day is not None:
        rpd, cpu, measured, window = m.requests_per_day, m.cpu_percent, True, m.window_days
    else:
        rpd, cpu, measured, window = s.system.usage.requests_per_day, s.system.usage.cpu_percent, False, None
    if rpd is None or rpd > z.z3_idle_requests_per_day or (cpu is not None and cpu > z.z3_idle_cpu_percent):
        return None
    zh, en = SOURCE[measured]
    span_zh, span_en = (f"{window} 天内", f"over {window} days, ") if window else ("", "")
    cpu_zh = f"，CPU 平均 {cpu}%（阈值 {z.z3_idle_cpu_percent}%）" if cpu is not None else ""
    cpu_en = f", CPU {cpu}% on average (threshold {z.z3_idle_cpu_percent}%)" if cpu is not None else ""
    return reason(
        "Z3",
        f"{zh}：{span_zh}日均请求 {rpd} 次（阈值 {z.z3_idle_requests_per_day}）{cpu_zh}",
        f"{en}: {span_en}{rpd} requests a day (threshold {z.z3_idle_requests_per_day}){cpu_en}",
    )


def _z4(s: Subject) -> Reason | None:
    maintenance = s.system.maintenance
    limit = s.settings.zombie.z4_stale_update_days
    if maintenance.status is MaintenanceStatus.stopped:
        since = f"（最近更新 {maintenance.last_update}）" if maintenance.last_update else ""
        since_en = f" (last update {maintenance.last_update})" if maintenance.last_update else ""
        return reason("Z4", f"运维状态为“已停止”{since}", f"O&M status is 'stopped'{since_en}")
    if maintenance.last_update is None:
        return None
    days = (s.as_of - maintenance.last_update).days
    if days <= limit:
        return None
    return reason(
        "Z4",
        f"最近一次运维更新为 {maintenance.last_update}，已 {days} 天（阈值 {limit} 天）",
        f"last O&M update {maintenance.last_update}, {days} days ago (threshold {limit})",
    )


def _measured_frequency(active_days: int, window: int) -> Frequency:
    share = active_days / window
    if share >= 5 / 7:
        return Frequency.daily
    if share >= 1 / 7:
        return Frequency.weekly
    if share >= 1 / 31:
        return Frequency.monthly
    return Frequency.yearly if active_days else Frequency.never


def _z5(s: Subject) -> Reason | None:
    z = s.settings.zombie
    m = s.measured
    users, frequency = s.system.usage.users, s.system.usage.frequency
    users_measured = freq_measured = False
    if m is not None and m.users is not None:
        users, users_measured = m.users, True
    if m is not None and m.active_days is not None:
        frequency, freq_measured = _measured_frequency(m.active_days, m.window_days), True
    if (
        users is None
        or frequency is None
        or users >= z.z5_max_users
        or frequency not in z.z5_rare_frequencies
    ):
        return None
    uz, ue = SOURCE[users_measured]
    fz, fe = SOURCE[freq_measured]
    return reason(
        "Z5",
        f"用户 {users} 人（{uz}，阈值 {z.z5_max_users}），使用频度{frequency.value}（{fz}）",
        f"{users} users ({ue}, threshold {z.z5_max_users}), used {frequency.value} ({fe})",
    )


def zombie_criteria(s: Subject) -> tuple[bool, list[Reason]]:
    """(is a zombie candidate, the criteria that hold)."""
    held = {r.rule: r for r in (_z1(s), _z2(s), _z3(s), _z4(s), _z5(s)) if r is not None}
    zombie = bool({"Z1", "Z2", "Z4"} & held.keys()) or {"Z3", "Z5"} <= held.keys()
    return zombie, list(held.values())
