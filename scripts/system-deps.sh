#!/usr/bin/env bash
# Debian packages the tests use, installed only when missing (a fresh machine has none of them).
# Each stage that needs a real component adds it to PACKAGES: this is the one list.
set -euo pipefail
PACKAGES=(
  fonts-wqy-zenhei   # Chinese text in the roadmap chart and reports
  prometheus         # promtool: checks and unit-tests the rendered alerting rules
  rsync              # the data_sync role moves data with it
  openssh-server     # sshd on the test hosts (network namespaces) of the two-host migration test
  openssh-client
  nginx-light        # the front end a cutover switches
  iproute2           # ip netns for the test hosts
  postgresql         # the store's tests run on PostgreSQL as well as SQLite; the rehearsal site's databases
  mariadb-server     # the rehearsal site's MySQL and MariaDB databases (replication, dumps, read-only)
  mariadb-client     # mariadb-dump and mariadb: the data roles' tools
  prometheus-blackbox-exporter  # probes the health URLs in the monitor's tests and the demo
  prometheus-alertmanager       # receives the monitor's health alerts in its tests
  prometheus-node-exporter      # the hosts' CPUs, memory and filesystems: the resource collection's tests
  curl                          # the demo asks the web service for its dashboard
  chromium                      # the web tests drive it headless through Playwright
  poppler-utils                 # pdftoppm: the report tests turn the PDF into pages
  faketime                      # libfaketime: a preflight test shifts the control node's clock against the hosts
)
need=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
echo "Debian packages ready: ${PACKAGES[*]:-(none needed yet)}"
