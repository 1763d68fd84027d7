"""Limits before work, played from outside against a real `govmig serve` over real HTTP (raw sockets where the
attack is in how the body is sent).

What the server wrote is read from the kernel's own count, `/proc/PID/io` `wchar` (every byte the process handed
to write(2): temporary files, the store, the sockets), and its peak memory from `/proc/PID/status` `VmHWM`: a
spooled upload is an unlinked temporary file (O_TMPFILE) that no listing of the temporary directory would show.
The server's TMPDIR is a fresh directory all the same, and is checked empty.

Each attack fails on the code before these limits (see each test's docstring for what it did there).
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from bench.portfolio import department_plan
from orchestrator.cli.web_cmds import seed
from orchestrator.execute import WaveExecutor
from orchestrator.plan import Limits, load_bytes
from orchestrator.store import Accounts, open_store
from orchestrator.web import WebConfig, create_app, hash_password, new_token, token_digest
from orchestrator.web.intake_pool import IntakePool
from tests.conftest import EXAMPLES
from tests.intake.bombs import _fgw_workbook
from tests.web.server import SERVING, govmig_serve

MiB = 1024 * 1024
DEPARTMENT = "630000-RST"
BIG = "630000-BIG"
PASSWORD = "correct horse battery"
BOUNDARY = "govmigboundary"


@dataclass
class Served:
    base: str
    pid: int
    tmp: Path
    tokens: dict[str, str]
    accounts: Accounts

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def written(self) -> int:
        """Bytes the server process has written so far (every write(2): files, temporary files, sockets)."""
        return _proc_field(self.pid, "io", "wchar")

    def peak_memory(self) -> int:
        return _proc_field(self.pid, "status", "VmHWM") * 1024


def _proc_field(pid: int, name: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value.split()[0])
    raise KeyError(field)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("limits")
    tmp = root / "server-tmp"
    tmp.mkdir()
    db = f"sqlite:///{root / 'govmig.db'}"
    accounts = Accounts(open_store(db))
    seed(accounts, (EXAMPLES,), "seed")
    accounts.add_department(BIG, "大厅", "test")
    tokens = {}
    for name, role, department in (
        ("ops", "ops", None),
        ("sup", "supervisor", None),
        ("rst", "department", DEPARTMENT),
    ):
        user = accounts.add_user(name, role, department, hash_password(PASSWORD), "test")
        tokens[name] = new_token()
        accounts.add_token(user, token_digest(tokens[name]), "test", "test")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TMPDIR", str(tmp))  # the server's temporary files, if it made any, would go here
        with govmig_serve(db, root) as base:
            yield Served(base, SERVING[base].pid, tmp, tokens, accounts)
    assert not list(tmp.iterdir())


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    sent_before_answer: int
    seconds: float


def _post_raw(
    base: str, path: str, size: int, *, chunked: bool = False, headers: dict[str, str] | None = None
) -> Answer:
    """POST a multipart body of `size` bytes (one file part) the way an attacker would: headers first, then the
    body a MiB at a time, stopping when the server answers. Says how much had been sent by then."""
    url = urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=300)
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.yaml"\r\n\r\n'.encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    filler = size - len(head) - len(tail)
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {url.hostname}:{url.port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    answered = threading.Event()
    sent = [0]

    def pump() -> None:
        block = b"x" * MiB
        pieces = [head] + [block] * (filler // MiB) + [block[: filler % MiB], tail]
        try:
            for piece in pieces:
                if answered.is_set():
                    return
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
                sent[0] += len(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed its side after answering

    start = time.perf_counter()
    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    reader = sock.makefile("rb")
    status = int(reader.readline().split()[1])
    seconds = time.perf_counter() - start
    at_answer = sent[0]
    answered.set()
    found: dict[str, str] = {}
    while (line := reader.readline().strip()) != b"":
        key, _, value = line.decode().partition(":")
        found[key.strip().lower()] = value.strip()
    body = reader.read(int(found.get("content-length", "0")))
    sock.close()
    sender.join(60)
    return Answer(status, found, body, at_answer, seconds)


def _said(body: bytes | dict[str, object]) -> dict[str, str]:
    """The bilingual message: every error body is {"zh", "en", ...} (shared/DOMAIN.md v1.2, "Errors")."""
    import json

    doc = json.loads(body) if isinstance(body, bytes) else body
    inner = doc
    assert isinstance(inner, dict) and "detail" not in inner and {"zh", "en"} <= inner.keys(), doc
    return {"zh": str(inner["zh"]), "en": str(inner["en"])}


@pytest.mark.parametrize(
    ("size", "chunked", "statuses"),
    [
        (200 * MiB, False, {401, 413}),  # said to be 200 MB: refused on its length (or as a stranger's)
        (19 * MiB, False, {401}),  # within the upload limit: a stranger's all the same
        (200 * MiB, True, {401}),  # no length to refuse: the stranger is refused before a byte is read
    ],
    ids=["200MB", "19MB", "200MB-chunked"],
)
def test_a_strangers_upload_is_answered_before_its_body_is_read(
    served: Served, size: int, chunked: bool, statuses: set[int]
) -> None:
    """Before: FastAPI parsed the form (spooling the file to a temporary file) before it asked who sent it: the
    whole 200 MB was written to the server's disk, and the 401 came only after the last byte."""
    before = served.written()
    answer = _post_raw(served.base, f"/api/plans/{DEPARTMENT}/validate", size, chunked=chunked)
    written = served.written() - before
    print(
        f"\n{size // MiB} MB{' chunked' if chunked else ''}: {answer.status} in {answer.seconds:.3f} s, "
        f"{answer.sent_before_answer / MiB:.1f} MiB sent by then, {written} bytes written by the server"
    )
    assert answer.status in statuses
    assert written < 64 * 1024, f"the server wrote {written} bytes for a stranger's upload"
    # answered before the client could send it all (the kernel's socket buffers hold a few MiB of it)
    assert answer.sent_before_answer < size, "the answer came only once the whole body was sent"
    assert not list(served.tmp.iterdir())


