"""`govmig serve` and `govmig department`: the web service and the departments it knows (the people who use it:
account_cmds.py)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from ..app import (
    DEPT_CODE,
    AccountBook,
    GatePolicy,
    PolicySettings,
    Prices,
    RenderSettings,
    SlaTerms,
    Store,
    WaveExecutor,
    WaveSettings,
    build_executor,
    read_plans,
    seed_versions,
)
from .options import DB, TREE, gate_options, model_or_exit, site
from .output import FORMAT, console, emit_json, fail, problems_table


def _secret(path: Path) -> str:
    """The session-signing key: kept in a file only its owner reads, made on first start. Every replica uses the
    same file (a cookie one signs, the others accept); two starting at once make it once: the key is written
    aside and linked into place, which fails for the second, who then reads the first's."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text(encoding="utf-8").strip()


def secure_by_default(host: str) -> bool:
    """Session cookies are Secure unless the service listens on loopback only (a developer's machine): anywhere
    else it sits behind TLS, and a cookie sent in clear would be a session handed to whoever listens."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def seed(accounts: AccountBook, paths: tuple[Path, ...], actor: str) -> int:
    """Loads plan files as the first versions of departments that have none yet, approved (audited) as the
    portfolio filed and reviewed before the service: the versions departments submit later wait for review."""
    intake = read_plans(paths)
    if intake.errors:
        console(stderr=True).print(problems_table(intake.errors, "种子计划有误 The seed plans have errors"))
        raise SystemExit(2)
    return seed_versions(accounts, intake.plans, actor)


def _time_zone(_: click.Context, __: click.Parameter, value: str) -> str:
    """An IANA zone this machine knows (the tzdata package ships them all), or a usage error (exit 2)."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise click.BadParameter(
            f"未知时区 {value!r}（例如 Asia/Shanghai）unknown time zone {value!r} (e.g. Asia/Shanghai)"
        ) from exc
    return value


@click.command("serve")
@DB
@TREE
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 Listen address")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--plans",
    "seed_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="首次载入的计划 Plans to load for departments that have none yet",
)
@click.option(
    "--policy", type=click.Path(path_type=Path, dir_okay=False), help="政策参数 Policy settings (YAML)"
)
@click.option(
    "--schedule", type=click.Path(path_type=Path, dir_okay=False), help="批次参数 Wave settings (YAML)"
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="评估日期 Assessment date (default today)",
)
@click.option(
    "--secret-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".govmig-secret"),
    show_default=True,
    help="会话签名密钥文件 Session key file (made on first start, mode 0600)",
)
@click.option(
    "--settings",
    "render_settings",
    type=click.Path(path_type=Path, dir_okay=False),
    help="生成参数 Render settings (YAML), as for govmig render",
)
@gate_options
@click.option(
    "--time-zone",
    default="Asia/Shanghai",
    show_default=True,
    callback=_time_zone,
    help="页面显示时间所用时区 The time zone of the times the pages show (IANA name)",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    help="可信反向代理地址：只采信它们转发的 X-Forwarded-For（登录限制按真实来源计）Address of a reverse proxy "
    "whose X-Forwarded-For is believed (sign-in throttling then counts the real source); repeatable",
)
@click.option(
    "--secure-cookies/--insecure-cookies",
    default=None,
    help="会话 Cookie 仅经 HTTPS 发送（默认：非本机回环地址时开启）Session cookie over HTTPS only "
    "(default: on unless listening on loopback)",
)
@click.option(
    "--prices",
    "prices_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="价格表（资源监管页的费用）The price list for the resources page's fees (prices.yaml)",
)
@click.option(
    "--terms",
    "terms_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="云服务商服务等级条款（资源监管页）The vendor's SLA terms for the resources page (sla.yaml)",
)
def serve_command(
    db: str | None,
    tree: Path,
    host: str,
    port: int,
    seed_paths: tuple[Path, ...],
    policy: Path | None,
    schedule: Path | None,
    as_of: object,
    secret_file: Path,
    render_settings: Path | None,
    gates: GatePolicy,
    time_zone: str,
    trusted_proxies: tuple[str, ...],
    secure_cookies: bool | None,
    prices_path: Path | None,
    terms_path: Path | None,
) -> None:
    """启动网页服务 Start the web service (departments, ops, supervisors)."""
    import uvicorn

    here = site(db)
    accounts = here.accounts.book
    if seed_paths:
        console().print(f"载入计划 loaded plans: {seed(accounts, seed_paths, 'govmig-serve')}")
    day = as_of.date() if isinstance(as_of, datetime) else None

    def executor(store: Store, path: Path, actor: str) -> WaveExecutor:
        """The same gates as `govmig run` with the same options: health URL, monitor, cluster or GitOps."""
        return build_executor(store, path, actor, gates)

    from ..web import WebConfig, create_app  # FastAPI and the routes, loaded by this command alone

    config = WebConfig(
        engine=here.engine,
        tree=tree.resolve(),
        secret=_secret(secret_file),
        executor=executor,
        policy=model_or_exit(policy, PolicySettings, "政策参数有误 Policy settings are invalid"),
        schedule=model_or_exit(schedule, WaveSettings, "批次参数有误 Wave settings are invalid"),
        render=model_or_exit(render_settings, RenderSettings, "生成参数有误 Render settings are invalid"),
        today=(lambda: day) if day else date.today,
        secure_cookies=secure_by_default(host) if secure_cookies is None else secure_cookies,
        observation_days=gates.observation_days,
        gates=gates,
        time_zone=time_zone,
        prometheus=gates.prometheus,
        prices=model_or_exit(prices_path, Prices, "价格表有误 The price list is invalid")
        if prices_path
        else None,
        sla_terms=(
            model_or_exit(terms_path, SlaTerms, "服务等级条款有误 The SLA terms are invalid")
            if terms_path
            else None
        ),
    )
    console().print(f"govmig 网页服务 web service: http://{host}:{port}/  (API: http://{host}:{port}/docs)")

    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        proxy_headers=bool(trusted_proxies),  # without a trusted proxy no forwarded header is believed
        forwarded_allow_ips=",".join(trusted_proxies) or None,
    )


@click.group("department")
def department_group() -> None:
    """部门：只有在此创建（或随其用户创建）的部门才能提交计划 Departments: only those created can submit."""


@department_group.command("add")
@click.argument("code")
@click.option("--name", default=None, help="部门名称 Department name")
@DB
@FORMAT
def department_add(code: str, name: str | None, db: str | None, fmt: str) -> None:
    """新增部门 Add a department."""
    if not DEPT_CODE.match(code) or len(code) > 64:
        fail(f"「{code}」不是合法的部门编码：只能用字母、数字和“-”", f"'{code}' is not a department code")
    created = site(db).accounts.book.add_department(code, name, "govmig-cli")
    if fmt == "json":
        emit_json({"code": code, "name": name, "created": created})
    else:
        console().print(f"{'已新增部门 added' if created else '部门已存在 exists already'} {code}")


@department_group.command("list")
@DB
@FORMAT
def department_list(db: str | None, fmt: str) -> None:
    """列出部门 List departments."""
    codes = site(db).accounts.book.departments()
    if fmt == "json":
        emit_json(codes)
    else:
        for code in codes:
            console().print(code)
