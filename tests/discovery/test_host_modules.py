"""The modules discovery ships to the hosts: `ss` and /proc/net read alike, and the facts measured read-only."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "playbooks" / "library"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, LIBRARY / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


connections = _module("govmig_connections")
facts = _module("govmig_facts")

PROC = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0E00A8C0:9C40 0F00A8C0:1538 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
   2: 0E00A8C0:9C41 0F00A8C0:1538 06 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
"""
PROC6 = """  sl  local_address                         remote_address                        st
   0: 0000000000000000FFFF00000E00A8C0:0CEA 0000000000000000FFFF00000F00A8C0:C350 01 0 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 0 0
"""
SS = """LISTEN 0 128 0.0.0.0:22 0.0.0.0:*
ESTAB 0 0 192.168.0.14:40000 192.168.0.15:5432
TIME-WAIT 0 0 192.168.0.14:40001 192.168.0.15:5432
ESTAB 0 0 [::ffff:192.168.0.14]:3306 [::ffff:192.168.0.15]:50000
LISTEN 0 128 [::1]:8080 [::]:*
"""


def test_ss_and_proc_net_read_the_same_connections() -> None:
    listening, established = connections.from_proc([PROC, PROC6])
    assert sorted(listening) == [("0.0.0.0", 22), ("::1", 8080)]
    assert sorted(established) == [
        (("192.168.0.14", 3306), ("192.168.0.15", 50000)),  # an IPv4-mapped IPv6 socket, as IPv4
        (("192.168.0.14", 40000), ("192.168.0.15", 5432)),  # TIME_WAIT (06) is not a connection held
    ]
    assert (sorted(listening), sorted(established)) == tuple(sorted(x) for x in connections.from_ss(SS))


@pytest.mark.skipif(shutil.which("ss") is None, reason="ss is not installed")
def test_on_this_machine_proc_net_sees_what_ss_sees() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        ss = subprocess.run(["ss", "-H", "-t", "-a", "-n"], capture_output=True, text=True, check=True).stdout
        heard, _ = connections.from_ss(ss)
        texts = [Path(p).read_text() for p in ("/proc/net/tcp", "/proc/net/tcp6") if Path(p).exists()]
        read, _ = connections.from_proc(texts)
    assert ("127.0.0.1", port) in heard and ("127.0.0.1", port) in read


def test_the_data_walk_counts_bytes_without_following_links(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 1000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 24)
    (tmp_path / "link").symlink_to("/etc/passwd")
    assert facts.used_under(str(tmp_path), 100) == {
        "path": str(tmp_path),
        "used_bytes": 1024,
        "files": 2,
        "truncated": False,
    }
    assert facts.used_under(str(tmp_path), 1)["truncated"] is True
    assert facts.used_under(str(tmp_path / "absent"), 1)["missing"] is True


def test_the_engine_is_told_by_what_the_server_answers() -> None:
    assert facts.observed_engine("mysql", "10.11.6-MariaDB-0+deb12u1") == "mariadb"
    assert facts.observed_engine("mysql", "8.0.36") == "mysql"
    assert facts.observed_engine("kingbase", "KingbaseES V008R006") == "kingbase"
    assert facts.observed_engine("kingbase", "PostgreSQL 15.18 on x86_64") == "postgresql"
