"""A legacy government service for the migration tests: HTTP over a SQLite database and a data directory.

GET /healthz, GET /records (count and a checksum of every row and file), POST /records (adds one). The database is
opened per request, as many such applications do, so a file replaced by the final sync is seen at once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def snapshot(db: Path, data: Path) -> dict[str, object]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, body FROM records ORDER BY id").fetchall()
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row[0]}:{row[1]}\n".encode())
    for path in sorted(data.glob("*")):
        if path.is_file() and not path.name.startswith("."):
            digest.update(path.name.encode() + path.read_bytes())
    return {"count": len(rows), "checksum": digest.hexdigest()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--name", default="legacy")
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, code: int, body: dict[str, object]) -> None:
            raw = json.dumps({**body, "served_by": args.name}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            if self.path == "/healthz":
                self._send(200, {"ok": True})
            elif self.path == "/records":
                self._send(200, snapshot(args.db, args.data))
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            with sqlite3.connect(args.db) as conn:
                conn.execute("INSERT INTO records (body) VALUES ('added')")
            self._send(201, snapshot(args.db, args.data))

        def log_message(self, *_: object) -> None:
            pass

    ThreadingHTTPServer((args.bind, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
