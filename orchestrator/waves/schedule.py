"""Scheduling move groups into waves: deadline first, simplest first, dependencies first, within capacity.

The rules, in the order they apply (the golden test in tests/waves was derived by hand from exactly these):
1. A group that mixes classified and non-classified systems, that depends on a `blocked` system (until that
   system's fix), or that alone exceeds a wave's capacity, is unscheduled, and so is everything that depends on
   it.
2. Windows come weekly (settings.window), skipping holidays. Each window holds at most two waves: the
   non-classified one first, then the classified one (W1: they never share a wave).
3. The pilot: in the first window, only the non-classified wave runs, holding the `pilot_size` simplest groups
   (lowest score, then key) that depend on nothing still to move.
4. Otherwise a wave takes groups in the order (effective deadline, complexity level, key) while they fit: the
   system count, the data one window can sync (a warm move's delta, a cold move whole), the data the pre-sync
   can copy in its lead time, and the per-department limit. A group may join a wave once each
   group it depends on is in the same wave or in one that ended before this wave starts (W2).
5. A group placed after its department's deadline is late; the binding constraint is `dependency` when what it
   depends on was placed too late, `window` when no window opened before its deadline, and otherwise
   `capacity`.
Heaps keep this near N log N: a group that does not fit is set aside until the next wave (capacity only shrinks
as a wave fills, so it could not fit later in the same wave), and a wave stops looking after a bounded number of
misfits.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..plan import MigrationPlan
from ..policy import Decision
from .calendar import Slot, windows
from .groups import Group, build
from .model import Factor, Late, Roadmap, Score, Unscheduled, Wave
from .settings import DEFAULT_WAVES, WaveSettings

LANES = (False, True)  # non-classified wave first in each window, then the classified one
CONSTRAINT = {
    "systems": ("每批系统数", "systems per wave"),
    "data": ("每批数据同步量", "data per window"),
    "presync": ("预同步提前量内可同步的数据量", "data the pre-sync can copy in its lead time"),
    "department": ("每批每部门系统数", "systems per department per wave"),
}


@dataclass
class _State:
    groups: list[Group]
    settings: WaveSettings
    waiting: dict[int, int] = field(default_factory=dict)
    window_of: dict[int, int] = field(default_factory=dict)
    lane_of_wave: dict[int, bool] = field(default_factory=dict)
    wave_of: dict[int, int] = field(default_factory=dict)
    ready_at: dict[int, int] = field(default_factory=dict)
    last_misfit: dict[int, str] = field(default_factory=dict)
    heaps: dict[bool, list[tuple[date, int, str, int]]] = field(default_factory=lambda: {False: [], True: []})
    future: dict[int, list[int]] = field(default_factory=dict)

    def priority(self, g: Group) -> tuple[date, int, str, int]:
        return (g.deadline, g.level_rank, g.key, g.index)

    def release(self, g: Group, window: int) -> None:
        """`g` has every dependency placed: it may join a wave from the window this returns."""
        eligible = 0
        for d in g.depends_on:
            same_lane = self.groups[d].classified == g.classified
            eligible = max(eligible, self.window_of[d] if same_lane else self.window_of[d] + 1)
        if eligible <= window:
            self.ready_at.setdefault(g.index, window)
            heapq.heappush(self.heaps[bool(g.classified)], self.priority(g))
        else:
            self.future.setdefault(eligible, []).append(g.index)


def plan_waves(
    plans: Sequence[MigrationPlan],
    decisions: Sequence[Decision],
    as_of: date,
    settings: WaveSettings = DEFAULT_WAVES,
) -> Roadmap:
    portfolio = build(plans, decisions, settings)
    groups = portfolio.groups
    state = _State(groups, settings)
    unscheduled = _unschedulable(groups, settings)
    live = [g for g in groups if g.index not in unscheduled]
    for g in live:
        state.waiting[g.index] = len(g.depends_on)
    waves: list[Wave] = []
    slots = windows(settings, settings.earliest_start or as_of)
    placed = 0
    pilot = settings.pilot_size > 0
    slot_by_index: dict[int, Slot] = {}
    for slot in slots:
        slot_by_index[slot.index] = slot
        if slot.index == 0:
            for g in live:
                if not g.depends_on:
                    state.release(g, 0)
        for n in state.future.pop(slot.index, []):
            state.release(groups[n], slot.index)
        for lane in LANES:
            if pilot and slot.index == 0 and lane:
                continue
            members = _fill(state, slot, lane, pilot and slot.index == 0)
            if members:
                placed += len(members)
                waves.append(
                    _wave(
                        len(waves),
                        slot,
                        lane,
                        [groups[m] for m in members],
                        pilot and slot.index == 0,
                        settings.presync_lead_days,
                    )
                )
        if placed == len(live):
            break
    for g in live:
        if g.index not in state.wave_of:
            unscheduled[g.index] = (
                "horizon",
                f"在 {settings.horizon_windows} 个维护窗口内排不下",
                f"does not fit within {settings.horizon_windows} maintenance windows",
            )
    _number(waves)
    return Roadmap(
        waves=waves,
        unscheduled=[
            Unscheduled(system=k, reason=r, zh=zh, en=en)
            for n, (r, zh, en) in sorted(unscheduled.items())
            for k in groups[n].members
        ],
        late=_late(plans, groups, state, waves, slot_by_index),
        complexity={
            k: Score(
                score=c.score,
                level=c.level,
                factors=[Factor(points=f.points, zh=f.zh, en=f.en) for f in c.factors],
            )
            for k, c in sorted(portfolio.scores.items())
        },
        deadlines={p.department.code: p.deadline for p in plans},
    )


def _unschedulable(groups: list[Group], s: WaveSettings) -> dict[int, tuple[str, str, str]]:
    out: dict[int, tuple[str, str, str]] = {}
    for g in groups:
        names = "、".join(g.members)
        if g.classified is None:
            out[g.index] = (
                "classification_conflict",
                f"循环依赖（{names}）混合了涉密与非涉密系统，不能同批迁移（W1）",
                f"a dependency cycle ({names}) mixes classified and non-classified systems (W1)",
            )
        elif g.blocked_by:
            out[g.index] = _depends_on_blocked(g)
        elif len(g.members) > s.max_systems or any(n > s.max_per_department for n in g.departments.values()):
            out[g.index] = (
                "group_size",
                f"必须同批迁移的 {len(g.members)} 个系统超过每批上限",
                f"{len(g.members)} systems that must move together exceed a wave's limits",
            )
        elif g.window_gb > s.window_data_gb:
            out[g.index] = _too_big_for_a_window(g, s)
        elif g.warm_gb > s.presync_data_gb:
            days = g.warm_gb / s.gb_in(24)
            mbps = s.sync_bandwidth_mbps * g.warm_gb / max(s.presync_data_gb, 1e-9)
            out[g.index] = (
                "presync",
                f"预同步 {g.warm_gb:g} GB 需要 {days:.1f} 天，超过提前量 {s.presync_lead_days:g} 天："
                f"把 presync_lead_days 设为 {days:.1f} 以上，或链路提到 {mbps:.0f} Mbps",
                f"pre-syncing {g.warm_gb:g} GB takes {days:.1f} days, more than the {s.presync_lead_days:g}-day "
                f"lead: set presync_lead_days to {days:.1f} or more, or a {mbps:.0f} Mbps link",
            )
    frontier = list(out)
    while frontier:
        n = frontier.pop()
        for d in sorted(groups[n].dependents):
            if d not in out:
                out[d] = (
                    "dependency",
                    f"依赖的系统「{groups[n].key}」无法排期",
                    f"depends on '{groups[n].key}', which cannot be scheduled",
                )
                frontier.append(d)
    return out


def _depends_on_blocked(g: Group) -> tuple[str, str, str]:
    """W2 (DOMAIN.md v1.2): a system that depends on a blocked one waits for that system's fix."""
    zh = "、".join(f"「{dep}」（{'、'.join(rules)}）" for dep, rules in g.blocked_by.items())
    en = ", ".join(f"'{dep}' ({', '.join(rules)})" for dep, rules in g.blocked_by.items())
    return (
        "depends_on_blocked",
        f"依赖的系统{zh}未获批、不能排期：待其整改后才能排期（W2）",
        f"depends on {en}, blocked and not scheduled: it waits for that fix (W2)",
    )


