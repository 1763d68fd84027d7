"""The principal a request acts as.

A principal is resolved on the server for every request, from a bearer token or the signed session cookie; the
browser is never trusted to say who it is or what it may see (the roles, hashes and tokens: orchestrator/app).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    department: str | None

    @property
    def writes_plans(self) -> bool:
        return self.role in ("department", "ops")

    @property
    def reviews_plans(self) -> bool:
        return self.role == "supervisor"

    def sees(self, department: str) -> bool:
        """Ops and supervisors see every department; a department only itself; an administrator none (the
        business routes refuse administrators before they ask)."""
        return self.role in ("ops", "supervisor") or (
            self.role == "department" and self.department == department
        )
