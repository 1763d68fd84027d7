#!/bin/sh
# service.sh start|stop HOME BIND PYTHON: the legacy service of one host (HOME holds app/, srv/ and run/).
set -eu
action=$1 home=$2 bind=$3 python=${4:-python3}
pid="$home/run/legacy.pid"
mkdir -p "$home/run"
case "$action" in
  start)
    if [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null; then exit 0; fi
    setsid "$python" "$home/app/legacy_app.py" --db "$home/srv/system/app.db" --data "$home/srv/system" \
      --bind "$bind" --port 8080 --name "$(basename "$home")" > "$home/run/legacy.log" 2>&1 < /dev/null &
    echo $! > "$pid"
    for _ in $(seq 1 50); do
      if "$python" -c "import urllib.request,sys; urllib.request.urlopen('http://$bind:8080/healthz', timeout=1)" 2>/dev/null; then exit 0; fi
      sleep 0.1
    done
    echo "legacy service did not come up" >&2; exit 1 ;;
  stop)
    if [ -f "$pid" ]; then kill "$(cat "$pid")" 2>/dev/null || true; rm -f "$pid"; fi ;;
esac