def _too_big_for_a_window(g: Group, s: WaveSettings) -> tuple[str, str, str]:
    """Says what would make the move fit: a faster link, a longer window, or (for the databases moved whole at a
    checkpoint) moving them warm with their engine's replication."""
    mbps = s.sync_bandwidth_mbps * g.window_gb / s.window_data_gb
    hours = g.window_gb / s.gb_in(1)
    cold = g.window_gb - g.warm_gb * s.delta_share
    zh = (
        f"数据量 {g.data_gb:g} GB（窗口内需同步 {g.window_gb:.0f} GB）超过一个维护窗口可同步的 "
        f"{s.window_data_gb:.0f} GB：需要 {mbps:.0f} Mbps 的迁移链路或 {hours:.0f} 小时的窗口"
    )
    en = (
        f"{g.data_gb:g} GB of data ({g.window_gb:.0f} GB in the window) exceeds the {s.window_data_gb:.0f} GB "
        f"one window can sync: it needs a {mbps:.0f} Mbps link or a {hours:.0f}-hour window"
    )
    if cold > 0:
        zh += f"；其中 {cold:.0f} GB 数据库在窗口内整体迁移，改用引擎自带复制做温迁移则只剩增量"
        en += f"; {cold:.0f} GB of databases move whole in the window: moved warm (their engine's replication) only their delta would"
    return "group_size", zh, en


