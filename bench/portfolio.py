"""A generated province portfolio of any size, for the benchmarks of every stage (deterministic by seed).

Its mix follows the example province: about 8% classified, MLPS 2-4, bureau-owned systems, zombies, missing
filings, public-facing systems, dependencies inside a department and across departments, and a few cycles.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

PER_DEPARTMENT = 100
BUREAUS = ["办公室", "规划处", "审批处", "监管处", "信息中心", "执法局"]
ENGINES = ["mysql", "postgresql", "oracle", "dameng", "kingbase"]


def _system(rng: random.Random, code: str, n: int, total: int) -> dict[str, Any]:
    sid = f"sys-{n:04d}"
    classified = rng.random() < 0.08
    kind = rng.choice(["vm", "vm", "container", "container", "physical"])
    today = date(2026, 11, 1)
    system: dict[str, Any] = {
        "id": sid,
        "name": f"{code} 业务系统 {n}",
        "function": rng.choice(["审批", "监管", "统计", "公共服务", "办公", "数据共享"]) + f"业务{n % 17}",
        "usage": {
            "scope": rng.choice(["department", "province", "public"]),
            "users": rng.randint(1, 20000),
            "frequency": rng.choice(["daily", "daily", "weekly", "monthly", "yearly"]),
            "last_business_use": str(today - timedelta(days=rng.choice([3, 10, 40, 90, 400]))),
        },
        "approval": {"authority": code, "date": "2016-05-01"},
        "filing": {
            "project_name": f"系统{n}建设项目",
            "constructing_unit": "信息中心",
            "investment_wan": rng.randint(10, 2000),
            "annual_om_wan": rng.randint(1, 200),
            "funding_channel": "fiscal",
        },
        "security": {
            "mlps_level": rng.choice([2, 2, 3, 3, 4]),
            "mlps_filed": rng.random() > 0.05,
            "classified": rng.choice(["secret", "confidential"]) if classified else "none",
            "classified_filed": classified and rng.random() > 0.1,
        },
        "network": {"current": f"{code}业务专网", "internet_facing": not classified and rng.random() < 0.2},
        "maintenance": {
            "status": "stopped" if rng.random() < 0.03 else "active",
            "last_update": "2026-08-01",
        },
        "deployment": {
            "kind": kind,
            "special_hardware": kind == "physical" and rng.random() < 0.5,
            "components": [
                {
                    "name": f"c{k}",
                    "image": f"registry.example.gov.cn/{sid}-{k}:1.0",
                    "port": 8080 + k,
                    "replicas": rng.randint(1, 3),
                    "cpu": "1",
                    "memory": "2Gi",
                    "health_path": "/healthz",
                }
                for k in range(rng.randint(1, 3))
            ],
            "databases": [{"engine": rng.choice(ENGINES), "size_gb": rng.randint(1, 500)}],
            "data_gb": rng.randint(1, 1000),
        },
        "data_resources": [{"name": f"数据{n}", "sharing": rng.choice(["unconditional", "conditional"])}],
        "depends_on": sorted({f"sys-{rng.randrange(total):04d}" for _ in range(rng.randint(0, 2))} - {sid}),
    }
    if rng.random() < 0.3:
        system["owner_unit"] = rng.choice(BUREAUS)
    return system


def portfolio(systems: int, seed: int = 7) -> list[dict[str, Any]]:
    """Plans (as plain documents) holding `systems` systems in all, 100 to a department."""
    rng = random.Random(seed)
    plans = []
    departments = max(1, (systems + PER_DEPARTMENT - 1) // PER_DEPARTMENT)
    codes = [f"63{d:04d}-D{d}" for d in range(departments)]
    for d, code in enumerate(codes):
        count = min(PER_DEPARTMENT, systems - d * PER_DEPARTMENT)
        docs = [_system(rng, code, n, count) for n in range(count)]
        for doc in docs:
            if d and rng.random() < 0.05:
                doc["depends_on"].append(f"{codes[rng.randrange(d)]}/sys-{rng.randrange(10):04d}")
        plans.append(
            {
                "apiVersion": "govmig/v1",
                "kind": "MigrationPlan",
                "department": {"code": code, "name": f"第{d}厅", "level": "province"},
                "deadline": "2027-12-31",
                "systems": docs,
            }
        )
    return plans


def write_portfolio(folder: Path, systems: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for plan in portfolio(systems, seed):
        path = folder / f"{plan['department']['code']}.yaml"
        path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def department_plan(code: str, systems: int, seed: int = 7) -> bytes:
    """One department's plan holding `systems` systems, as YAML bytes (16,000 systems: about 19 MB, a large
    province bureau's whole estate in one upload, under the intake limit of 20 MiB)."""
    rng = random.Random(seed)
    plan = {
        "apiVersion": "govmig/v1",
        "kind": "MigrationPlan",
        "department": {"code": code, "name": "大厅", "level": "province"},
        "deadline": "2027-12-31",
        "systems": [_system(rng, code, n, systems) for n in range(systems)],
    }
    text = yaml.dump(plan, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    return text.encode("utf-8")
