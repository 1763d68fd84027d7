"""`govmig lab up TREE WAVE DIR`: a rehearsal site for one wave on this machine, and `lab down DIR`.

Every host of the wave gets a stand-in: with root, a network namespace with its own sshd (sources and targets
linked to each other by a migration link that a rehearsal may cut), else the local connection. Each system's
declared databases run as real servers (postgresql and kingbase on PostgreSQL, mysql and mariadb on MariaDB),
the source seeded with 10,000 records and files; engines that cannot run here are left to their checkpoints.
The wave's inventory is pointed at the stand-ins (the credentials go into host_vars beside it, readable by the
owner only), and DIR/site.json says where everything is, as shared/DOMAIN.md specifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..contracts import Tree
from ..plan import engine_profile
from ..render import dump_inventory, load_inventory
from . import netns, servers, services

STATE = "lab.json"
SITE = "site.json"
GROUPS = ("private", "egov_internal", "egov_external", "govcloud")
Say = Callable[[str], None]


class LabError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass
class Site:
    root: Path
    wave: str
    mode: str  # netns | local
    systems: dict[str, Any] = field(default_factory=dict)  # site.json's "systems"
    servers: list[servers.Server] = field(default_factory=list)
    namespaces: netns.Namespaces | None = None
    target_disk_mb: int | None = None
    upstreams: dict[str, Path] = field(default_factory=dict)  # system → the front end's upstream file
    pidfiles: list[str] = field(default_factory=list)  # stand-ins started on the local connection

    def cut(self, system: str, up: bool = False) -> None:
        """Cuts (or restores) the migration link between a system's source and target."""
        if self.namespaces is None:
            raise LabError("本地模式没有可切断的链路", "the local site has no link to cut")
        self.namespaces.cut(f"{system}#source", f"{system}#target", up=up)


def _hosts(doc: dict[str, Any]) -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """system key → role → (inventory host name, its variables), read from the wave's inventory."""
    out: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    children = doc["all"]["children"]
    for group in (*GROUPS, "frontends"):
        for name, hostvars in ((children.get(group) or {}).get("hosts") or {}).items():
            key = f"{hostvars['govmig_department']}/{hostvars['govmig_system']}"
            role = "frontend" if group == "frontends" else "source" if group == "private" else "target"
            out.setdefault(key, {})[role] = (name, hostvars)
    return out