def _fits(
    g: Group, count: int, data: tuple[float, float], depts: dict[str, int], s: WaveSettings
) -> str | None:
    """`data`: what the wave's window and its pre-sync carry so far."""
    if count + len(g.members) > s.max_systems:
        return "systems"
    if data[0] + g.window_gb > s.window_data_gb:
        return "data"
    if data[1] + g.warm_gb > s.presync_data_gb:
        return "presync"
    if any(depts.get(d, 0) + n > s.max_per_department for d, n in g.departments.items()):
        return "department"
    return None


def _fill(state: _State, slot: Slot, lane: bool, pilot: bool) -> list[int]:
    s, heap = state.settings, state.heaps[lane]
    limit = min(s.max_systems, s.pilot_size) if pilot else s.max_systems
    count, data, depts, members = 0, (0.0, 0.0), dict[str, int](), list[int]()
    misfits: list[tuple[date, int, str, int]] = []
    if pilot:  # the pilot takes the simplest, not the most urgent
        heap[:] = sorted(heap, key=lambda p: (state.groups[p[3]].score, p[2]))
    while heap and count < limit and len(misfits) < 4 * s.max_systems + 64:
        entry = heap.pop(0) if pilot else heapq.heappop(heap)
        g = state.groups[entry[3]]
        reason = "systems" if count + len(g.members) > limit else _fits(g, count, data, depts, s)
        if reason:
            state.last_misfit[g.index] = reason
            misfits.append(entry)
            continue
        count, data = count + len(g.members), (data[0] + g.window_gb, data[1] + g.warm_gb)
        for d, n in g.departments.items():
            depts[d] = depts.get(d, 0) + n
        members.append(g.index)
        state.window_of[g.index] = slot.index
        state.wave_of[g.index] = slot.index * 2 + int(lane)
        for dependent in sorted(g.dependents):
            if dependent not in state.waiting:
                continue  # unscheduled itself
            state.waiting[dependent] -= 1
            if state.waiting[dependent] == 0 and pilot:
                # the pilot holds only groups that depend on nothing still to move: what waited on a pilot
                # group joins from the next window (pushing it into the heap being drained would let it in)
                state.future.setdefault(slot.index + 1, []).append(dependent)
            elif state.waiting[dependent] == 0:
                state.release(state.groups[dependent], slot.index)
    for entry in misfits:
        heapq.heappush(heap, entry)
    if pilot:
        heapq.heapify(heap)
    return members


def _wave(n: int, slot: Slot, lane: bool, groups: list[Group], pilot: bool, lead_days: float) -> Wave:
    systems = sorted(k for g in groups for k in g.members)
    departments = sorted({d for g in groups for d in g.departments})
    return Wave(
        id=str(n),
        start=slot.start,
        end=slot.end,
        classified=lane,
        systems=systems,
        pilot=pilot,
        departments=departments,
        data_gb=round(sum(g.data_gb for g in groups), 1),
        window_gb=round(sum(g.window_gb for g in groups), 1),
        presync_gb=round(sum(g.warm_gb for g in groups), 1),
        presync_start=slot.start - timedelta(days=lead_days),
    )


def _number(waves: list[Wave]) -> None:
    width = max(2, len(str(len(waves))))
    for n, wave in enumerate(waves, start=1):
        wave.id = f"W{n:0{width}d}"


def _late(
    plans: Sequence[MigrationPlan],
    groups: list[Group],
    state: _State,
    waves: list[Wave],
    slots: dict[int, Slot],
) -> list[Late]:
    deadline = {p.key(s): p.deadline for p in plans for s in p.systems}
    end_of = {k: w.end for w in waves for k in w.systems}
    out = []
    for g in groups:
        if g.index not in state.wave_of:
            continue
        ready = slots[state.ready_at.get(g.index, state.window_of[g.index])]
        for key in g.members:
            due, end = deadline[key], end_of[key]
            if end.date() <= due:
                continue
            binding = "capacity"
            if ready.start.date() > due:
                binding = "dependency" if g.depends_on else "window"
            zh, en = _why(binding, state.last_misfit.get(g.index))
            out.append(
                Late(
                    system=key,
                    deadline=due,
                    planned_end=end,
                    binding=binding,
                    days_late=(end.date() - due).days,
                    zh=zh,
                    en=en,
                )
            )
    return sorted(out, key=lambda x: x.system)


def _why(binding: str, misfit: str | None) -> tuple[str, str]:
    if binding == "dependency":
        return "所依赖的系统迁移得太晚", "the systems it depends on move too late"
    if binding == "window":
        return "截止日期前没有可用的维护窗口", "no maintenance window opens before its deadline"
    zh, en = CONSTRAINT.get(misfit or "systems", CONSTRAINT["systems"])
    return f"截止日期前的批次已满（{zh}）", f"the waves before its deadline are full ({en})"
