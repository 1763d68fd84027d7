"""Each system's health URL, asked of the prober that will watch it on the night (the blackbox exporter of its
rendered Probe, or the `--prober` ops give: the control node may reach the prober by another address than
Prometheus does), with the Probe's own module: `GET PROBER/probe?target=URL&module=M&debug=true`.

What an ops engineer expects days before the night: the target's service usually does not run yet (the deploy step
starts it in the window), so a health URL that answers nothing (connection refused) or answers with an error is a
warning that says so, not a reason to hold the wave. What deploying will not mend is critical: the prober cannot
resolve the URL's host name, or its connection to the host does not get through (timed out, no route: a firewall
between the monitoring and the target zone, a change request that takes days); a reply that is only slow is the
service's, a warning. A prober that cannot be asked at all is a warning naming it (the check could not run; give
`--prober`). Every request is bounded: the prober is told the time it has
(`X-Prometheus-Scrape-Timeout-Seconds`) and the client waits a little longer, once per system, for an answer of at
most MAX_ANSWER bytes; a prober that could not be asked is not asked again for the wave's other systems.

The health URL is plan text (`http://TARGET:PORT/PATH`, the path checked at intake): one the plan cannot make (not
http(s), no host, a space or control character, a user name or password, longer than MAX_URL) is a critical finding
and never sent to the prober. No finding says a password: a URL's user and password are shown as `‹…›`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from ..contracts import tree as layout
from ..execute import systems_in
from .findings import Finding

CHECK = "health_reachable"
DEFAULT_MODULE = "http_2xx"
PROBE_SECONDS = 8.0
"""How long the prober may take over one probe (its module's own timeout applies below this)."""

SUCCESS = re.compile(r"^probe_success 1\b", re.MULTILINE)
STATUS = re.compile(r"^probe_http_status_code (\d+)", re.MULTILINE)
ERROR = re.compile(r'level=error msg="([^"]*)"(?: [^\n]*?err="((?:[^"\\]|\\.)*)")?')
UNRESOLVED = re.compile(r"Error resolving address|no such host|server misbehaving", re.IGNORECASE)
UNREACHED = re.compile(
    r"dial tcp [^\n]*?(i/o timeout|deadline exceeded|no route to host|network is unreachable|host is unreachable)",
    re.IGNORECASE,
)
"""The prober's connection itself did not get through (a reply that is only slow is the service's: a warning)."""
BACKSLASH_QUOTE = '\\"'
REFUSED = re.compile(r"connection refused|connection reset", re.IGNORECASE)
MAX_URL = 4096
"""Longer than any health URL the render makes (a host, a port and a path of at most 2048)."""
MAX_ANSWER = 1 << 20
"""A blackbox exporter's debug answer is a few kilobytes."""
MAX_SHOWN = 200
UNSEEN = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")
USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class ProbeTarget:
    module: str
    prober: str | None


def _probes(root: Path) -> dict[str, ProbeTarget]:
    """System key → the module and prober of its rendered Probe (unreadable Probes are passed over: the tree's
    own check names changed files)."""
    found: dict[str, ProbeTarget] = {}
    for path in sorted(root.glob(layout.PROBES)):
        try:
            doc: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
            spec = doc["spec"]
            labels = spec["targets"]["staticConfig"]["labels"]
            key = f"{labels['department']}/{labels['system']}"
        except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError):
            continue
        prober = (spec.get("prober") or {}).get("url")
        found[key] = ProbeTarget(str(spec.get("module") or DEFAULT_MODULE), str(prober) if prober else None)
    return found


def shown(url: str) -> str:
    """An address as a finding says it: on one line, its user and password hidden, cut at MAX_SHOWN."""
    said = USERINFO.sub(r"\1‹…›@", url)
    said = UNSEEN.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() != " " else "%20", said)
    return said if len(said) <= MAX_SHOWN else said[:MAX_SHOWN] + "…"


