"""One profile per database engine of the contract: everything govmig knows about an engine, in one place.

A profile says what moves the engine (its own replication, or a checkpoint the operator confirms), its port, its
replication's prerequisites, its dump and restore tools, the runbook's words at its checkpoint, the cloud's
operator for it (the template, the path the data takes in, the readiness of its resources, its DR form), the image
it starts from and the server a rehearsal runs it on. Plan (the vocabulary), render, execute, lab and the hosts'
module (`playbooks/library/govmig_db.py`, which cannot import this: a test holds its table to these profiles) all
read it. It lives in `plan`, the bottom layer, so that every stage may import it.

Adding an engine is one `EngineProfile` in `PROFILES` (and its test): a checkpoint-only engine needs its name, label
and runbook words; a replicated one its `Replication` and, for the cloud, its `Operator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Words = tuple[str, str]
"""(zh, en)"""

EXAMPLE = "govcloud.example"
"""The example domain the default images are named under (render's settings use the same)."""


@dataclass(frozen=True)
class Replication:
    """How govmig moves the engine warm: a replica filled while the source serves, only the delta in the window."""

    kind: Literal["logical", "binlog"]
    family: Literal["postgresql", "mysql"]
    """The wire protocol and client tools the hosts' module speaks to it with (govmig_db's PG / MY)."""
    prerequisites: tuple[str, ...]
    """What the source must have for the replication (the hosts' module checks these at precheck)."""
    url_scheme: str
    """The scheme of `govmig.gov.cn/data-from` on the cloud (as rendered since v1: only PostgreSQL says
    `postgresql://`; Kingbase's says `mysql://` and is kept so until it gets its own change)."""


@dataclass(frozen=True)
class Operator:
    """The cloud's operator that brings the engine's data in on Kubernetes (render/cloud.py), and how the executor
    knows its resources are ready (execute/rollout.py reads the kinds)."""

    template: str
    """The manifest template under manifests/."""
    path: str
    """How the data gets in, as the render index names it (`data_in`)."""
    kind: str
    """The resource kind that holds the database (the DR overlay patches it)."""
    namespace: str
    """Where the operator runs by default (its namespace may reach the instances it manages)."""
    runbook: Words
    """The runbook's words for the way in."""
    readiness: str
    """What says the resource is ready (the executor's rollout waits on it)."""
    instances_follow_level: bool = True
    """Two instances at MLPS level 3 and above; False: always one (mariadb-operator's restored server)."""
    streams_as_source_user: bool = False
    """The operator's replica streams from the source as the site's `source_user` (the catch-up's gate)."""
    needs_api_server: bool = False
    """Its instance manager talks to the Kubernetes API from each database pod."""


@dataclass(frozen=True)
class ImageLayout:
    """Where an engine's image keeps its data and takes its password (each vendor's image documents its own)."""

    data_path: str
    password_env: str = ""
    password_file: str = ""
    file_env: str = ""
    """The variable that tells the image where the password file is, where it needs one."""


DrForm = Literal["replica-cluster", "dump-restore", "s3-bootstrap", "storage-class"]


@dataclass(frozen=True)
class EngineProfile:
    name: str
    """The contract's value of `deployment.databases[].engine`."""
    label_zh: str
    port: int | None = None
    """Its default port; None: not known to govmig (the cloud's template then listens on 5432)."""
    replication: Replication | None = None
    """None: checkpoint-only (moved with its own tools in the window, confirmed by the operator)."""
    checkpoint: Words = ("该引擎自带的导出导入工具", "the engine's own export and import tools")
    """The runbook's words for its checkpoint: the tools that move it by hand."""
    dump: tuple[str, str] | None = None
    """The dump and restore tools govmig drives itself (a backup, a retiring system's archive); None: by hand."""
    operator: Operator | None = None
    layout: ImageLayout | None = None
    """Where its plain image keeps its data (the StatefulSet a checkpoint fills); None: the generic layout."""
    image: str | None = None
    """The default image of the cloud's instance (`settings.database_images`); None: `…/base/ENGINE:latest`."""
    name_limit: int = 63
    """The longest name its resources may have on the cloud."""
    dr: DrForm = "storage-class"
    """How its DR copy is made: a replica cluster of the primary, a restore of the primary's dumps, a bootstrap
    from the primary's S3 backups, or a copy of its volumes on the DR storage class."""
    rehearsal: Literal["postgresql", "mariadb"] | None = None
    """The server `govmig lab` rehearses it on; None: it cannot run on the lab machine (a checkpoint there)."""

    @property
    def image_layout(self) -> ImageLayout:
        return self.layout or OTHER_LAYOUT

    @property
    def moved_by(self) -> str:
        """`logical` | `binlog` | `checkpoint`."""
        return self.replication.kind if self.replication else "checkpoint"


_PG_PREREQUISITES = (
    "wal_level=logical",
    "no large objects",
    "a primary key or REPLICA IDENTITY on every replicated table (FULL is set where there is neither)",
    "replication slots and WAL senders free for the subscription and its initial copy",
    "PostgreSQL 10 or later, the target of the source's major version or newer",
)
_MY_PREREQUISITES = (
    "log_bin",
    "binlog_format=ROW",
    "a unique server_id",
    "GTID where both sides have one",
    "the replica of the source's version (major.minor) or newer",
)

OTHER_LAYOUT = ImageLayout(
    "/var/lib/database", password_file="/run/secrets/db_password", file_env="DB_PASSWORD_FILE"
)

PROFILES: tuple[EngineProfile, ...] = (
    EngineProfile(
        "postgresql",
        "PostgreSQL",
        port=5432,
        replication=Replication("logical", "postgresql", _PG_PREREQUISITES, "postgresql"),
        dump=("pg_dump -Fc", "pg_restore"),
        operator=Operator(
            "k8s/cnpg.yaml.j2",
            "cnpg-replica",
            "Cluster",
            "cnpg-system",
            (
                "CloudNativePG 副本集群（预同步时从源库 pg_basebackup；源库停写后等副本落盘源库最后位置，切换时提升）",
                "a CloudNativePG replica cluster (pg_basebackup from the source ahead; once the source stops "
                "writing, promoted at cutover only after it flushed the source's last position)",
            ),
            readiness="status.phase: Cluster in healthy state",
            streams_as_source_user=True,
            needs_api_server=True,
        ),
        image=f"registry.{EXAMPLE}/base/postgresql:16",
        dr="replica-cluster",
        rehearsal="postgresql",
    ),
    EngineProfile(
        "mysql",
        "MySQL",
        port=3306,
        replication=Replication("binlog", "mysql", _MY_PREREQUISITES, "mysql"),
        dump=("mariadb-dump --single-transaction", "mariadb"),
        operator=Operator(
            "k8s/innodbcluster.yaml.j2",
            "mysql-clone",
            "InnoDBCluster",
            "mysql-operator",
            (
                "MySQL Operator：源库停写后在窗口内克隆（initDB.clone）",
                "MySQL Operator: cloned in the window (initDB.clone) once the source's writes stopped",
            ),
            readiness="status.cluster.status: ONLINE",
        ),
        image=f"registry.{EXAMPLE}/base/mysql:8.0",
        name_limit=40,
        dr="dump-restore",
        rehearsal="mariadb",
    ),
    EngineProfile(
        "mariadb",
        "MariaDB",
        port=3306,
        replication=Replication("binlog", "mysql", _MY_PREREQUISITES, "mysql"),
        dump=("mariadb-dump --single-transaction", "mariadb"),
        operator=Operator(
            "k8s/mariadb.yaml.j2",
            "mariadb-restore",
            "MariaDB",
            "mariadb-operator",
            (
                "mariadb-operator：源库停写后在窗口内备份并恢复",
                "mariadb-operator: backed up and restored in the window once the source's writes stopped",
            ),
            readiness="condition Ready (MariaDB) / Complete (Backup)",
            instances_follow_level=False,
        ),
        image=f"registry.{EXAMPLE}/base/mariadb:11.4",
        dr="s3-bootstrap",
        rehearsal="mariadb",
    ),
    EngineProfile(
        "oracle",
        "Oracle",
        port=1521,
        checkpoint=(
            "Oracle Data Pump（expdp/impdp），增量用 GoldenGate 或 DBMS_REDEFINITION",
            "Oracle Data Pump (expdp/impdp); the delta with GoldenGate",
        ),
        layout=ImageLayout("/opt/oracle/oradata", password_file="/run/secrets/oracle_pwd"),
        image=f"registry.{EXAMPLE}/base/oracle:19c",
    ),
    EngineProfile(
        "dameng",
        "达梦",
        port=5236,
        checkpoint=(
            "达梦 dexp/dimp（逻辑导出导入），增量用 DMHS 数据同步",
            "Dameng dexp/dimp (logical export and import); the delta with DMHS",
        ),
        layout=ImageLayout("/opt/dmdbms/data", password_env="SYSDBA_PWD"),
        image=f"registry.{EXAMPLE}/base/dameng:8",
    ),
    EngineProfile(
        "kingbase",
        "人大金仓",  # PostgreSQL-compatible: its wire protocol, publications and subscriptions
        port=54321,
        replication=Replication("logical", "postgresql", _PG_PREREQUISITES, "mysql"),
        dump=("pg_dump -Fc", "pg_restore"),
        layout=ImageLayout("/home/kingbase/userdata", password_env="DB_PASSWORD"),
        image=f"registry.{EXAMPLE}/base/kingbase:v9",
        rehearsal="postgresql",
    ),
    EngineProfile(
        "sqlserver",
        "SQL Server",
        checkpoint=(
            "SQL Server 备份还原（BACKUP/RESTORE WITH NORECOVERY）或日志传送",
            "SQL Server BACKUP/RESTORE WITH NORECOVERY, or log shipping",
        ),
        layout=ImageLayout("/var/opt/mssql", password_env="MSSQL_SA_PASSWORD"),
    ),
    EngineProfile(
        "db2",
        "DB2",
        checkpoint=(
            "Db2 db2move / BACKUP 与 RESTORE，增量用 HADR",
            "Db2 db2move or BACKUP/RESTORE; the delta with HADR",
        ),
        layout=ImageLayout("/database", password_env="DB2INST1_PASSWORD"),
    ),
    EngineProfile(
        "mongodb",
        "MongoDB",
        checkpoint=(
            "mongodump/mongorestore，增量用副本集同步",
            "mongodump/mongorestore; the delta with a replica set",
        ),
        layout=ImageLayout(
            "/data/db",
            password_file="/run/secrets/mongo_root_password",
            file_env="MONGO_INITDB_ROOT_PASSWORD_FILE",
        ),
    ),
    EngineProfile(
        "oceanbase",
        "OceanBase",
        port=2881,
        checkpoint=(
            "OceanBase obdumper/obloader（逻辑导出导入），增量用 OMS 数据同步",
            "OceanBase obdumper/obloader (logical export and import); the delta with OMS",
        ),
    ),
    EngineProfile("other", "其他"),
)

BY_NAME: dict[str, EngineProfile] = {p.name: p for p in PROFILES}
NAMES: tuple[str, ...] = tuple(BY_NAME)
OTHER = BY_NAME["other"]


def profile(engine: str) -> EngineProfile:
    """The engine's profile; an engine the contract does not name is treated as `other`."""
    return BY_NAME.get(engine, OTHER)


def replicated() -> frozenset[str]:
    """The engines govmig moves warm with their own replication; the others move at a checkpoint."""
    return frozenset(p.name for p in PROFILES if p.replication)


def operated() -> tuple[EngineProfile, ...]:
    """The engines a cloud operator brings in."""
    return tuple(p for p in PROFILES if p.operator)
