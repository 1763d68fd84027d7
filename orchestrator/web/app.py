"""The web service: one FastAPI app for departments, ops and supervisors; sessions for browsers, bearer tokens
for scripts; every request authorized on the server, every write audited."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..app import StoreFailure, describe_failure
from . import (
    api_admin,
    api_approvals,
    api_audit,
    api_dept_plans,
    api_dept_systems,
    api_notices,
    api_ops,
    api_ops_board,
    api_ops_tasks,
    api_plans,
    api_preflight,
    api_reports,
    api_resources,
    api_sup_progress,
    api_sup_reviews,
    api_systems,
    api_watch,
    discovery_page,
    pages,
    spa_pages,
)
from .api_watch import HealthCache
from .body_limits import BodyLimits
from .context import Context, WebConfig
from .dashboard_cache import DashboardCache
from .deps import BEARER, resolve
from .errors import answer, http_error, server_error, validation_error
from .intake_pool import IntakePool

STATIC = Path(__file__).parent / "static"
DOCS_STATIC = Path(fastapi_offline.__file__).parent / "static"
"""Swagger UI and ReDoc as a PyPI package ships them (fastapi-offline): served from here, no CDN (an isolated
政务网 reaches none)."""
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Scripts only from this site (no inline script anywhere); the reports' inline styles are allowed."""
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""/docs and /redoc load Swagger UI and ReDoc from this site, with FastAPI's inline start-up script."""
DOCS = ("/docs", "/redoc")
NO_STORE = (b"cache-control", b"no-store")
"""Every answer but the static files: nothing a signed-in user saw (nor the sign-in page) stays in a cache."""
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

        path = str(scope.get("path", ""))
        extra = self.docs_headers if path.startswith(DOCS) else self.headers
        cached = path.startswith(
            ("/static/", "/static-docs/", "/app/assets/")
        )  # code and styles, the same for all

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if cached or h[0].lower() != b"cache-control"
                ]
                message["headers"] = headers + extra + ([] if cached else [NO_STORE])
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: WebConfig) -> FastAPI:
    app = FastAPI(
        title="govmig 政务信息系统迁移编排",
        version=__version__,
        description="部门提交计划，运维执行批次，监管实时查看。Departments submit, ops operate, supervisors watch.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    ctx = Context(config)
    app.state.ctx = ctx
    app.state.portfolio = ctx.site.plans
    app.state.runs = ctx.site.waves
    app.state.health_cache = HealthCache()
    app.state.dashboard_cache = DashboardCache()
    app.state.throttle = ctx.site.accounts.throttle
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
        api_dept_plans.router,  # before api_plans: /api/plans/schema is not a department
        api_dept_systems.router,
        api_plans.router,
        api_ops_board.router,  # before api_ops: /api/waves/board is no wave
        api_ops.router,
        api_preflight.router,
        api_ops_tasks.router,
        api_approvals.router,
        api_notices.router,
        api_resources.router,
        api_systems.router,
        api_watch.router,
        api_sup_progress.router,  # before the reports' /{kind}.{fmt}: /api/reports/periods
        api_sup_reviews.router,
        api_reports.router(),
        api_admin.router,
        api_audit.router,
        api_audit.pages,
        discovery_page.api,
        discovery_page.pages,
        spa_pages.api,
        spa_pages.pages,
        pages.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/static-docs", StaticFiles(directory=DOCS_STATIC), name="static-docs")
    _docs(app)

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)

    @app.exception_handler(StoreFailure)
    async def store_failed(request: Request, exc: StoreFailure) -> Response:
        zh, en = describe_failure(exc, detail=False) or ("状态库出错", "the store failed")
        return answer(request, 503, {"zh": zh, "en": en}, None)

    return app


def _docs(app: FastAPI) -> None:
    """/docs (Swagger UI), /redoc and the OpenAPI document itself for signed-in users only (a stranger learns
    nothing of the API's shape), from the package's own copies: no outside URL, not even a font."""
    title = f"{app.title} API"
    schema_url = "/openapi.json"

    async def signed(request: Request) -> bool:
        return resolve(request, await BEARER(request)) is not None

    @app.get(schema_url, include_in_schema=False)
    async def schema(request: Request) -> Response:
        if not await signed(request):
            return answer(request, 401, {"zh": "请先登录", "en": "sign in first"}, None)
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> Response:
        if not await signed(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return get_swagger_ui_html(
            openapi_url=schema_url,
            title=title,
            swagger_js_url="/static-docs/swagger-ui-bundle.js",
            swagger_css_url="/static-docs/swagger-ui.css",
            swagger_favicon_url="/static-docs/favicon.png",
            oauth2_redirect_url=None,
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> Response:
        if not await signed(request):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return get_redoc_html(
            openapi_url=schema_url,
            title=title,
            redoc_js_url="/static-docs/redoc.standalone.js",
            redoc_favicon_url="/static-docs/favicon.png",
            with_google_fonts=False,
        )
