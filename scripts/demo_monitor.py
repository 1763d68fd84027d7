"""For the demo: watch the systems wave W01 just moved, with a real Prometheus and blackbox exporter on loopback.

The demo hosts have no services of their own, so each migrated system gets a small stand-in answering its health
URL; `govmig prometheus-config --map` points the rendered Probes at them (labels untouched). One stand-in is then
stopped, and the monitor reports it down within two cycles. Everything started here is stopped at the end.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from orchestrator.store import Store, open_store  # noqa: E402
from tests.monitor import lab  # noqa: E402


def govmig(*args: str) -> None:
    print("  $ govmig " + " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "orchestrator", *args], check=True, cwd=ROOT)


def main(tree: Path, db: str, out: Path) -> None:
    reason = lab.missing()
    if reason:
        print(f"  跳过实时监控 skipping live monitoring: {reason}")
        return
    store = Store(open_store(db))
    moved = sorted(
        s.system
        for w in store.waves()
        if not w.check_mode
        for s in store.systems(w.wave)
        if s.state == "done"
    )
    root = lab.workdir()
    apps = {key: lab.App().start() for key in moved}
    bb = lab.blackbox(root)
    config = out / "prometheus.yml"
    daemons: list[lab.Daemon] = []
    try:
        mapping = [f"--map={k}={a.health_url}" for k, a in apps.items()]
        govmig(
            "prometheus-config",
            "--tree",
            str(tree),
            "--db",
            db,
            "--blackbox",
            f"127.0.0.1:{bb.port}",
            "--interval",
            "2s",
            *mapping,
            "-o",
            str(config),
        )
        daemons.append(bb.start())
        daemons.append(lab.prometheus(root, config.read_text(encoding="utf-8")).start())
        prometheus = daemons[-1].url
        probed = lab.probed(prometheus)
        lab.wait_until(lambda: probed() == len(apps), 20, 0.5)  # the first probes have landed
        govmig(
            "monitor",
            "--prometheus",
            prometheus,
            "--tree",
            str(tree),
            "--db",
            db,
            "--cycles",
            "2",
            "--interval",
            "2",
        )
        victim = moved[0]
        print(
            f"\n  停止 {victim} 的服务，模拟故障 Stopping {victim}'s service to simulate an outage",
            flush=True,
        )
        apps[victim].stop()
        lab.wait_until(lambda: False, 3)
        govmig(
            "monitor",
            "--prometheus",
            prometheus,
            "--tree",
            str(tree),
            "--db",
            db,
            "--cycles",
            "3",
            "--interval",
            "2",
        )
        govmig("health", "--db", db)
        govmig("usage", "--db", db, "-o", str(out / "usage.yaml"))
        govmig("dashboard-export", "-o", str(out / "grafana-dashboard.json"))
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        for app in apps.values():
            app.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
