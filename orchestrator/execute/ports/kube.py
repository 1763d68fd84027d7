"""Applying a system's manifests with the official Kubernetes client: server-side apply, field manager `govmig`.

Order of work: a `dryRun=All` pass over every object first (nothing is applied unless the server accepts all of
it), the live objects are read as the previous revision, then each object is applied for real, and every
Deployment, StatefulSet and VirtualMachine is watched until kubectl's rollout-status rules say it is done. A failed
rollout re-applies the previous revision. Conflicts (409), throttling (429), server errors (5xx) and dropped
connections are retried with exponential backoff, a bounded number of times.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubernetes import client as k8s

from .applier import ApplyResult, Obj
from .kinds import kind_of
from .rollout import WATCHED, RolloutFailed

RETRIED = {409, 429, 500, 502, 503, 504}
APPLY = "application/apply-patch+yaml"


class ApplyError(Exception):
    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def _ident(obj: Obj) -> str:
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace")
    return f"{obj.get('kind')}/{ns + '/' if ns else ''}{meta.get('name')}"


def _clean(live: Obj) -> Obj:
    """A live object as an apply body: without status and the fields the server owns."""
    meta = {
        k: v
        for k, v in (live.get("metadata") or {}).items()
        if k not in ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink")
    }
    return {k: v for k, v in live.items() if k != "status"} | {"metadata": meta}


class KubeApplier:
    def __init__(
        self,
        api: k8s.ApiClient,
        field_manager: str = "govmig",
        retries: int = 5,
        backoff: float = 0.5,
        rollout_timeout: float = 600,
        force_conflicts: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api, self.manager, self.retries, self.backoff = api, field_manager, retries, backoff
        self.rollout_timeout, self.force = rollout_timeout, force_conflicts
        self.sleep, self.clock = sleep, clock

    # the HTTP layer ----------------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: Obj | None = None,
        content_type: str | None = None,
        stream: bool = False,
    ) -> Any:
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        attempt = 0
        while True:
            attempt += 1
            try:
                _, url, hdrs, data, _ = self.api.param_serialize(
                    method=method,
                    resource_path=path,
                    query_params=query or [],
                    header_params=headers,
                    body=json.dumps(body) if body is not None else None,
                    auth_settings=["BearerToken"],
                )
                response = self.api.call_api(
                    method, url, header_params=hdrs, body=data, _request_timeout=None if stream else 30
                )
                status = response.status
            except Exception as exc:  # urllib3 errors: connection refused, reset, timeout
                status, response = 0, None
                error = f"{type(exc).__name__}: {exc}"
            if status and 200 <= status < 300:
                assert response is not None
                return response if stream else json.loads(response.read() or b"{}")  # type: ignore[no-untyped-call]
            if status == 404:
                return None
            if response is not None:
                text = (response.read() or b"")[:300]  # type: ignore[no-untyped-call]
                error = f"HTTP {status}: {text.decode(errors='replace')}"
            if (status in RETRIED or status == 0) and attempt <= self.retries:
                self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            raise ApplyError(f"{method} {path}: {error}", status)

    def apply_one(self, obj: Obj, dry_run: bool = False) -> Obj:
        kind = kind_of(obj)
        meta = obj.get("metadata") or {}
        query = [("fieldManager", self.manager)]
        if dry_run:
            query.append(("dryRun", "All"))
        if self.force:
            query.append(("force", "true"))
        result = self._call("PATCH", kind.path(meta["name"], meta.get("namespace")), query, obj, APPLY)
        return result if isinstance(result, dict) else {}

    def get(self, obj: Obj) -> Obj | None:
        kind = kind_of(obj)
        meta = obj.get("metadata") or {}
        result = self._call("GET", kind.path(meta["name"], meta.get("namespace")))
        return result if isinstance(result, dict) else None

    # rollout ------------------------------------------------------------------------------------------------
    def wait(self, obj: Obj, deadline: float) -> str:
        rule = WATCHED[str(obj["kind"])]
        kind, meta = kind_of(obj), obj["metadata"]
        watches = 0
        while self.clock() < deadline and watches < 100:
            watches += 1
            current = self.get(obj)
            if current is not None:
                done, why = rule(current)
                if done:
                    return why
            remaining = max(1, int(deadline - self.clock()))
            query = [
                ("watch", "true"),
                ("fieldSelector", f"metadata.name={meta['name']}"),
                ("timeoutSeconds", str(min(remaining, 60))),
            ]
            if current is not None:
                query.append(
                    ("resourceVersion", str((current.get("metadata") or {}).get("resourceVersion", "")))
                )
            response = self._call("GET", kind.collection(meta.get("namespace")), query, stream=True)
            for event in _events(response):
                done, why = rule(event.get("object") or {})
                if done:
                    return why
                if self.clock() >= deadline:
                    break
        raise RolloutFailed(f"{_ident(obj)} not ready within {self.rollout_timeout:.0f}s")

    # the whole system ---------------------------------------------------------------------------------------
    def apply(self, objects: Sequence[Obj], log: Callable[[str], None] = lambda _: None) -> ApplyResult:
        ordered = sorted(objects, key=lambda o: (o.get("kind") != "Namespace", _ident(o)))
        result = ApplyResult(ok=False)
        try:
            for obj in ordered:
                self.apply_one(obj, dry_run=True)
            log(f"dry run accepted: {len(ordered)} objects")
            previous = {_ident(o): self.get(o) for o in ordered}
            for obj in ordered:
                self.apply_one(obj)
                result.applied.append(_ident(obj))
            deadline = self.clock() + self.rollout_timeout
            for obj in ordered:
                if obj.get("kind") in WATCHED:
                    log(f"{_ident(obj)}: {self.wait(obj, deadline)}")
        except (ApplyError, RolloutFailed) as exc:
            result.error = str(exc)
            if result.applied:
                result.restored = self._restore(ordered, locals().get("previous") or {}, result.applied, log)
            return result
        result.ok = True
        return result

    def remove(self, objects: Sequence[Obj], log: Callable[[str], None] = lambda _: None) -> ApplyResult:
        """Deletes the objects (one already gone counts as removed): the way to the source, closed at cutover."""
        result = ApplyResult(ok=False)
        try:
            for obj in objects:
                kind, meta = kind_of(obj), obj.get("metadata") or {}
                self._call("DELETE", kind.path(meta["name"], meta.get("namespace")))
                result.applied.append(_ident(obj))
                log(f"{_ident(obj)}: removed")
        except ApplyError as exc:
            result.error = str(exc)
            return result
        result.ok = True
        return result

    def _restore(
        self,
        ordered: Sequence[Obj],
        previous: dict[str, Obj | None],
        applied: list[str],
        log: Callable[[str], None],
    ) -> list[str]:
        restored = []
        for obj in ordered:
            ident = _ident(obj)
            before = previous.get(ident)
            if ident in applied and before is not None:
                try:
                    self.apply_one(_clean(before))
                    restored.append(ident)
                    log(f"{ident}: previous revision re-applied")
                except ApplyError as exc:
                    log(f"{ident}: could not re-apply the previous revision: {exc}")
        return restored


def _events(response: Any) -> Any:
    buffer = b""
    raw = response.response
    for chunk in raw.stream(4096, decode_content=True):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                yield json.loads(line)
    raw.release_conn()


def api_client(kubeconfig: str | None = None, context: str | None = None) -> k8s.ApiClient | None:
    """The client of the configured cluster (kubeconfig or in-cluster), or None when there is none."""
    from kubernetes import client as k8s
    from kubernetes import config

    try:
        if kubeconfig is None:
            try:
                config.load_incluster_config()  # type: ignore[no-untyped-call]
                return k8s.ApiClient()
            except config.ConfigException:
                pass
        configuration = k8s.Configuration()
        config.load_kube_config(  # type: ignore[no-untyped-call]
            config_file=kubeconfig, context=context, client_configuration=configuration
        )
        return k8s.ApiClient(configuration)
    except (config.ConfigException, FileNotFoundError, TypeError):
        return None
