"""The assessment: one decision per system, by the rules, then the checks that need every decision at once.

Pure: plans, settings, a date and measured usage in; decisions out. Nothing is read, written or printed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from ..plan import Measurement, MigrationPlan, Network, qualify
from .consolidation import Proposal, consolidation_target, merge_proposals
from .decision import Action, Decision, Note, Reason
from .filing import filing_gate
from .flags import Flag
from .placement import exemption_fix, place
from .rules import CATALOG
from .settings import DEFAULTS, PolicySettings
from .sharing import catalog, duplicate_collection
from .subject import Subject
from .zombie import zombie_criteria

ORDER = {rule.id: n for n, rule in enumerate(CATALOG)}


def assess(
    plans: Iterable[MigrationPlan],
    as_of: date,
    settings: PolicySettings = DEFAULTS,
    measured: Mapping[str, Measurement] | None = None,
) -> list[Decision]:
    """Decisions for every system of `plans`, in plan and system order."""
    measured = measured or {}
    subjects = [Subject(p, s, settings, as_of, measured.get(p.key(s))) for p in plans for s in p.systems]
    decisions = [decide(s) for s in subjects]
    live = [
        s for s, d in zip(subjects, decisions, strict=True) if d.action in (Action.migrate, Action.blocked)
    ]
    proposals = merge_proposals(live, settings.merge_similarity)
    index = {d.key: d for d in decisions}
    replacements = {
        s.key: qualify(s.system.replaced_by, s.department) for s in subjects if s.system.replaced_by
    }
    for s, d in zip(subjects, decisions, strict=True):
        _merge_notes(d, proposals.get(d.key))
        _dependency_notes(s, d, index, replacements)
    return decisions


def decide(s: Subject) -> Decision:
    """One system's decision, from its own facts alone."""
    zombie, criteria = zombie_criteria(s)
    base = {
        "department": s.department,
        "system": s.system.id,
        "name": s.system.name,
        "owner_unit": s.system.owner_unit,
        "classified": s.classified,
        "mlps_level": s.system.security.mlps_level,
    }
    if zombie:
        held = "、".join(r.rule for r in criteria)
        p5 = Reason(
            rule="P5",
            zh=f"符合“僵尸”信息系统认定（{held}）：予以清理，不迁移",
            en=f"meets the zombie criteria ({held}): retired, not migrated",
        )
        return _finish(
            Decision(
                **base,
                action=Action.retire,
                target_network=None,
                cloud=False,
                zone=None,
                rules=[],
                reasons=[p5, *criteria],
                flags=[Flag.zombie_candidate],
            )
        )
    placed = place(s)
    reasons, flags, fixes = list(placed.reasons), list(placed.flags), []
    notes: list[Note] = []
    action = placed.action
    p4_fix = exemption_fix(s)
    if p4_fix is not None:
        fixes.append(p4_fix)
        flags.append(Flag.exemption_incomplete)
    if s.classified and s.system.network.internet_facing:
        flags.append(Flag.public_service_ends)
        notes.append(
            Note(
                code=Flag.public_service_ends,
                zh="涉密系统迁入内网后不再面向公众：其公众服务须另行提供（P1）",
                en="a classified system on the internal network no longer serves the public: its public service "
                "must be offered another way (P1)",
            )
        )
    gate = filing_gate(s)
    if gate is not None:
        reasons.append(gate[0])
        fixes.append(gate[1])
        flags.append(Flag.no_om_funds)
        if action is Action.migrate:
            action = Action.blocked
    consolidate_into = None
    if action is not Action.stay:
        target = consolidation_target(s)
        if target is not None:
            consolidate_into, why = target
            reasons.append(why)
        p7, p7_flags, p7_fix = catalog(s, placed.network)
        reasons += [p7] if p7 else []
        fixes += [p7_fix] if p7_fix else []
        flags += p7_flags
        if s.system.security.mlps_level >= s.settings.dr_min_mlps:
            flags.append(Flag.dr_required)
    p9, p9_fix = duplicate_collection(s)
    if p9 is not None and p9_fix is not None:
        reasons.append(p9)
        fixes.append(p9_fix)
        flags += [Flag.duplicate_collection, Flag.no_om_funds]
    return _finish(
        Decision(
            **base,
            action=action,
            target_network=placed.network,
            cloud=placed.cloud,
            zone=placed.zone,
            rules=[],
            reasons=reasons,
            consolidate_into=consolidate_into,
            flags=flags,
            fixes=fixes,
            notes=notes,
        )
    )


