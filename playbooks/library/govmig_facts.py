#!/usr/bin/python
"""A source host's facts for `govmig discover`: its CPUs and memory, the bytes under its data directories, and each
database the inventory names there with its engine, version and size, measured with the engine's own query
(PostgreSQL's `version()` and `pg_database_size`, MySQL's and MariaDB's `VERSION()` and information_schema) through
the engine's own client, with the credentials the inventory holds.

It only reads: no file is written, no statement changes anything, and it runs the same in check mode. The walk
under a data directory is bounded by `max_files`; a database that cannot be reached is reported with why.
"""

from __future__ import annotations

import os
from typing import Any

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: govmig_facts
short_description: CPUs, memory, data used and databases measured on a source host (govmig discover)
options:
  data_dirs: {type: list, elements: path, default: []}
  databases: {type: list, elements: dict, default: [], description: the inventory's govmig_databases}
  secrets: {type: dict, default: {}, no_log: true, description: the inventory's govmig_db_secrets}
  max_files: {type: int, default: 1000000}
"""

PG = ("postgresql", "kingbase")
MY = ("mysql", "mariadb")
PG_SQL = "SELECT version(), pg_database_size(current_database())"
MY_SQL = (
    "SELECT VERSION(), COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
    "WHERE table_schema = DATABASE()"
)


def memory_bytes() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def used_under(path: str, max_files: int) -> dict[str, Any]:
    """Bytes of the regular files under `path` (what a move copies), counted without following links."""
    total, files, truncated = 0, 0, False
    if not os.path.isdir(path):
        return {"path": path, "used_bytes": 0, "files": 0, "missing": True}
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in names:
            if files >= max_files:
                truncated = True
                break
            try:
                st = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            if not os.path.islink(os.path.join(root, name)):
                total += st.st_size
                files += 1
        if truncated:
            break
    return {"path": path, "used_bytes": total, "files": files, "truncated": truncated}


def observed_engine(declared: str, version: str) -> str:
    text = version.lower()
    if "mariadb" in text:
        return "mariadb"
    if "kingbase" in text:
        return "kingbase"
    if declared in MY:
        return "mysql"
    return "postgresql" if "postgresql" in text else declared


def measure(module: AnsibleModule, db: dict[str, Any], secret: dict[str, Any] | None) -> dict[str, Any]:
    engine = str(db.get("engine", ""))
    out: dict[str, Any] = {"name": db.get("name"), "declared_engine": engine}
    where = db.get("source") or {}
    if engine not in PG + MY:
        return {**out, "measured": False, "why": "engine_not_measured"}
    if not isinstance(where, dict) or not where.get("host") or not secret:
        return {**out, "measured": False, "why": "no_credentials"}
    env = dict(os.environ)
    command: list[str]
    if engine in PG:
        client = module.get_bin_path("psql")
        env["PGPASSWORD"] = str(secret.get("admin_password", ""))
        env["PGCONNECT_TIMEOUT"] = "5"
        command = [str(client), "-X", "-A", "-t", "-F", "\t", "-h", str(where["host"])]
        command += ["-p", str(where.get("port") or 5432), "-U", str(secret.get("admin_user", ""))]
        command += ["-d", str(where.get("dbname") or db.get("name")), "-c", PG_SQL]
    else:
        client = module.get_bin_path("mariadb") or module.get_bin_path("mysql")
        env["MYSQL_PWD"] = str(secret.get("admin_password", ""))
        command = [str(client), "-N", "-B", "--connect-timeout=5", "-h", str(where["host"])]
        command += ["-P", str(where.get("port") or 3306), "-u", str(secret.get("admin_user", ""))]
        command += ["-D", str(where.get("dbname") or db.get("name")), "-e", MY_SQL]
    if client is None:
        return {**out, "measured": False, "why": "no_client"}
    rc, stdout, stderr = module.run_command(command, environ_update=env)
    fields: tuple[str, ...] = tuple(stdout.strip().split("\t"))
    if rc != 0 or len(fields) < 2:
        return {**out, "measured": False, "why": " ".join(stderr.split())[:200] or "query_failed"}
    version = fields[0].strip()
    return {
        **out,
        "measured": True,
        "engine": observed_engine(engine, version),
        "version": version,
        "size_bytes": int(float(fields[1] or 0)),
    }


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "data_dirs": {"type": "list", "elements": "path", "default": []},
            "databases": {"type": "list", "elements": "dict", "default": []},
            "secrets": {"type": "dict", "default": {}, "no_log": True},
            "max_files": {"type": "int", "default": 1000000},
        },
        supports_check_mode=True,
    )
    p = module.params
    secrets: dict[str, Any] = p["secrets"] or {}
    module.exit_json(
        changed=False,
        cpus=os.cpu_count() or 0,
        memory_bytes=memory_bytes(),
        data=[used_under(d, max(1, int(p["max_files"]))) for d in p["data_dirs"] or []],
        databases=[
            measure(module, db, secrets.get(str(db.get("name"))))
            for db in p["databases"] or []
            if isinstance(db, dict)
        ],
    )


if __name__ == "__main__":
    main()
