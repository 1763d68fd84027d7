"""The web service: one FastAPI app for departments, ops and supervisors; sessions for browsers, bearer tokens
for scripts; every request authorized on the server, every write audited."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..store import SignInThrottle, StoreFailure, describe_failure
from . import api_admin, api_audit, api_ops, api_plans, api_reports, api_systems, api_watch, pages
from .api_watch import HealthCache
from .body_limits import BodyLimits
from .context import Context, WebConfig
from .intake_pool import IntakePool
from .portfolio import Portfolio
from .runs import Runs

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Scripts only from this site (no inline script anywhere); the reports' inline styles are allowed."""
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
"""FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from their CDN with an inline start-up script."""
DOCS = ("/docs", "/redoc")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class SecurityHeaders:
    """Plain ASGI (not BaseHTTPMiddleware, which costs every response a task and a copy). HSTS only behind TLS:
    sent over plain HTTP it would mean nothing, and on loopback it would pin the browser to HTTPS."""

    def __init__(self, app: ASGIApp, tls: bool = False) -> None:
        self.app = app
        common = HEADERS + ([HSTS] if tls else [])
        self.headers = [*common, (b"content-security-policy", CSP.encode())]
        self.docs_headers = [*common, (b"content-security-policy", DOCS_CSP.encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = self.docs_headers if str(scope.get("path", "")).startswith(DOCS) else self.headers

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: WebConfig) -> FastAPI:
    app = FastAPI(
        title="govmig 政务信息系统迁移编排",
        version=__version__,
        description="部门提交计划，运维执行批次，监管实时查看。Departments submit, ops operate, supervisors watch.",
    )
    ctx = Context(config)
    app.state.ctx = ctx
    app.state.portfolio = Portfolio(ctx)
    app.state.runs = Runs(ctx, app.state.portfolio)
    app.state.health_cache = HealthCache()
    app.state.throttle = SignInThrottle(config.engine)
    app.state.intake = IntakePool(config.intake_workers, config.intake_per_department)
    app.add_middleware(BodyLimits)  # innermost of these: its 413 carries the security headers too
    app.add_middleware(SecurityHeaders, tls=config.secure_cookies)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret,
        same_site="strict",
        https_only=config.secure_cookies,
        session_cookie="govmig_session",
        max_age=12 * 3600,  # the cookie's life; the session itself lives on the server (idle and absolute)
    )
    for router in (
        api_plans.router,
        api_ops.router,
        api_systems.router,
        api_watch.router,
        api_reports.router,
        api_admin.router,
        api_audit.router,
        api_audit.pages,
        pages.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(HTTPException)
    async def bilingual(request: Request, exc: HTTPException) -> Response:
        detail = (
            exc.detail if isinstance(exc.detail, dict) else {"zh": str(exc.detail), "en": str(exc.detail)}
        )
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
        body = f"<!doctype html><meta charset=utf-8><title>{exc.status_code}</title><p>{escape(str(detail['zh']))}</p><p>{escape(str(detail['en']))}</p><a href='/'>返回 back</a>"
        return HTMLResponse(body, status_code=exc.status_code)

    @app.exception_handler(StoreFailure)
    async def store_failed(request: Request, exc: StoreFailure) -> Response:
        zh, en = describe_failure(exc) or ("状态库出错", "the store failed")
        return JSONResponse({"detail": {"zh": zh, "en": en}}, status_code=503)

    return app