def _finish(d: Decision) -> Decision:
    d.reasons.sort(key=lambda r: ORDER[r.rule])
    d.fixes.sort(key=lambda r: ORDER[r.rule])
    d.rules = sorted({r.rule for r in d.reasons}, key=ORDER.__getitem__)
    d.flags = sorted(set(d.flags))
    return d


def _merge_notes(d: Decision, proposal: Proposal | None) -> None:
    if proposal is None:
        return
    others = proposal.listed
    d.merge_with = [key for key, _ in others]
    d.flags = sorted({*d.flags, Flag.merge_candidate})
    listed = "、".join(f"「{k}」（相似度 {score:.0%}）" for k, score in others)
    listed_en = ", ".join(f"'{k}' (similarity {score:.0%})" for k, score in others)
    if proposal.total > len(others):
        listed += f"等共 {proposal.total} 个系统"
        listed_en += f" and {proposal.total - len(others)} more ({proposal.total} systems)"
    d.notes.append(
        Note(
            code=Flag.merge_candidate,
            zh=f"与{listed}功能重叠，建议合并",
            en=f"its function overlaps {listed_en}: proposed for merging",
        )
    )


def blocking_rules(d: Decision) -> list[str]:
    """The rules that keep a blocked system from being scheduled (the filing gate today)."""
    return [r for r in d.rules if r == "P8"] or list(d.rules)


def _retired_dependency(key: str, replacement: str | None, index: Mapping[str, Decision]) -> Note:
    """A dependency on a system that retires is dropped from the waves (W2): the note names what replaces it."""
    other = index.get(replacement) if replacement else None
    if replacement and other is not None and other.action is not Action.retire:
        return Note(
            code=Flag.depends_on_retired,
            zh=f"依赖的系统「{key}」将被清理：改接其替代系统「{replacement}」",
            en=f"depends on '{key}', which retires: connect to its replacement '{replacement}' instead",
        )
    return Note(
        code=Flag.depends_on_retired,
        zh=f"依赖的系统「{key}」将被清理且没有可用的替代系统：须改造这一依赖",
        en=f"depends on '{key}', which retires with no replacement available: the dependency must be redesigned",
    )


def _dependency_notes(
    s: Subject, d: Decision, index: Mapping[str, Decision], replacements: Mapping[str, str]
) -> None:
    if d.action is Action.retire:
        by = s.system.replaced_by
        other = index.get(qualify(by, s.department)) if by else None
        if by and (other is None or other.action in (Action.retire, Action.blocked)):
            state = (
                "未加载"
                if other is None
                else {"retire": "也将清理", "blocked": "尚未获批"}[other.action.value]
            )
            d.notes.append(
                Note(
                    code=Flag.replacement_unavailable,
                    zh=f"替代系统「{by}」{state}，清理前须确认替代方案",
                    en=f"the replacement '{by}' is {'not loaded' if other is None else other.action.value}: "
                    "confirm a replacement before retiring",
                )
            )
            d.flags = sorted({*d.flags, Flag.replacement_unavailable})
        return
    for ref in s.system.depends_on:
        key = qualify(ref, s.department)
        dep = index.get(key)
        if dep is None:
            continue
        if dep.action is Action.retire:
            d.notes.append(_retired_dependency(key, replacements.get(key), index))
            d.flags = sorted({*d.flags, Flag.depends_on_retired})
        elif dep.action is Action.blocked:
            rules = "、".join(blocking_rules(dep))
            d.notes.append(
                Note(
                    code=Flag.depends_on_blocked,
                    zh=f"依赖的系统「{key}」因未获批（{rules}）不能排期：本系统须等其整改后才能排期（W2）",
                    en=f"depends on '{key}', which is blocked ({rules}): this system cannot be scheduled "
                    "until that is fixed (W2)",
                )
            )
            d.flags = sorted({*d.flags, Flag.depends_on_blocked})
        if dep.target_network is Network.egov_internal and d.target_network is Network.egov_external:
            d.notes.append(
                Note(
                    code=Flag.cross_network_dependency,
                    zh=f"依赖内网系统「{key}」：涉密数据不得流出内网，须经单向导入或改造依赖",
                    en=f"depends on the internal-network system '{key}': classified data never leave the "
                    "internal network, so the dependency must be redesigned",
                )
            )
            d.flags = sorted({*d.flags, Flag.cross_network_dependency})