def _line(words: str) -> str:
    """The prober's words as a finding says them: on one line, any URL's user and password hidden, cut."""
    said = CONTROL.sub(" ", USERINFO.sub(r"\1‹…›@", words))
    return said if len(said) <= 2 * MAX_SHOWN else said[: 2 * MAX_SHOWN] + "…"


def _not_a_health_url(url: str) -> tuple[str, str] | None:
    """Why `url` is not one the plan makes (never sent to the prober), or None."""
    if len(url) > MAX_URL:
        return f"长度 {len(url)} 超过 {MAX_URL}", f"{len(url)} characters, over {MAX_URL}"
    if UNSEEN.search(url):
        return "含空格或控制字符", "it holds a space or a control character"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "无法解析", "it cannot be parsed"
    if parts.scheme not in ("http", "https") or not host:
        return "不是带主机名的 http(s) 地址", "not an http(s) address with a host"
    if "@" in parts.netloc:
        return "含用户名或密码", "it holds a user name or password"
    return None


def _base(prober: str) -> str:
    prober = prober.rstrip("/")
    return prober if "://" in prober else f"http://{prober}"


def _last_error(text: str) -> str:
    errors = ERROR.findall(text)
    real = [(msg, err) for msg, err in errors if msg != "Probe failed"]
    if not real:
        return "probe failed"
    msg, err = real[-1]
    return _line(f"{msg}: {err.replace(BACKSLASH_QUOTE, chr(34))}" if err else msg)


def _judged(key: str, url: str, prober: str, text: str) -> Finding | None:
    if SUCCESS.search(text):
        return None
    why = _last_error(text)
    if UNRESOLVED.search(text):
        return Finding(
            key,
            CHECK,
            "critical",
            f"探测器 {prober} 无法解析健康检查地址 {url} 的主机名（{why}）：请在当晚之前登记其域名",
            f"the prober {prober} cannot resolve the host of the health URL {url} ({why}): have its name "
            "registered before the night",
        )
    if UNREACHED.search(text):
        return Finding(
            key,
            CHECK,
            "critical",
            f"探测器 {prober} 连不到健康检查地址 {url}（{why}）：请开通监控区到目标的网络访问（防火墙策略）",
            f"the prober {prober} cannot reach the health URL {url} ({why}): open the way from the monitoring to "
            "the target (firewall rules)",
        )
    status = STATUS.search(text)
    code = int(status.group(1)) if status else 0
    if code:
        return Finding(
            key,
            CHECK,
            "warning",
            f"健康检查地址 {url} 可达，但回答 HTTP {code}：目标服务尚未部署时属正常，部署后应回答成功",
            f"the health URL {url} is reached but answers HTTP {code}: expected while the target is not deployed, "
            "it must answer success once deployed",
        )
    if REFUSED.search(text):
        return Finding(
            key,
            CHECK,
            "warning",
            f"健康检查地址 {url} 所在主机可达，但无服务监听：目标服务在当晚部署步骤启动前属正常",
            f"the host of the health URL {url} is reached but nothing listens: expected until the night's deploy "
            "step starts the target's service",
        )
    return Finding(
        key,
        CHECK,
        "warning",
        f"探测器 {prober} 探测健康检查地址 {url} 未成功（{why}）",
        f"the prober {prober} did not succeed on the health URL {url} ({why})",
    )


class _Unanswered(Exception):
    """The prober did not answer usably (in time, within MAX_ANSWER, or at all)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _read(answer: httpx.Response, deadline: float) -> str:
    """The answer's text, at most MAX_ANSWER bytes, by `deadline` (a prober dripping its answer is given up on)."""
    body = bytearray()
    for chunk in answer.iter_raw():
        body += chunk
        if len(body) > MAX_ANSWER:
            raise _Unanswered(f"回答超过 {MAX_ANSWER} 字节", f"an answer over {MAX_ANSWER} bytes")
        if time.monotonic() > deadline:
            raise _Unanswered("无应答，已超时", "no answer in time")
    return body.decode("utf-8", "replace")