def test_a_chunked_body_over_the_limit_is_cut_off_at_the_limit(served: Served) -> None:
    """Before: no limit anywhere; the upload route read 20 MiB of a 40 MiB chunked body, answered 200 with a
    'too large' problem, and the rest was read too."""
    before = served.written()
    answer = _post_raw(
        served.base, f"/api/plans/{DEPARTMENT}/validate", 40 * MiB, chunked=True, headers=served.auth("ops")
    )
    assert answer.status == 413, answer.body[:300]
    message = _said(answer.body)
    assert "20.1 MiB" in message["en"] and "20.1 MiB" in message["zh"]  # the limit: the plan's and the form's
    assert answer.sent_before_answer < 32 * MiB
    # a small route's limit is small: a 2 MiB JSON body to a review is refused by its length, unread
    r = httpx.post(
        f"{served.base}/api/plans/{DEPARTMENT}/versions/1/review",
        content=b'{"decision": "approve", "comment": "' + b"x" * (2 * MiB) + b'"}',
        headers={**served.auth("sup"), "Content-Type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 413 and "2.0 MiB" in _said(r.json())["en"]
    assert served.written() - before < 25 * MiB  # the 20 MiB the route may read spooled, and no more


def test_a_refused_upload_stores_nothing_and_says_its_real_size(served: Served) -> None:
    """Before: a 50 MB plan was answered 'file too large (20 MiB)' in a 200, and its first 20 MiB were saved as
    a new pending version."""
    versions = len(served.accounts.versions(DEPARTMENT))
    for size, shown in ((50 * 1000 * 1000, "47.7 MiB"), (20 * MiB + 10 * 1024, "20,981,760")):
        r = httpx.post(
            f"{served.base}/api/plans/{DEPARTMENT}",
            files={"file": ("big.yaml", io.BytesIO(b"#" * size))},
            headers=served.auth("rst"),
            timeout=120,
        )
        assert r.status_code == 413, r.text[:300]
        message = _said(r.json())
        assert shown in message["en"] and shown in message["zh"], message
    assert len(served.accounts.versions(DEPARTMENT)) == versions


def _padded_workbook(megabytes: int) -> bytes:
    """The FGW template workbook whose Systems sheet is padded with `megabytes` MB of spaces: about 200 KB that
    unzips to that much."""
    source = zipfile.ZipFile(io.BytesIO(_fgw_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name in source.namelist():
            data = source.read(name)
            if not (name.startswith("xl/worksheets/") and b">security.mlps_level<" in data):
                target.writestr(name, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with target.open(name, "w") as part:
                part.write(head)
                for _ in range(megabytes):
                    part.write(b" " * MiB)
                part.write(b"</sheetData>" + tail)
    return out.getvalue()


def test_a_zip_bomb_costs_a_chunk_of_memory_not_its_unzipped_size(served: Served) -> None:
    """Before: every part was read whole (to look for a DOCTYPE, then again for the sheet's facts), and the XML
    parser kept the padding as one string: the server's peak memory rose by about 400 MiB for this one request
    and the workbook was read as a valid plan."""
    fine = httpx.post(  # openpyxl and the template loaded first: their memory is not the bomb's
        f"{served.base}/api/plans/630000-FGW/validate",
        files={"file": ("fgw.xlsx", io.BytesIO(_fgw_workbook()))},
        headers=served.auth("ops"),
        timeout=120,
    )
    assert fine.status_code == 200 and fine.json()["valid"], fine.text[:300]
    bomb = _padded_workbook(190)
    assert len(bomb) < 400_000
    peak = served.peak_memory()
    r = httpx.post(
        f"{served.base}/api/plans/630000-FGW/validate",
        files={"file": ("fgw.xlsx", io.BytesIO(bomb))},
        headers=served.auth("ops"),
        timeout=300,
    )
    grew = served.peak_memory() - peak
    print(
        f"\n{len(bomb) / 1000:.0f} KB workbook unzipping to 190 MiB: peak memory grew by {grew / MiB:.0f} MiB"
    )
    assert r.status_code == 200 and not r.json()["valid"]
    assert [p["code"] for p in r.json()["problems"]] == ["zip_bomb"]
    assert grew < 190 * MiB / 4


def test_the_dashboard_answers_while_a_large_plan_validates(served: Served) -> None:
    """Before: intake ran on the event loop, so a supervisor's dashboard asked for during a validation was
    answered only once the validation was done."""
    plan = department_plan(BIG, 2000)
    dashboard = f"{served.base}/api/dashboard"

    def validate() -> float:
        start = time.perf_counter()
        r = httpx.post(
            f"{served.base}/api/plans/{BIG}/validate",
            files={"file": ("big.yaml", io.BytesIO(plan))},
            headers=served.auth("ops"),
            timeout=600,
        )
        assert r.status_code == 200, r.text[:300]
        return time.perf_counter() - start

    assert httpx.get(dashboard, headers=served.auth("sup"), timeout=60).status_code == 200  # warm
    alone = validate()  # the validation's duration in this run, on this machine
    finished: list[float] = []
    worker = threading.Thread(target=lambda: finished.append(validate()))
    worker.start()
    time.sleep(alone / 3)  # the plan is sent and being checked by now
    start = time.perf_counter()
    r = httpx.get(dashboard, headers=served.auth("sup"), timeout=600)
    waited = time.perf_counter() - start
    validating = worker.is_alive()
    worker.join(600)
    print(f"\nvalidation {alone:.2f} s alone; the dashboard during the next one answered in {waited:.3f} s")
    assert r.status_code == 200
    assert validating, "the dashboard answered only after the validation had finished"
    assert waited < alone / 3
    assert os.path.isdir(served.tmp)


def test_a_padding_under_the_inflate_ratio_is_still_refused_by_its_run_of_text() -> None:
    """The second guard alone: a padding that inflates less than POI's ratio (here: the ratio rule switched off)
    is refused at the first run of text longer than an Excel cell can hold, before any XML parser keeps it."""
    loaded = load_bytes(_padded_workbook(8), "fgw.xlsx", "xlsx", Limits(max_inflate_ratio=10**9))
    assert [p.code for p in loaded.problems] == ["zip_bomb"]
    assert load_bytes(_fgw_workbook(), "fgw.xlsx", "xlsx", Limits(max_text_run=4096)).ok  # real sheets pass


def test_quota_and_a_busy_department_are_429_with_retry_after(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    accounts = Accounts(engine)
    user = accounts.add_user("rst", "department", DEPARTMENT, hash_password(PASSWORD), "test")
    token = new_token()
    accounts.add_token(user, token_digest(token), "test", "test")
    config = WebConfig(
        engine=engine, tree=tmp_path, secret="k" * 40, executor=_no_executor, versions_per_day=1
    )
    app = create_app(config)
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"}, raise_server_exceptions=False)
    plan = (EXAMPLES / f"{DEPARTMENT}.yaml").read_bytes()
    first = client.post(f"/api/plans/{DEPARTMENT}", files={"file": ("p.yaml", io.BytesIO(plan))})
    assert first.status_code == 200, first.text[:300]
    again = client.post(f"/api/plans/{DEPARTMENT}", files={"file": ("p.yaml", io.BytesIO(plan))})
    assert again.status_code == 429
    assert 23 * 3600 < int(again.headers["retry-after"]) <= 24 * 3600 + 1  # when the first stops counting

    async def held() -> int:
        pool: IntakePool = app.state.intake
        async with pool.turn(DEPARTMENT):
            r = await asyncio.to_thread(
                client.post, f"/api/plans/{DEPARTMENT}/validate", files={"file": ("p.yaml", io.BytesIO(plan))}
            )
            assert int(r.headers["retry-after"]) > 0 and _said(r.json())["zh"]
            return r.status_code

    assert asyncio.run(held()) == 429
    assert client.post(
        f"/api/plans/{DEPARTMENT}/validate", files={"file": ("p.yaml", io.BytesIO(plan))}
    ).json()["valid"]


def _no_executor(*_: object) -> WaveExecutor:
    raise AssertionError("no wave runs here")
