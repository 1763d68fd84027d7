"""Supervisors' reviews of plan versions, and which version is in force.

The national plan (002 三(二)) and the province's (001 二(五)) have departments file plans that the responsible
office reviews: a version feeds assessment, waves, render and runs only once approved, and a newer one waits for
review while the approved one stays in force. Returned versions keep their comment for the department to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, utcnow
from .schema import Audit, PlanReview, PlanVersion

DECISIONS = {"approve": "approved", "return": "returned"}
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Review:
    status: str  # pending | approved | returned
    by: str | None = None
    at: datetime | None = None
    comment: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "status": self.status,
            "by": self.by,
            "at": self.at.isoformat() if self.at else None,
            "comment": self.comment,
        }


PENDING = Review("pending")


class ReviewRefused(Exception):
    """A review that cannot be made, with its reason in Chinese and English and the HTTP status it means."""

    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.status, self.zh, self.en = status, zh, en


class Reviews:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.clock = clock

    def review(self, department: str, version: int, decision: str, comment: str, actor: str) -> Review:
        """Approves or returns a version (audited `plan.review`); refused for a version that does not exist, is
        invalid, was approved already, or is older than the one in force."""
        if decision not in DECISIONS:
            raise ReviewRefused(422, "审核结论只能是 approve 或 return", "decision must be approve or return")
        comment = comment.strip()[:MAX_COMMENT]
        if decision == "return" and not comment:
            raise ReviewRefused(422, "退回须写明原因", "a return needs a comment saying what to fix")
        now = self.clock()
        with self.session.begin() as s:
            row = s.scalar(
                select(PlanVersion).where(
                    PlanVersion.department == department, PlanVersion.version == version
                )
            )
            if row is None:
                raise ReviewRefused(404, f"没有版本 {version}", f"no version {version}")
            if not row.valid:
                raise ReviewRefused(
                    409, "该版本校验未通过，不能审核", "an invalid version cannot be reviewed"
                )
            in_force = self._in_force(s, department)
            if in_force is not None and version <= in_force:
                raise ReviewRefused(
                    409,
                    f"版本 {in_force} 已审核通过并生效，不能再审核版本 {version}",
                    f"version {in_force} is approved and in force: version {version} can no longer be reviewed",
                )
            s.add(
                PlanReview(
                    department=department,
                    version=version,
                    decision=decision,
                    comment=comment,
                    reviewed_by=actor,
                    reviewed_at=now,
                )
            )
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="plan.review",
                    target=f"{department}/v{version}",
                    result=DECISIONS[decision],
                    detail=comment[:500] or None,
                )
            )
        return Review(DECISIONS[decision], actor, now, comment)

    @staticmethod
    def _in_force(s: Session, department: str) -> int | None:
        query = select(func.max(PlanReview.version)).where(
            PlanReview.department == department, PlanReview.decision == "approve"
        )
        found = s.scalar(query)
        return int(found) if found is not None else None

    def in_force(self, department: str) -> int | None:
        """The approved version that feeds everything, or None before the first approval."""
        with self.session() as s:
            return self._in_force(s, department)

    def of(self, department: str) -> dict[int, Review]:
        """Every reviewed version's latest review (a version not in it is pending)."""
        with self.session() as s:
            rows = s.scalars(
                select(PlanReview).where(PlanReview.department == department).order_by(PlanReview.id)
            )
            return {
                r.version: Review(DECISIONS[r.decision], r.reviewed_by, r.reviewed_at, r.comment)
                for r in rows
            }

    def waiting(self) -> list[PlanVersion]:
        """Valid versions that wait for review: unreviewed or returned, newer than their department's version
        in force (every department's, in order)."""
        with self.session() as s:
            versions = list(
                s.scalars(
                    select(PlanVersion)
                    .where(PlanVersion.valid.is_(True))
                    .order_by(PlanVersion.department, PlanVersion.version)
                )
            )
            approved = dict(
                s.execute(
                    select(PlanReview.department, func.max(PlanReview.version))
                    .where(PlanReview.decision == "approve")
                    .group_by(PlanReview.department)
                ).all()
            )
        return [v for v in versions if v.version > (approved.get(v.department) or 0)]
