"""The cutover's go/no-go where the site asks for one (`--cutover-go`; shared/DOMAIN.md v1.2: "The same mechanism
carries the cutover's go/no-go"): before each system's cutover the run asks a second person through the approvals
(kind `cutover_go`, asked by the one running the wave, audited `approval.ask`, which the notifiers tell as
`approval_waiting`) and holds the system there as a manual task holds it; the others go on (approvable per system:
the ready ones go, the rest wait).

`govmig approvals approve ID` by another person: the next resume cuts the system over. `reject` is a no-go: the next
resume refuses the cutover, and the system is rolled back, not left waiting. At the cutover the source is already
quiesced (the final sync stopped its writes, the service is down for the window), so a system left "presynced"
would keep its service down with nobody to bring it back; the rollback before cutover gives the writes back to the
source (the target never took any) and its front end keeps pointing there. The refusal is audited (`cutover.no_go`)
and a later run of the system asks anew.

A go carries the change ticket its approver gave (required to approve a `cutover_go`: store/approvals.py): the
cutover names it in the wave's log (a `go` line on the system's cutover step, "go #ID by NAME, ticket T") and in
the audit (`cutover.go`, on WAVE/DEPT/ID), where the cutover goes.
"""

from __future__ import annotations

from pathlib import Path

from ..contracts import ApprovalStatus
from ..contracts import steps as names
from ..execute import GateResult
from ..store import Approvals, Asked, Engine, Store

KIND = "cutover_go"
NO_GO = "cutover.no_go"
GO = "cutover.go"
GO_NOTE = "go"
"""The wave log's line of a go (app/ops_words.py says it in words)."""


class CutoverGo:
    """The executor's go/no-go seam (execute/ports/go.py) over the store's approvals."""

    def __init__(self, engine: Engine, tree: Path) -> None:
        self.approvals, self.store, self.tree = Approvals(engine), Store(engine), tree
        self.records: dict[str, str] = {}
        """The record each system was last asked about in (where its cutover's line goes)."""

    def _latest(self, system: str, record: str | None = None) -> Asked | None:
        asks = [
            a
            for a in self.approvals.list()
            if a.kind == KIND and a.system == system and (record is None or a.wave == record)
        ]
        return asks[-1] if asks else None

    def _spent(self, asked: Asked) -> bool:
        """A no-go already carried out (the system was rolled back for it): a later run asks anew."""
        return any(
            a.action == NO_GO and (a.detail or "").startswith(f"#{asked.id} ")
            for a in self.store.audit_log(f"{asked.wave}/{asked.system}")
        )

    def waiting(self, record: str, system: str, actor: str) -> bool:
        self.records[system] = record
        latest = self._latest(system, record)
        if (
            latest is None
            or latest.status == ApprovalStatus.refused
            or (latest.status == ApprovalStatus.rejected and self._spent(latest))
        ):
            self.approvals.ask(
                KIND, system, record, actor, {"tree": str(self.tree.resolve()), "channel": "run"}
            )
            return True
        return latest.status == ApprovalStatus.pending

    def __call__(self, system: str) -> GateResult:
        latest = self._latest(system)
        if latest is not None and latest.status == ApprovalStatus.approved:
            return self._go(latest, system)
        if latest is None or latest.status != ApprovalStatus.rejected or self._spent(latest):
            return GateResult(True, 1, "go")
        why = f"#{latest.id} by {latest.decided_by}" + (f": {latest.comment}" if latest.comment else "")
        self.store.audit(latest.decided_by or "?", NO_GO, f"{latest.wave}/{system}", "rolled_back", f"{why} ")
        return GateResult(False, 1, f"no-go（不放行）{why}")

    def _go(self, latest: Asked, system: str) -> GateResult:
        """The approved go, said where the cutover goes: the system's cutover line in the wave's log and the
        audit, each naming the approver and the change ticket."""
        said = f"go #{latest.id} by {latest.decided_by}" + (
            f", ticket {latest.ticket}" if latest.ticket else ""
        )
        record = self.records.get(system, latest.wave)
        self.store.add_events(
            record, system, names.CUTOVER, [{"event": GO_NOTE, "event_data": {"task": said}}]
        )
        self.store.audit(
            latest.decided_by or "?", GO, f"{record}/{system}", "go", f"#{latest.id} ticket {latest.ticket}"
        )
        return GateResult(True, 1, said)
