"""The cutover's go/no-go, where the site asks for one (shared/DOMAIN.md v1.2: the same two-person mechanism as the
irreversible operations): before each system's cutover the run asks a second person, holds the system while the
ask waits, cuts it over once approved, and refuses the cutover (the system rolled back) once rejected."""

from __future__ import annotations

from typing import Protocol

from ..machine.verdicts import GateResult


class CutoverGo(Protocol):
    def waiting(self, record: str, system: str, actor: str) -> bool:
        """Whether the system waits for its go before the cutover: asked (as `actor`) where nobody was asked yet,
        True while nobody decided."""
        ...

    def __call__(self, system: str) -> GateResult:
        """The decision as the cutover's gate: a no-go refuses the cutover."""
        ...
