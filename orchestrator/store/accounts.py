"""Users, their API tokens and the plans departments submit. Secrets never reach this module in clear: callers
hand in the argon2 hash of a password and the SHA-256 of a token."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .clock import Clock, utcnow
from .password_history import remember_in
from .schema import Audit, Department, PlanReview, PlanVersion, User
from .tokens import Tokens


class Accounts:
    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)
        self.clock = clock

    def add_user(
        self,
        username: str,
        role: str,
        department: str | None,
        password_hash: str,
        actor: str,
        given: bool = False,
    ) -> User:
        """A new user; `given`: an administrator chose the password, so the user changes it at first sign-in."""
        now = self.clock()
        with self.session.begin() as s:
            if s.scalar(select(User).where(User.username == username)) is not None:
                raise KeyError(username)
            user = User(
                username=username,
                role=role,
                department=department,
                password_hash=password_hash,
                created_at=now,
            )
            s.add(user)
            s.flush()
            remember_in(s, user.id, password_hash, now, given)
            if department is not None:
                self._department(s, department, None, actor)
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="user.add",
                    target=username,
                    result="ok",
                    detail=f"role={role} department={department or '—'}",
                )
            )
        return user

    # departments ------------------------------------------------------------------------------------------
    def _department(self, s: Session, code: str, name: str | None, actor: str) -> bool:
        if s.get(Department, code) is not None:
            return False
        now = self.clock()
        s.add(Department(code=code, name=name, created_at=now, created_by=actor))
        s.add(Audit(at=now, actor=actor, action="department.add", target=code, result="ok", detail=name))
        return True

    def add_department(self, code: str, name: str | None, actor: str) -> bool:
        """Creates the department (audited); False when it existed already, or another process created it
        between our look and our insert."""
        try:
            with self.session.begin() as s:
                return self._department(s, code, name, actor)
        except IntegrityError:
            if self.department_exists(code):
                return False
            raise

    def department_exists(self, code: str) -> bool:
        with self.session() as s:
            return s.get(Department, code) is not None

    def departments(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(Department.code).order_by(Department.code)))

    def submitted_since(self, department: str, since: datetime) -> tuple[int, int]:
        """How many versions and how many bytes the department submitted since `since` (for its daily quota)."""
        with self.session() as s:
            count, size = s.execute(
                select(
                    func.count(PlanVersion.id), func.coalesce(func.sum(func.length(PlanVersion.content)), 0)
                ).where(PlanVersion.department == department, PlanVersion.submitted_at >= since)
            ).one()
            return int(count), int(size)

    def first_submitted_since(self, department: str, since: datetime) -> datetime | None:
        """When the department's oldest version since `since` came (its daily quota frees up a day later)."""
        with self.session() as s:
            first: datetime | None = s.scalar(
                select(func.min(PlanVersion.submitted_at)).where(
                    PlanVersion.department == department, PlanVersion.submitted_at >= since
                )
            )
            return first

    def user(self, username: str) -> User | None:
        with self.session() as s:
            return s.scalar(select(User).where(User.username == username, User.disabled.is_(False)))

    def user_by_id(self, user_id: int) -> User | None:
        with self.session() as s:
            user = s.get(User, user_id)
            return user if user is not None and not user.disabled else None

    def users(self) -> list[User]:
        with self.session() as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def add_token(self, user: User, digest: str, name: str, actor: str, days: int = 90) -> int:
        """A bearer token for the user, lapsing after `days` (store/tokens.py); its id."""
        return Tokens(self.engine, self.clock).add(user, digest, name, actor, days)

    def user_by_token(self, digest: str) -> User | None:
        return Tokens(self.engine, self.clock).user_by_token(digest)

    # plan versions -----------------------------------------------------------------------------------------
    def add_version(
        self,
        department: str,
        filename: str,
        content: str,
        plan: dict[str, Any] | None,
        problems: list[dict[str, Any]],
        actor: str,
    ) -> PlanVersion:
        now = self.clock()
        with self.session.begin() as s:
            last = (
                s.scalar(select(func.max(PlanVersion.version)).where(PlanVersion.department == department))
                or 0
            )
            row = PlanVersion(
                department=department,
                version=last + 1,
                filename=filename,
                content=content,
                plan=plan,
                valid=plan is not None,
                problems=problems,
                submitted_by=actor,
                submitted_at=now,
            )
            s.add(row)
            s.add(
                Audit(
                    at=now,
                    actor=actor,
                    action="plan.submit",
                    target=f"{department}/v{last + 1}",
                    result="valid" if plan is not None else "invalid",
                    detail=filename,
                )
            )
        return row

    def versions(self, department: str) -> list[PlanVersion]:
        with self.session() as s:
            query = (
                select(PlanVersion).where(PlanVersion.department == department).order_by(PlanVersion.version)
            )
            return list(s.scalars(query))

    def version(self, department: str, version: int) -> PlanVersion | None:
        with self.session() as s:
            query = select(PlanVersion).where(
                PlanVersion.department == department, PlanVersion.version == version
            )
            return s.scalar(query)

    def current_plans(self) -> list[PlanVersion]:
        """The approved version in force of every department's plan (store/reviews.py): the portfolio everything
        else works on. A newer version waits for its review; a department never approved is not in it."""
        with self.session() as s:
            latest = (
                select(PlanReview.department, func.max(PlanReview.version).label("v"))
                .where(PlanReview.decision == "approve")
                .group_by(PlanReview.department)
                .subquery()
            )
            query = (
                select(PlanVersion)
                .join(
                    latest,
                    (PlanVersion.department == latest.c.department) & (PlanVersion.version == latest.c.v),
                )
                .order_by(PlanVersion.department)
            )
            return list(s.scalars(query))
