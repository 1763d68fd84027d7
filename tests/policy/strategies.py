"""Hypothesis strategies for plans: any combination of the facts the rules read, always a valid plan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from orchestrator.plan import MigrationPlan

ids = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)


@st.composite
def systems(draw: st.DrawFn, sid: str, others: list[str]) -> dict[str, Any]:
    today = date(2026, 11, 22)
    filed = draw(st.booleans())
    doc: dict[str, Any] = {
        "id": sid,
        "name": f"系统{sid}",
        "function": draw(st.sampled_from(["审批", "监管与执法", "价格监测分析", "价格监测与分析", "统计"])),
        "usage": {
            "users": draw(st.one_of(st.none(), st.integers(0, 5000))),
            "frequency": draw(
                st.one_of(st.none(), st.sampled_from(["daily", "weekly", "monthly", "yearly", "never"]))
            ),
            "last_business_use": draw(
                st.one_of(st.none(), st.integers(0, 1000).map(lambda d: str(today - timedelta(d))))
            ),
            "requests_per_day": draw(st.one_of(st.none(), st.floats(0, 100))),
            "cpu_percent": draw(st.one_of(st.none(), st.floats(0, 100))),
        },
        "filing": {
            "project_name": "p",
            "constructing_unit": "u",
            "investment_wan": 1,
            "annual_om_wan": 1,
            "funding_channel": "fiscal",
        }
        if filed
        else draw(st.fixed_dictionaries({}, optional={"project_name": st.just("p")})),
        "security": {
            "mlps_level": draw(st.integers(1, 5)),
            "mlps_filed": draw(st.booleans()),
            "classified": draw(st.sampled_from(["none", "none", "secret", "confidential", "top_secret"])),
            "classified_filed": draw(st.booleans()),
        },
        "network": {"current": "专网", "internet_facing": draw(st.booleans())},
        "maintenance": {
            "status": draw(st.sampled_from(["active", "stopped"])),
            "last_update": str(today - timedelta(draw(st.integers(0, 800)))),
        },
        "deployment": {
            "kind": draw(st.sampled_from(["vm", "container", "physical"])),
            "special_hardware": draw(st.booleans()),
            "components": draw(st.sampled_from([[], [{"name": "web", "port": 80}]])),
        },
        "data_resources": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.sampled_from(["甲", "乙"]),
                        "sharing": st.sampled_from(["unconditional", "conditional", "not_shared", None]),
                        "legal_basis": st.one_of(st.none(), st.just("《某法》")),
                        "base_data": st.lists(st.sampled_from(["population", "legal_person"]), max_size=1),
                    }
                ),
                max_size=2,
            )
        ),
        "depends_on": draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else [],
    }
    if draw(st.booleans()):
        doc["owner_unit"] = draw(st.sampled_from(["办公室", "规划处"]))
    if draw(st.booleans()):
        doc["target"] = {
            "network": draw(st.sampled_from(["private", "egov_internal", "egov_external", None])),
            "cloud": draw(st.sampled_from([True, False, None])),
            "zone": draw(st.sampled_from(["internet", "extranet", "internal", None])),
        }
    if draw(st.integers(0, 9)) == 0:
        doc["exemption"] = {"reason": "r", "authority": "a", "document": "d"}
    if others and draw(st.integers(0, 9)) == 0:
        doc["replaced_by"] = draw(st.sampled_from(others))
    return doc


@st.composite
def plans(draw: st.DrawFn, code: str = "630000-T") -> MigrationPlan:
    names = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    docs = [draw(systems(sid, [o for o in names if o != sid])) for sid in names]
    return MigrationPlan.model_validate(
        {
            "apiVersion": "govmig/v1",
            "kind": "MigrationPlan",
            "department": {"code": code, "name": "测试", "level": "province"},
            "deadline": "2027-06-30",
            "systems": docs,
        }
    )
