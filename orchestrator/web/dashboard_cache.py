"""The supervisors' dashboard document, made once per monitor cycle and per view (role and department), kept as
JSON and gzipped JSON with an ETag from its bytes, as HealthCache keeps the health document.

What it is made from is looked at most once a second: the health cycle (HealthCache's ETag), the plans in force
(the view's key) and the newest records (runs, steps, the audit: lifecycles and problems). While one request
makes a new version the others are answered the one before (a second old at most); only the very first waits.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Request

from ..app import Plans
from .deps import context
from .security import Principal
from .supervision import dashboard_document

if TYPE_CHECKING:
    from .api_watch import HealthCache


@dataclass(frozen=True)
class Built:
    key: object
    doc: dict[str, Any]
    body: bytes
    gzip: bytes
    etag: str

    @classmethod
    def of(cls, key: object, doc: dict[str, Any]) -> Built:
        body = json.dumps(doc, ensure_ascii=False).encode()
        etag = f'"dash-{hashlib.sha256(body).hexdigest()[:24]}"'
        return cls(key, doc, body, gzip.compress(body, compresslevel=6, mtime=0), etag)


class DashboardCache:
    def __init__(self, recheck_seconds: float = 1.0) -> None:
        self._lock = threading.Lock()
        self._making = threading.Lock()
        self._recheck = recheck_seconds
        self._checked = -1e9
        self._key: object = None
        self._views: dict[tuple[str, str | None], Built] = {}

    def _sources(self, request: Request, health: HealthCache, port: Plans) -> object:
        _, cycle = health.get(request)
        return (cycle, port.view().key, context(request).site.store.last_change())

    def get(self, request: Request, principal: Principal, health: HealthCache, port: Plans) -> Built:
        """This view's dashboard as of its sources (looked at once a second at most)."""
        view = (principal.role, principal.department)
        now = time.monotonic()
        with self._lock:
            due = now - self._checked >= self._recheck
            if due:
                self._checked = now
        if due:
            key = self._sources(request, health, port)
            with self._lock:
                self._key = key
        with self._lock:
            key, built = self._key, self._views.get(view)
        if built is not None and built.key == key:
            return built
        # a new version to make: one request makes it; the others keep the last while there is one
        if not self._making.acquire(blocking=built is None):
            assert built is not None
            return built
        try:
            with self._lock:
                built = self._views.get(view)
            if built is None or built.key != key:
                built = self._make(request, health, port, key)
                with self._lock:
                    self._views[view] = built
            return built
        finally:
            self._making.release()

    @staticmethod
    def _make(request: Request, health: HealthCache, port: Plans, key: object) -> Built:
        doc, _ = health.get(request)
        return Built.of(key, dashboard_document(doc, port, context(request).config.time_zone))
