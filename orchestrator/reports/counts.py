"""Per-department counts of decisions: the numbers the terminal summary, the ledger and the reports all show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..plan import Network, Zone
from ..policy import Action, Decision, Flag


@dataclass(frozen=True)
class Counts:
    systems: int
    migrate: int
    retire: int
    stay: int
    blocked: int
    internal: int
    external: int
    cloud: int
    internet: int
    no_om_funds: int

    def placement(self) -> tuple[int, ...]:
        """Systems, then by action, then where the moving ones go: the columns every summary shows."""
        return (
            self.systems,
            self.migrate,
            self.retire,
            self.stay,
            self.blocked,
            self.internal,
            self.external,
            self.cloud,
            self.internet,
        )


def counts(decisions: Iterable[Decision]) -> Counts:
    """Counts of one department's decisions; network, cloud and zone count what moves (migrate or blocked)."""
    mine = list(decisions)
    actions = Counter(d.action for d in mine)
    moving = [d for d in mine if d.action in (Action.migrate, Action.blocked)]
    return Counts(
        systems=len(mine),
        migrate=actions[Action.migrate],
        retire=actions[Action.retire],
        stay=actions[Action.stay],
        blocked=actions[Action.blocked],
        internal=sum(d.target_network is Network.egov_internal for d in moving),
        external=sum(d.target_network is Network.egov_external for d in moving),
        cloud=sum(d.cloud for d in moving),
        internet=sum(d.zone is Zone.internet for d in moving),
        no_om_funds=sum(Flag.no_om_funds in d.flags for d in mine),
    )


def by_department(decisions: Iterable[Decision]) -> dict[str, Counts]:
    grouped: dict[str, list[Decision]] = {}
    for d in decisions:
        grouped.setdefault(d.department, []).append(d)
    return {dept: counts(ds) for dept, ds in grouped.items()}
