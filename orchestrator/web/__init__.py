"""The web service: departments submit, ops operate, supervisors watch; one FastAPI app with roles."""

from .app import create_app
from .context import ExecutorFactory, WebConfig
from .portfolio import plan_document, plan_yaml
from .security import (
    ROLES,
    Principal,
    hash_password,
    new_token,
    password_problem,
    token_digest,
    verify_password,
)

__all__ = [
    "ROLES",
    "ExecutorFactory",
    "Principal",
    "WebConfig",
    "create_app",
    "hash_password",
    "new_token",
    "password_problem",
    "plan_document",
    "plan_yaml",
    "token_digest",
    "verify_password",
]
