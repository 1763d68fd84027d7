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
(`X-Prometheus-Scrape-Timeout-Seconds`) and the client waits a little longer, once per system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _base(prober: str) -> str:
    prober = prober.rstrip("/")
    return prober if "://" in prober else f"http://{prober}"


def _last_error(text: str) -> str:
    errors = ERROR.findall(text)
    real = [(msg, err) for msg, err in errors if msg != "Probe failed"]
    if not real:
        return "probe failed"
    msg, err = real[-1]
    return f"{msg}: {err.replace(BACKSLASH_QUOTE, chr(34))}" if err else msg


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


def _ask(client: httpx.Client, prober: str, url: str, module: str) -> tuple[str | None, tuple[str, str]]:
    """(the prober's debug answer, or None, and why not in Chinese and English)."""
    try:
        answer = client.get(
            f"{_base(prober)}/probe",
            params={"target": url, "module": module, "debug": "true"},
            headers={"X-Prometheus-Scrape-Timeout-Seconds": f"{PROBE_SECONDS:g}"},
        )
    except httpx.TimeoutException:
        return None, ("无应答，已超时", "no answer in time")
    except httpx.InvalidURL:
        return None, ("地址无效", "not a valid address")
    except httpx.HTTPError:
        return None, ("连接不上", "cannot connect")
    if answer.status_code != 200:
        said = answer.text.strip()[:120]
        return None, (
            f"回答 HTTP {answer.status_code}：{said}",
            f"answered HTTP {answer.status_code}: {said}",
        )
    return answer.text, ("", "")


def check_health(root: Path, wave: str, prober: str | None = None) -> list[Finding]:
    """A finding for each system of the wave whose health URL the prober did not see healthy (see above)."""
    tree = layout.Tree(root)
    probes = _probes(root)
    findings: list[Finding] = []
    with httpx.Client(timeout=httpx.Timeout(PROBE_SECONDS + 4, connect=3.0)) as client:
        for key, hosts in systems_in(tree.inventory(wave)).items():
            if not hosts.health_url:
                continue
            rendered = probes.get(key, ProbeTarget(DEFAULT_MODULE, None))
            asked = prober or rendered.prober
            if asked is None:
                findings.append(
                    Finding(
                        key,
                        CHECK,
                        "warning",
                        f"没有为 {hosts.health_url} 渲染探测器：请用 --prober 给出 blackbox exporter 地址",
                        f"no prober is rendered for {hosts.health_url}: give the blackbox exporter with --prober",
                    )
                )
                continue
            text, (why_zh, why_en) = _ask(client, asked, hosts.health_url, rendered.module)
            if text is None:
                findings.append(
                    Finding(
                        key,
                        CHECK,
                        "warning",
                        f"无法询问探测器 {asked}（{why_zh}），未能检查 {hosts.health_url}：请用 --prober 给出控制节点"
                        "可达的 blackbox exporter 地址",
                        f"the prober {asked} could not be asked ({why_en}), so {hosts.health_url} was not checked: "
                        "give a blackbox exporter the control node reaches with --prober",
                    )
                )
                continue
            finding = _judged(key, hosts.health_url, asked, text)
            if finding is not None:
                findings.append(finding)
    return findings
