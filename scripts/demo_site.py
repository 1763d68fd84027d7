"""For the demo: map a rendered wave's systems onto this machine, so `govmig run` can move them for real.

Each system gets a source folder with sample records, a target folder and a front-end file under HOSTS; the wave's
inventory is rewritten to reach them with Ansible's local connection. Everything else (the playbook, the roles,
the manifests) is exactly what `govmig render` wrote.
"""

from __future__ import annotations

import sys
from pathlib import Path

from orchestrator.render import dump_inventory, load_inventory


def main(tree: Path, wave: str, hosts: Path) -> None:
    inventory = tree / "inventories" / wave / "hosts.yml"
    doc = load_inventory(inventory.read_text(encoding="utf-8"))
    children = doc["all"]["children"]
    local = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}
    for group in ("private", "egov_internal", "egov_external", "govcloud", "frontends"):
        for name, hostvars in (children[group].get("hosts") or {}).items():
            system = hostvars["govmig_system"]
            home = hosts / hostvars["govmig_department"] / system
            hostvars.update(local)
            if group == "private":
                (home / "src").mkdir(parents=True, exist_ok=True)
                for n in range(5):
                    (home / "src" / f"records-{n}.txt").write_text(f"{system} 记录 record {n}\n" * 200)
                hostvars.update(govmig_data_dir=str(home / "src"), backup_dir=str(hosts / "backups"))
            elif group == "frontends":
                hostvars.update(
                    govmig_frontend_config=str(home / "frontend.conf"), govmig_frontend_reload="true"
                )
            else:
                hostvars.update(
                    govmig_data_dir=str(home / "tgt"),
                    govmig_source_address="localhost",
                    govmig_source_data_dir=str(home / "src"),
                    govmig_data_gb=0,
                    govmig_deploy_mode="host",
                )
                hostvars.pop("govmig_health_url", None)  # nothing listens on the demo hosts
            print(f"  {group:<14} {name} → {home}")
    inventory.write_text(dump_inventory(doc), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).resolve())
