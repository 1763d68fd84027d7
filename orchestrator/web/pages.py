"""The server's own pages: signing in, changing one's password (and the audit log's, in api_audit), server-rendered
Jinja2, Chinese first with English beside (or English alone after the switch), no JavaScript. Everything else is
the console (/app/, spa_pages); the old business pages' addresses lead there, behind the same permission checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ..app import ADMINISTRATORS, ROLE_ZH, SignInThrottle
from .deps import BEARER, check_csrf, context, csrf_token, resolve, said, signed_in, visible
from .security import Principal
from .sign_in import attempt, change_password, restart, source_of

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def _lang(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


def page(
    request: Request, name: str, principal: Principal | None, status: int = 200, **values: Any
) -> HTMLResponse:
    lang = _lang(request)

    def t(zh: str, en: str) -> Markup:
        if lang == "en":
            return escape(en)
        return Markup('{} <span class="en">{}</span>').format(zh, en)

    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"me": principal, "t": t, "lang": lang, "csrf": csrf_token(request), "role_zh": ROLE_ZH, **values},
        status_code=status,
    )


async def _principal(request: Request) -> Principal | None:
    return resolve(request, await BEARER(request))


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _viewer(request: Request, watchers_only: bool) -> Principal | RedirectResponse:
    """The signed-in principal, a redirect to sign in, or 403 for a department on ops' and supervisors' pages."""
    principal = await _principal(request)
    if principal is None:
        return _login(request)
    if (watchers_only and principal.role == "department") or principal.role in ADMINISTRATORS:
        raise said(403, "无权查看", "not allowed for your role")
    if request.session.get("expired"):
        return RedirectResponse("/account?expired=1", status_code=303)
    return principal


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", None, next=_same_site(next))


def _same_site(target: str) -> str:
    """Where a redirect may go: a path of this site, never another host (`//host`, `/\\host`, a scheme)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


@router.post("/login", response_model=None)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=256)],
    password: Annotated[str, Form(max_length=1024)],
    otp: Annotated[str, Form(max_length=16)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
    csrf: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    check_csrf(request, csrf)  # a sign-in form posted from another site is refused
    ctx = context(request)
    throttle: SignInThrottle = request.app.state.throttle
    tried = attempt(ctx, throttle, username, password, otp, source_of(request))
    if tried.outcome != "ok":
        status = 401 if tried.outcome == "wrong" else 429
        refused = page(
            request, "login.html", None, status=status, next="/", error=tried.outcome, minutes=tried.minutes
        )
        if status == 429:  # when to try again, for a script as for the page (RFC 9110 10.2.3)
            refused.headers["Retry-After"] = str(max(1, int(tried.minutes * 60)))
        return refused
    token, _ = ctx.sessions.start(tried.user)
    request.session.clear()
    request.session["sid"] = token
    if tried.expired:
        request.session["expired"] = True
    request.scope.pop("govmig_signed", None)
    return RedirectResponse("/account?expired=1" if tried.expired else _same_site(next), status_code=303)


@router.get("/account", response_model=None)
async def account_page(request: Request, expired: bool = False) -> Response:
    """Changing one's own password: any signed-in user, administrators too."""
    principal = await _principal(request)
    if principal is None:
        return _login(request)
    return page(request, "account.html", principal, expired=expired or bool(request.session.get("expired")))


@router.post("/account", response_model=None)
async def account_change(
    request: Request,
    current: Annotated[str, Form(max_length=1024)] = "",
    new: Annotated[str, Form(max_length=1024)] = "",
    confirm: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    principal = await _principal(request)
    if principal is None or signed_in(request) is None:
        return _login(request)
    check_csrf(request, csrf)
    if new != confirm:
        differ = ("两次输入的新密码不一致", "the two new passwords differ")
        return page(request, "account.html", principal, status=422, problem=differ)
    ctx = context(request)
    status, problem = change_password(
        ctx, request.app.state.throttle, principal.username, current, new, source_of(request)
    )
    if problem is not None:
        return page(request, "account.html", principal, status=status, problem=problem)
    restart(request)
    return page(request, "account.html", principal, done=True)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=256)] = "") -> RedirectResponse:
    """Ends the session on the server: the cookie, even a copy of it, is worth nothing afterwards."""
    signed = signed_in(request)
    if signed is not None:
        check_csrf(request, csrf or request.headers.get("x-csrf-token", ""))
        context(request).sessions.end(str(request.session.get("sid")))
        context(request).store.audit(signed.user.username, "logout", "web", "ok")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def language(request: Request, code: str) -> RedirectResponse:
    """Back to the page the switch was on, if that page is on this site; else home."""
    back = "/"
    referer = urlsplit(request.headers.get("referer") or "")
    if referer.netloc == request.url.netloc and referer.scheme in ("http", "https"):
        back = _same_site(referer.path + (f"?{referer.query}" if referer.query else ""))
    response = RedirectResponse(back, status_code=303)
    response.set_cookie("lang", "en" if code == "en" else "zh", samesite="lax", max_age=365 * 86400)
    return response


@router.get("/", response_model=None)
async def home(request: Request) -> Response:
    principal = await _principal(request)
    if principal is None:
        return _login(request)
    if principal.role == "auditor":
        return RedirectResponse("/audit", status_code=303)
    if principal.role in ADMINISTRATORS:
        return RedirectResponse("/account", status_code=303)
    return RedirectResponse("/app/", status_code=303)  # the console picks the role's first page


# The business pages are the console's now (/app/...). Their old addresses, in mail, notes and bookmarks, lead to
# the console's page for whoever may see it: the same checks as before, so a stranger still goes to sign in and a
# department asking for another's plan still gets 404.


def _to(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


@router.get("/plans/{department}", response_model=None)
async def plans_page(request: Request, department: str) -> Response:
    principal = await _viewer(request, watchers_only=False)
    if isinstance(principal, RedirectResponse):
        return principal
    visible(principal, department)
    if principal.role == "department":
        return _to("/app/dept/plan")
    return _to(f"/app/dept/systems?{urlencode({'department': department})}")


@router.get("/portfolio", response_model=None)
async def portfolio_page(request: Request) -> Response:
    principal = await _viewer(request, watchers_only=True)
    if isinstance(principal, RedirectResponse):
        return principal
    return _to("/app/ops/waves" if principal.role == "ops" else "/app/progress")


@router.get("/waves/{wave}", response_model=None)
async def wave_page(request: Request, wave: str) -> Response:
    principal = await _viewer(request, watchers_only=True)
    if isinstance(principal, RedirectResponse):
        return principal
    return _to(f"/app/ops/waves/{quote(wave, safe='')}")


@router.get("/dashboard", response_model=None)
async def dashboard_page(request: Request) -> Response:
    principal = await _viewer(request, watchers_only=True)
    if isinstance(principal, RedirectResponse):
        return principal
    return _to("/app/dashboard")


@router.get("/reports", response_model=None)
async def reports_page(request: Request) -> Response:
    principal = await _viewer(request, watchers_only=True)
    if isinstance(principal, RedirectResponse):
        return principal
    return _to("/app/reports")


@router.get("/money", response_model=None)
async def money_page(request: Request, month: str | None = None) -> Response:
    principal = await _viewer(request, watchers_only=False)
    if isinstance(principal, RedirectResponse):
        return principal
    return _to("/app/money" + (f"?{urlencode({'month': month})}" if month else ""))