def up(
    tree: Path,
    wave: str,
    root: Path,
    say: Say = lambda _: None,
    target_disk_mb: int | None = None,
    local: bool = False,
) -> Site:
    """The site; with `target_disk_mb` (root only) every target database's files live on a disk of that size,
    which a rehearsal may fill (`servers.fill`); with `local`, the local connection even where namespaces could
    be made (quicker: no SSH, but no link to cut)."""
    trees = Tree(tree)
    if not trees.has_wave(wave):
        raise LabError(
            f"找不到批次 {wave} 的清单（先运行 govmig render）", f"no inventory for wave {wave} in {tree}"
        )
    if (root / STATE).exists():
        raise LabError(
            f"{root} 已有一个演练环境（先 govmig lab down）", f"{root} holds a site already (lab down first)"
        )
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    why = "asked for" if local else netns.missing()
    site = Site(root.resolve(), wave, "local" if why else "netns", target_disk_mb=target_disk_mb)
    say(
        f"演练环境 site: {'本机连接 local connection (' + why + ')' if why else '网络命名空间与 sshd network namespaces with sshd'}"
    )
    inventory_path = trees.inventory(wave)
    doc = load_inventory(inventory_path.read_text(encoding="utf-8"))
    hosts = _hosts(doc)
    _state(site)  # from here on, a failure is undone by `down`, which reads what was started from lab.json
    try:
        if site.mode == "netns":
            site.namespaces = netns.Namespaces(site.root)
            _state(site)  # the links' tag, before the first link exists
            for key, roles in hosts.items():
                site.namespaces.add(f"{key}#source")
                if "target" in roles:  # a retired system (the retirement inventory) has none
                    site.namespaces.add(f"{key}#target")
                    site.namespaces.connect(f"{key}#source", f"{key}#target")
                _state(site)
        if site.namespaces is not None:
            site.namespaces.start_sshd()
        secrets: dict[str, dict[str, Any]] = {}
        for n, (key, roles) in enumerate(sorted(hosts.items())):
            secrets.update((_system if "target" in roles else _retiring)(site, key, roles, n, say))
            _state(site)
        conf, ports = services.nginx(site.root / "frontend", site.upstreams)
        _state(site, nginx=str(conf))
        for key, port in ports.items():
            site.systems[key] = {"frontend": f"http://127.0.0.1:{port}/", **site.systems[key]}
        inventory_path.write_text(dump_inventory(doc), encoding="utf-8")
        _redigest(trees, inventory_path)
        host_vars = inventory_path.parent / "host_vars"
        host_vars.mkdir(exist_ok=True)
        for host, values in secrets.items():
            path = host_vars / f"{host}.yml"
            path.touch(mode=0o600)
            path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
        _state(site, host_vars=[str(host_vars / f"{h}.yml") for h in secrets])
        (site.root / SITE).write_text(
            json.dumps({"wave": wave, "systems": site.systems}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        os.chmod(site.root / SITE, 0o600)
    except BaseException:
        down(site.root)
        raise
    return site


@dataclass
class _Stand:
    """One system's stand-ins: its folder, and its two namespace hosts (None on the local connection)."""

    key: str
    home: Path
    source: netns.Host | None
    target: netns.Host | None
    space: netns.Namespaces | None

    def address(self, host: netns.Host | None) -> str:
        return host.address if host else "127.0.0.1"

    @property
    def replica_host(self) -> str:
        """Where the target reaches the source: over their migration link."""
        return self.source.peers[f"{self.key}#target"] if self.source else "127.0.0.1"

    def connection(self, host: netns.Host | None) -> dict[str, Any]:
        python = sys.executable
        if host is None or self.space is None:
            return {"ansible_connection": "local", "ansible_python_interpreter": python}
        return {
            "ansible_host": host.address,
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(self.space.key),
            "ansible_python_interpreter": python,
            "ansible_ssh_common_args": f"-o UserKnownHostsFile={self.space.known_hosts} "
            "-o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=60s",
        }


def _system(
    site: Site, key: str, roles: dict[str, tuple[str, dict[str, Any]]], n: int, say: Say
) -> dict[str, dict[str, Any]]:
    """Stand-ins for one system's hosts; returns each host's secret variables."""
    space = site.namespaces
    stand = _Stand(
        key,
        site.root / "hosts" / key.replace("/", "_"),
        space.hosts[f"{key}#source"] if space else None,
        space.hosts[f"{key}#target"] if space else None,
        space,
    )
    src_dir, tgt_dir = stand.home / "source-data", stand.home / "target-data"
    src_dir.mkdir(parents=True, exist_ok=True)
    for i in range(5):
        (src_dir / f"records-{i}.txt").write_text(f"{key} 记录 record {i}\n" * 200, encoding="utf-8")
    (src_name, src_vars), (tgt_name, tgt_vars) = roles["source"], roles["target"]
    entry: dict[str, Any] = {"files": {"source": str(src_dir), "target": str(tgt_dir)}, "databases": []}
    secrets: dict[str, dict[str, Any]] = {
        src_name: {"govmig_db_secrets": {}},
        tgt_name: {"govmig_db_secrets": {}},
    }
    dbs_source, dbs_target = [], []
    for i, db in enumerate(src_vars.get("govmig_databases") or []):
        moved = _database(site, stand, db, 2 * (8 * n + i), say)
        dbs_source.append(moved[0])
        dbs_target.append(moved[1])
        if moved[2] is not None:
            for host in (src_name, tgt_name):
                secrets[host]["govmig_db_secrets"][db["name"]] = moved[2]
            entry["databases"].append(moved[3])
    src_vars.update(
        stand.connection(stand.source),
        govmig_data_dir=str(src_dir),
        backup_dir=str(stand.home / "backups"),
        govmig_databases=dbs_source,
    )
    tgt_vars.update(
        stand.connection(stand.target),
        govmig_data_dir=str(tgt_dir),
        govmig_source_data_dir=str(src_dir),
        govmig_source_address=stand.replica_host if space else "localhost",
        govmig_data_gb=0,
        govmig_deploy_mode="host",
        govmig_databases=dbs_target,
    )
    if space is not None:
        tgt_vars["data_sync_ssh"] = (
            f"ssh -i {space.key} -o UserKnownHostsFile={space.known_hosts} -o StrictHostKeyChecking=yes "
            "-o BatchMode=yes"
        )
    _services(site, stand, src_vars, tgt_vars, roles["frontend"][1], entry)
    site.systems[key] = entry
    return {h: v for h, v in secrets.items() if v["govmig_db_secrets"]}


def _retiring(
    site: Site, key: str, roles: dict[str, tuple[str, dict[str, Any]]], n: int, say: Say
) -> dict[str, dict[str, Any]]:
    """Stand-ins for a system the retirement takes away: its source (files, its databases seeded, its service
    running) and its upstream; the archive folder the retirement fills. Returns the source's secrets."""
    space = site.namespaces
    stand = _Stand(
        key,
        site.root / "hosts" / key.replace("/", "_"),
        space.hosts[f"{key}#source"] if space else None,
        None,
        space,
    )
    src_dir, archive = stand.home / "source-data", stand.home / "archive"
    src_dir.mkdir(parents=True, exist_ok=True)
    for i in range(5):
        (src_dir / f"records-{i}.txt").write_text(f"{key} 记录 record {i}\n" * 200, encoding="utf-8")
    src_name, src_vars = roles["source"]
    entry: dict[str, Any] = {"files": {"source": str(src_dir), "archive": str(archive)}, "databases": []}
    secrets: dict[str, Any] = {}
    databases = []
    for i, db in enumerate(src_vars.get("govmig_databases") or []):
        engine = servers.SERVER_ENGINE.get(db["engine"])
        if engine is None or db.get("move") != "archive":
            say(f"  {key}: {db['name']} ({db['engine']}) 本机不能运行，留给手工归档 cannot run here: by hand")
            databases.append(db)
            continue
        source = servers.start(
            engine, db["name"], stand.address(stand.source), _ns(stand.source), 2 * (8 * n + i) + 1
        )
        site.servers.append(source)
        _state(site)
        servers.seed(source, key)
        databases.append({**db, "source": {"host": source.host, "port": source.port, "dbname": db["name"]}})
        secrets[db["name"]] = {
            "admin_user": source.admin_user,
            "app_user": source.app_user,
            "admin_password": source.admin_password,
            "app_password": source.app_password,
        }
        entry["databases"].append({"engine": db["engine"], "server": engine, "source": source.dsn()})
    src_vars.update(
        stand.connection(stand.source),
        govmig_data_dir=str(src_dir),
        govmig_archive_dir=str(archive),
        govmig_databases=databases,
    )
    address, bound = stand.address(stand.source), (services.PORT if space else servers.free_port())
    start, stop = services.commands(services.app_folder(stand.home, "source"), address, bound)
    src_vars.update(govmig_service_start=start, govmig_service_stop=stop)
    if not space:
        site.pidfiles.append(str(stand.home / "source-app.pid"))
    services.run_in(_ns(stand.source), start)
    services.wait_for(address, bound)
    upstream = stand.home / "upstream.conf"
    upstream.write_text(f"server {address}:{bound};\n", encoding="utf-8")
    roles["frontend"][1].update(
        ansible_connection="local",
        ansible_python_interpreter=sys.executable,
        govmig_frontend_config=str(upstream),
        govmig_frontend_retired="server 127.0.0.1:1 down;",  # nginx: nothing behind it any more
        govmig_frontend_reload=f"nginx -c {site.root / 'frontend' / 'nginx.conf'} -s reload",
    )
    entry.update(frontend_config=str(upstream), backends={"source": f"{address}:{bound}"})
    site.upstreams[key] = upstream
    site.systems[key] = entry
    return {src_name: {"govmig_db_secrets": secrets}} if secrets else {}


def _services(
    site: Site,
    stand: _Stand,
    src_vars: dict[str, Any],
    tgt_vars: dict[str, Any],
    fe_vars: dict[str, Any],
    entry: dict[str, Any],
) -> None:
    """The stand-in application on both hosts (the source's started now, the target's by the deploy step) and
    the system's upstream in the site's nginx, which the cutover rewrites and reloads."""
    port = services.PORT if site.namespaces else 0
    ends = {}
    for side, host, hostvars in (("source", stand.source, src_vars), ("target", stand.target, tgt_vars)):
        address = stand.address(host)
        bound = port or servers.free_port()
        start, stop = services.commands(services.app_folder(stand.home, side), address, bound)
        hostvars.update(govmig_service_start=start, govmig_service_stop=stop)
        ends[side] = (address, bound, _ns(host), start)
        if not site.namespaces:
            site.pidfiles.append(str(stand.home / f"{side}-app.pid"))
    address, bound, ns, start = ends["source"]
    services.run_in(ns, start)
    services.wait_for(address, bound)
    t_address, t_port, t_ns, _ = ends["target"]
    tgt_vars["govmig_health_url"] = f"http://{t_address}:{t_port}/healthz"
    _node_exporter(site, stand, t_address, t_ns, tgt_vars, entry)
    upstream = stand.home / "upstream.conf"
    upstream.write_text(f"server {address}:{bound};\n", encoding="utf-8")
    fe_vars.update(
        ansible_connection="local",
        ansible_python_interpreter=sys.executable,
        govmig_frontend_config=str(upstream),
        govmig_frontend_format="server {backend};",
        govmig_frontend_reload=f"nginx -c {site.root / 'frontend' / 'nginx.conf'} -s reload",
        govmig_source_backend=f"{address}:{bound}",
        govmig_target_backend=f"{t_address}:{t_port}",
    )
    entry.update(
        frontend_config=str(upstream),
        backends={"source": f"{address}:{bound}", "target": f"{t_address}:{t_port}"},
    )
    site.upstreams[stand.key] = upstream


def _node_exporter(
    site: Site, stand: _Stand, address: str, ns: str | None, tgt_vars: dict[str, Any], entry: dict[str, Any]
) -> None:
    """The target's node_exporter, run by the site (the deploy step installs Debian's package on a real host;
    here it only asks it for its metrics): on :9100 in the target's namespace, on a free port locally."""
    port = services.NODE_EXPORTER_PORT if site.namespaces else servers.free_port()
    commands = services.node_exporter(stand.home, address, port)
    if commands is None:  # not installed here: the deploy step's check is skipped, as on a host without apt
        tgt_vars["govmig_node_exporter_install"] = False
        return
    start, _ = commands
    if not site.namespaces:
        site.pidfiles.append(str(stand.home / "node-exporter.pid"))
    services.run_in(ns, start)
    services.wait_for(address, port)
    url = f"http://{address}:{port}/metrics"
    tgt_vars.update(govmig_node_exporter_install=False, govmig_node_exporter_url=url)
    entry["node_exporter"] = url


def _database(
    site: Site, stand: _Stand, db: dict[str, Any], server_id: int, say: Say
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """A database's two servers, started and the source seeded: its entries for the source's and the target's
    inventory, its secret (None for an engine left to a checkpoint) and its site.json entry."""
    engine = servers.SERVER_ENGINE.get(db["engine"])
    if db.get("move") == "operator":  # no cluster here: the cloud's operator path is rehearsed as a host's
        db = {**db, "move": engine_profile(db["engine"]).moved_by}
        say(f"  {stand.key}: {db['name']} 无集群，按主机方式演练 no cluster here: rehearsed as on a host")
    if engine is None or db.get("move") not in ("logical", "binlog"):
        say(
            f"  {stand.key}: {db['name']} ({db['engine']}) 本机不能运行，留给检查点 cannot run here: a checkpoint"
        )
        return db, db, None, {}
    why = servers.missing(engine)
    if why:
        raise LabError(f"{engine} 未安装", why)
    source = servers.start(engine, db["name"], stand.address(stand.source), _ns(stand.source), server_id + 1)
    site.servers.append(source)
    _state(site)
    # the target's users get the source's passwords, as a site's vault gives one credential per database
    target = servers.start(
        engine,
        db["name"],
        stand.address(stand.target),
        _ns(stand.target),
        server_id + 2,
        (source.admin_password, source.app_password),
        site.target_disk_mb if site.namespaces else None,
    )
    site.servers.append(target)
    _state(site)
    servers.seed(source, stand.key)
    say(
        f"  {stand.key}: {db['name']} {engine} 源 source {source.host}:{source.port} → 目标 target "
        f"{target.host}:{target.port}（{servers.ROWS} 行 rows）"
    )
    there = {"host": target.host, "port": target.port, "dbname": db["name"]}
    on_source = {
        **db,
        "source": {"host": source.host, "port": source.port, "dbname": db["name"]},
        "target": there,
    }
    on_target = {
        **db,
        "replica_host": stand.replica_host,
        "source": {"host": stand.replica_host, "port": source.port, "dbname": db["name"]},
        "target": there,
    }
    secret = {
        "admin_user": source.admin_user,
        "app_user": source.app_user,
        "admin_password": source.admin_password,
        "app_password": source.app_password,
    }
    listed = {"engine": db["engine"], "server": engine, "source": source.dsn(), "target": target.dsn()}
    return on_source, on_target, secret, listed


def _redigest(tree: Tree, path: Path) -> None:
    """The index keeps the digest of the inventory as the lab rewrote it: on a rehearsal site the lab's inventory
    is what was rendered for that site (its hosts are the lab's), so a preflight checks the wave against it and
    still refuses a hand edit made after `lab up`. Only digests the index holds already are replaced."""
    if not tree.index.is_file():
        return
    rel = path.relative_to(tree.root).as_posix()
    doc = json.loads(tree.index.read_text(encoding="utf-8"))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    for files in [doc.get("files") or {}, *((s.get("files") or {}) for s in doc.get("systems") or [])]:
        if rel in files:
            files[rel] = sha
    tree.index.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _ns(host: netns.Host | None) -> str | None:
    return host.ns if host else None


def _state(site: Site, **extra: Any) -> None:
    """What `down` needs, written as soon as something was started (a crash midway can still be undone)."""
    path = site.root / STATE
    old = json.loads(path.read_text()) if path.exists() else {}
    state = {
        **old,
        "wave": site.wave,
        "mode": site.mode,
        "namespaces": [h.ns for h in site.namespaces.hosts.values()] if site.namespaces else [],
        "links": [f"{site.namespaces.tag}"] if site.namespaces else [],
        "servers": [s.to_json() for s in site.servers],
        "pidfiles": site.pidfiles,
        **extra,
    }
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.chmod(path, 0o600)


def down(root: Path) -> list[str]:
    """Stops everything `up` started under `root` (servers, namespaces, links) and removes the credentials it
    wrote; returns what it stopped."""
    path = root / STATE
    if not path.exists():
        raise LabError(f"{root} 中没有演练环境", f"no rehearsal site in {root}")
    state = json.loads(path.read_text(encoding="utf-8"))
    stopped = []
    if state.get("nginx"):
        netns.sh("nginx", "-c", state["nginx"], "-s", "quit", check=False)
        stopped.append("nginx")
    for pidfile in state.get("pidfiles", []):
        services.stop_pidfile(Path(pidfile))
    for server in state.get("servers", []):
        servers.stop(server)
        stopped.append(f"{server['engine']} {server['host']}:{server['port']}")
    for ns in state.get("namespaces", []):
        netns.remove(ns)
        stopped.append(f"netns {ns}")
    for tag in state.get("links", []):
        for line in netns.sh("ip", "-o", "link", "show", check=False).stdout.splitlines():
            name = line.split(":")[1].strip().split("@")[0] if ":" in line else ""
            if name.startswith(f"gm{tag}"):
                netns.sh("ip", "link", "del", name, check=False)
    for secret in state.get("host_vars", []):
        Path(secret).unlink(missing_ok=True)
    path.unlink()
    (root / SITE).unlink(missing_ok=True)
    return stopped