def _ask(client: httpx.Client, prober: str, url: str, module: str) -> tuple[str | None, tuple[str, str]]:
    """(the prober's debug answer, or None, and why not in Chinese and English)."""
    deadline = time.monotonic() + PROBE_SECONDS + 4
    try:
        with client.stream(
            "GET",
            f"{_base(prober)}/probe",
            params={"target": url, "module": module, "debug": "true"},
            headers={"X-Prometheus-Scrape-Timeout-Seconds": f"{PROBE_SECONDS:g}"},
        ) as answer:
            text = _read(answer, deadline)
    except _Unanswered as unanswered:
        return None, (unanswered.zh, unanswered.en)
    except httpx.TimeoutException:
        return None, ("无应答，已超时", "no answer in time")
    except httpx.InvalidURL:
        return None, ("地址无效", "not a valid address")
    except httpx.HTTPError:
        return None, ("连接不上", "cannot connect")
    if answer.status_code != 200:
        said = _line(text.strip()[:120])
        return None, (
            f"回答 HTTP {answer.status_code}：{said}",
            f"answered HTTP {answer.status_code}: {said}",
        )
    return text, ("", "")


def _unchecked(key: str, url: str, prober: str, why_zh: str, why_en: str) -> Finding:
    return Finding(
        key,
        CHECK,
        "warning",
        f"无法询问探测器 {shown(prober)}（{why_zh}），未能检查 {shown(url)}：请用 --prober 给出控制节点"
        "可达的 blackbox exporter 地址",
        f"the prober {shown(prober)} could not be asked ({why_en}), so {shown(url)} was not checked: "
        "give a blackbox exporter the control node reaches with --prober",
    )


def check_health(root: Path, wave: str, prober: str | None = None) -> list[Finding]:
    """A finding for each system of the wave whose health URL the prober did not see healthy (see above)."""
    tree = layout.Tree(root)
    probes = _probes(root)
    findings: list[Finding] = []
    unanswered: dict[str, tuple[str, str]] = {}
    """Probers that could not be asked (no answer in time, none usable, no connection): not asked again."""
    with httpx.Client(timeout=httpx.Timeout(PROBE_SECONDS + 4, connect=3.0)) as client:
        for key, hosts in systems_in(tree.inventory(wave)).items():
            url = hosts.health_url
            if not url:
                continue
            if not isinstance(url, str) or (wrong := _not_a_health_url(url)) is not None:
                zh, en = wrong or ("不是文本", "not text")
                findings.append(
                    Finding(
                        key,
                        CHECK,
                        "critical",
                        f"健康检查地址 {shown(str(url))} 不是计划能生成的地址（{zh}），未交探测器：请重新渲染",
                        f"the health URL {shown(str(url))} is not one the plan makes ({en}); not given to the "
                        "prober: render the wave again",
                    )
                )
                continue
            rendered = probes.get(key, ProbeTarget(DEFAULT_MODULE, None))
            asked = prober or rendered.prober
            if asked is None:
                findings.append(
                    Finding(
                        key,
                        CHECK,
                        "warning",
                        f"没有为 {shown(url)} 渲染探测器：请用 --prober 给出 blackbox exporter 地址",
                        f"no prober is rendered for {shown(url)}: give the blackbox exporter with --prober",
                    )
                )
                continue
            if asked in unanswered:
                findings.append(_unchecked(key, url, asked, *unanswered[asked]))
                continue
            text, (why_zh, why_en) = _ask(client, asked, url, rendered.module)
            if text is None:
                if not why_en.startswith("answered HTTP"):
                    unanswered[asked] = (why_zh, why_en)
                findings.append(_unchecked(key, url, asked, why_zh, why_en))
                continue
            finding = _judged(key, shown(url), shown(asked), text)
            if finding is not None:
                findings.append(finding)
    return findings
