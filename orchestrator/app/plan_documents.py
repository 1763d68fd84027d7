"""A plan as the store keeps a version of it (its JSON document and the YAML text people download), and the
first versions of a site: plan files loaded as approved for departments that have none yet."""

from __future__ import annotations

import yaml

from ..plan import MigrationPlan
from ..store import Accounts, Reviews, seeding


def plan_document(plan: MigrationPlan) -> dict[str, object]:
    return plan.model_dump(mode="json", by_alias=True, exclude_none=True)


def plan_yaml(plan: dict[str, object]) -> str:
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=120)


def seed_versions(accounts: Accounts, plans: list[MigrationPlan], actor: str) -> int:
    """Loads `plans` as the first versions of departments that have none yet, approved (audited) as the
    portfolio filed and reviewed before the service: the versions departments submit later wait for review.
    Replicas started together: one seeds, the others then find its versions. How many were added."""
    reviews = Reviews(accounts.engine, accounts.clock)
    with seeding(accounts.engine):
        return _seed_each(accounts, reviews, plans, actor)


def _seed_each(accounts: Accounts, reviews: Reviews, plans: list[MigrationPlan], actor: str) -> int:
    added = 0
    for plan in plans:
        code = plan.department.code
        accounts.add_department(code, plan.department.name, actor)  # ops brought the file: that creates it
        if not accounts.versions(code):
            doc = plan_document(plan)
            row = accounts.add_version(
                plan.department.code, f"{plan.department.code}.yaml", plan_yaml(doc), doc, [], actor
            )
            reviews.review(code, row.version, "approve", "载入时已审核 reviewed before the service", actor)
            added += 1
    return added
