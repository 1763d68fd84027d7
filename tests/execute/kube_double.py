"""An HTTP-level double of the Kubernetes API, for the apply path (kmock has no server-side apply or dry-run).

It does what the applier relies on: apply-patch creates or updates (and checks the content type and the field
manager), dryRun=All changes nothing, managedFields record the manager, a field owned by another manager is a 409
unless forced, faults can be queued per request, and a "controller" marks Deployments, StatefulSets and VMs ready
shortly after each change (or never, for names listed as broken), which watchers see as MODIFIED events. The
operators' kinds progress too: a Job completes, a CloudNativePG Cluster becomes healthy (a replica, or promoted),
a Forklift Migration runs its warm precopies until its cutover time and then succeeds, the MySQL and MariaDB
operators' clusters come online; a broken Job or Migration fails.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

OPERATED = ("Job", "Cluster", "Migration", "InnoDBCluster", "MariaDB", "Backup")


class KubeDouble:
    def __init__(self, ready_after: float = 0.2) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.faults: list[tuple[str, str, int]] = []  # method, path fragment, status: consumed once each
        self.broken: set[str] = set()
        self.promoted: list[str] = []  # CloudNativePG clusters that became primaries, in order
        self.cut_over: list[str] = []  # Forklift migrations that cut over
        self.ready_after = ready_after
        self.version = 0
        self.changed = threading.Condition()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> KubeDouble:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self.changed:
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    def seed(self, path: str, obj: dict[str, Any], manager: str = "kubectl") -> None:
        """A live object made by someone else, before the test applies anything."""
        with self.changed:
            self._store(path, copy.deepcopy(obj), manager, generation_bump=True)

    # -- the controller --------------------------------------------------------------------------------
    def _store(self, path: str, obj: dict[str, Any], manager: str, generation_bump: bool) -> None:
        self.version += 1
        meta = obj.setdefault("metadata", {})
        meta["resourceVersion"] = str(self.version)
        meta["generation"] = meta.get("generation", 0) + (1 if generation_bump else 0)
        meta["managedFields"] = [{"manager": manager, "operation": "Apply"}]
        self.objects[path] = obj
        self.changed.notify_all()
        if (
            obj.get("kind") in ("Deployment", "StatefulSet", "VirtualMachine")
            and meta["name"] not in self.broken
        ):
            threading.Timer(self.ready_after, self._make_ready, args=(path, meta["generation"])).start()
        elif obj.get("kind") in OPERATED:
            threading.Timer(self.ready_after, self._operate, args=(path, meta["generation"])).start()

    def _operate(self, path: str, generation: int) -> None:
        """The operators' controllers: the status each kind reaches after a change, as their documentation
        shows it (a broken name fails instead: a Job at once, a Forklift Migration at its cutover)."""
        with self.changed:
            obj = self.objects.get(path)
            if obj is None or obj["metadata"]["generation"] != generation:
                return
            spec, name = obj.get("spec") or {}, obj["metadata"]["name"]
            broken = name in self.broken

            def condition(kind: str, status: str = "True", message: str = "") -> dict[str, Any]:
                return {"type": kind, "status": status, "observedGeneration": generation, "message": message}

            kind = obj["kind"]
            if kind == "Job":
                obj["status"] = (
                    {"failed": 7, "conditions": [condition("Failed", message="BackoffLimitExceeded")]}
                    if broken
                    else {"succeeded": 1, "conditions": [condition("Complete")]}
                )
            elif kind == "Cluster":
                n = spec.get("instances", 1)
                replica = (spec.get("replica") or {}).get("enabled", False)
                obj["status"] = {
                    "phase": "Cluster in healthy state",
                    "instances": n,
                    "readyInstances": n,
                    "currentPrimary": f"{name}-1",
                    "targetPrimary": f"{name}-1",
                    "conditions": [condition("Ready")],
                    **({"replicaCluster": True} if replica else {}),
                }
                self.promoted.extend([] if replica else [name])
            elif kind == "Migration":
                cutover = spec.get("cutover")
                due = cutover is not None and datetime.fromisoformat(
                    cutover.replace("Z", "+00:00")
                ) <= datetime.now(UTC)
                if broken and due:  # the warm copies ran; the cutover's last transfer fails
                    obj["status"] = {
                        "conditions": [condition("Failed", message="DiskTransfer failed: VDDK timeout")]
                    }
                elif due:
                    obj["status"] = {"conditions": [condition("Succeeded")], "vms": [{"phase": "Completed"}]}
                    self.cut_over.append(name)
                else:
                    precopy = {"start": "2026-12-01T00:00:00Z", "end": "2026-12-01T00:05:00Z"}
                    obj["status"] = {
                        "conditions": [condition("Running")],
                        "vms": [{"warm": {"precopies": [precopy]}}],
                    }
            elif kind == "InnoDBCluster":
                obj["status"] = {"cluster": {"status": "ONLINE", "onlineInstances": spec.get("instances", 3)}}
            else:  # mariadb-operator
                obj["status"] = {"conditions": [condition("Complete" if kind == "Backup" else "Ready")]}
            self.version += 1
            obj["metadata"]["resourceVersion"] = str(self.version)
            self.changed.notify_all()

    def _make_ready(self, path: str, generation: int) -> None:
        with self.changed:
            obj = self.objects.get(path)
            if obj is None or obj["metadata"]["generation"] != generation:
                return
            replicas = (obj.get("spec") or {}).get("replicas", 1)
            if obj["kind"] == "VirtualMachine":
                obj["status"] = {"ready": True, "printableStatus": "Running"}
            else:
                obj["status"] = {
                    "observedGeneration": generation,
                    "replicas": replicas,
                    "updatedReplicas": replicas,
                    "readyReplicas": replicas,
                    "availableReplicas": replicas,
                    "currentRevision": "r",
                    "updateRevision": "r",
                }
            self.version += 1
            obj["metadata"]["resourceVersion"] = str(self.version)
            self.changed.notify_all()

    # -- HTTP ----------------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _reply(self, code: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _status(self, code: int, reason: str, message: str) -> None:
                self._reply(
                    code,
                    {
                        "kind": "Status",
                        "apiVersion": "v1",
                        "status": "Failure",
                        "reason": reason,
                        "message": message,
                        "code": code,
                    },
                )

            def _fault(self, method: str, path: str) -> bool:
                for n, (m, fragment, code) in enumerate(double.faults):
                    if m == method and fragment in path:
                        del double.faults[n]
                        self._status(code, "Injected", f"injected {code}")
                        return True
                return False

            def _record(self, method: str) -> tuple[str, dict[str, list[str]], bytes]:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = parse_qs(url.query)
                double.requests.append(
                    {
                        "method": method,
                        "path": url.path,
                        "query": query,
                        "content_type": self.headers.get("Content-Type"),
                        "at": time.monotonic(),
                    }
                )
                return url.path, query, body

            def do_PATCH(self) -> None:
                path, query, body = self._record("PATCH")
                if self._fault("PATCH", path):
                    return
                if self.headers.get("Content-Type") != "application/apply-patch+yaml":
                    return self._status(
                        415, "UnsupportedMediaType", "apply needs application/apply-patch+yaml"
                    )
                manager = (query.get("fieldManager") or [""])[0]
                if not manager:
                    return self._status(400, "BadRequest", "fieldManager is required for apply requests")
                obj = json.loads(body)
                with double.changed:
                    live = double.objects.get(path)
                    owners = {f["manager"] for f in (live or {}).get("metadata", {}).get("managedFields", [])}
                    forced = (query.get("force") or ["false"])[0] == "true"
                    if (
                        live is not None
                        and owners - {manager}
                        and not forced
                        and live.get("spec") != obj.get("spec")
                    ):
                        return self._status(
                            409, "Conflict", f"Apply failed with 1 conflict: conflict with {owners}"
                        )
                    if (query.get("dryRun") or [""])[0] == "All":
                        return self._reply(200 if live else 201, obj)
                    merged = copy.deepcopy(obj)
                    if live is not None:
                        merged["metadata"] = {**live["metadata"], **obj.get("metadata", {})}
                        merged["metadata"]["generation"] = live["metadata"]["generation"]
                    double._store(
                        path,
                        merged,
                        manager,
                        generation_bump=live is None or live.get("spec") != obj.get("spec"),
                    )
                    return self._reply(200 if live else 201, merged)

            def do_DELETE(self) -> None:
                path, _, _ = self._record("DELETE")
                if self._fault("DELETE", path):
                    return
                with double.changed:
                    gone = double.objects.pop(path, None)
                    double.version += 1
                    double.changed.notify_all()
                if gone is None:
                    return self._status(404, "NotFound", f"{path} not found")
                return self._reply(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})

            def do_GET(self) -> None:
                path, query, _ = self._record("GET")
                if self._fault("GET", path):
                    return
                if (query.get("watch") or [""])[0] == "true":
                    return self._watch(path, query)
                with double.changed:
                    obj = double.objects.get(path)
                if obj is None:
                    return self._status(404, "NotFound", f"{path} not found")
                return self._reply(200, obj)

            def _watch(self, collection: str, query: dict[str, list[str]]) -> None:
                name = (query.get("fieldSelector") or ["metadata.name="])[0].split("=", 1)[1]
                path = f"{collection}/{name}"
                timeout = float((query.get("timeoutSeconds") or ["5"])[0])
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                seen = (query.get("resourceVersion") or [""])[0]
                end = time.monotonic() + timeout
                with double.changed:
                    while time.monotonic() < end:
                        obj = double.objects.get(path)
                        if obj is not None and obj["metadata"]["resourceVersion"] != seen:
                            seen = obj["metadata"]["resourceVersion"]
                            line = json.dumps({"type": "MODIFIED", "object": obj}).encode() + b"\n"
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                            self.wfile.flush()
                        double.changed.wait(timeout=min(0.5, max(0.01, end - time.monotonic())))
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        return Handler
