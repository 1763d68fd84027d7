"""The web service: departments submit, ops operate, supervisors watch; one FastAPI app with roles."""

from typing import TYPE_CHECKING

from .._lazy import lazy as _lazy
from ..app import (
    ROLES,
    ExecutorFactory,
    hash_password,
    needs_second_factor,
    new_token,
    password_problem,
    plan_document,
    plan_yaml,
    reused,
    token_digest,
    verify_password,
)
from .context import WebConfig
from .security import Principal

if TYPE_CHECKING:
    from .app import create_app


# the app (FastAPI, its routes and models: half a second) loads only for `govmig serve`; the account commands
# use this face for the password policy alone
__getattr__ = _lazy(__name__, {"create_app": "app"})

__all__ = [
    "ROLES",
    "ExecutorFactory",
    "Principal",
    "WebConfig",
    "create_app",
    "hash_password",
    "needs_second_factor",
    "new_token",
    "password_problem",
    "plan_document",
    "plan_yaml",
    "reused",
    "token_digest",
    "verify_password",
]
