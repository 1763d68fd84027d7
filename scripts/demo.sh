#!/usr/bin/env bash
# The demo: every stage that exists so far, run on the example province. Output goes under $2.
set -euo pipefail
PY="$1"; OUT="$2"
GOVMIG=("$PY" -m orchestrator)
export COLUMNS="${COLUMNS:-120}"  # tables stay readable when the output is a pipe
mkdir -p "$OUT"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. 检查各部门迁移计划 Validate the departments' plans (examples/province)"
"${GOVMIG[@]}" validate examples/province
"${GOVMIG[@]}" validate examples/province --format json > "$OUT/validation.json"

say "2. 部门填报模板 The department's Excel template"
"${GOVMIG[@]}" template "$OUT/迁移计划模板-plan-template.xlsx"

say "3. 按政策评估每个系统 Assess every system by the policy (examples/policy.yaml)"
"${GOVMIG[@]}" assess examples/province --policy examples/policy.yaml -o "$OUT/assess"

say "4. 迁移批次和路线图 Waves and the roadmap (examples/schedule.yaml)"
"${GOVMIG[@]}" plan examples/province --policy examples/policy.yaml --schedule examples/schedule.yaml -o "$OUT/plan"

say "5. 生成迁移制品 Render manifests, monitoring, playbooks and inventories"
"${GOVMIG[@]}" render examples/province --policy examples/policy.yaml --schedule examples/schedule.yaml -o "$OUT/render"

say "6. 演练环境中执行第一批 Rehearse wave W01: its hosts as stand-ins here, its databases real servers (govmig lab)"
[ -f "$OUT/site/lab.json" ] && "${GOVMIG[@]}" lab down "$OUT/site"
rm -rf "$OUT/site" "$OUT/govmig.db"
"${GOVMIG[@]}" lab up "$OUT/render" W01 "$OUT/site"
trap '"${GOVMIG[@]}" lab down "$OUT/site" > /dev/null 2>&1 || true' EXIT
"${GOVMIG[@]}" preflight W01 --tree "$OUT/render" --db "sqlite:///$OUT/govmig.db"  # a real run needs a ready one
"${GOVMIG[@]}" run W01 --tree "$OUT/render" --db "sqlite:///$OUT/govmig.db" --hold 0
"${GOVMIG[@]}" status W01 --db "sqlite:///$OUT/govmig.db"
"${GOVMIG[@]}" lab down "$OUT/site"
trap - EXIT

say "7. 实时监管（本机 Prometheus）Watch the migrated systems live (Prometheus + blackbox exporter on loopback)"
"$PY" scripts/demo_monitor.py "$OUT/render" "sqlite:///$OUT/govmig.db" "$OUT"

say "8. 网页服务 The web service: departments submit, ops operate, supervisors watch"
DB="sqlite:///$OUT/govmig.db"
for spec in "ops-demo ops" "supervisor-demo supervisor" "rst-demo department 630000-RST"; do
  set -- $spec
  printf 'Demo-2026-%s\n' "$2" | "${GOVMIG[@]}" user add "$1" --role "$2" ${3:+--department "$3"} --password-stdin --db "$DB"
done
TOKEN=$(printf 'Demo-2026-api\n' | "${GOVMIG[@]}" user add api-demo --role supervisor --password-stdin --token --db "$DB" --format json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVE=("${GOVMIG[@]}" serve --db "$DB" --tree "$OUT/render" --port "$PORT" --plans examples/province
       --policy examples/policy.yaml --schedule examples/schedule.yaml --secret-file "$OUT/.govmig-secret")
"${SERVE[@]}" > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/login" > /dev/null 2>&1 && break; sleep 0.5; done
echo "  地址 address: http://127.0.0.1:$PORT/   (OpenAPI: http://127.0.0.1:$PORT/docs)"
echo "  用户 users (password 密码):"
echo "    ops-demo        运维 ops          Demo-2026-ops"
echo "    supervisor-demo 监管 supervisor   Demo-2026-supervisor"
echo "    rst-demo        部门 630000-RST   Demo-2026-department"
echo "  $ curl -H 'Authorization: Bearer …' http://127.0.0.1:$PORT/api/dashboard"
curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/dashboard" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print("  健康 health:", d["counts"], "· 告警 alerts:", [a["system"] for a in d["alerts"]], "· 僵尸候选 zombie candidates:", len(d["zombies"]))'
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT
echo "  （演示结束后已停止；再次启动 stopped after the demo; to start it again:）"
echo "    ${SERVE[*]}"
echo "  网页提交的批次由执行器执行 waves asked for in the browser are carried out by a worker:"
echo "    ${GOVMIG[*]} worker --db $DB --tree $OUT/render --hold 0"

say "9. 报告 Reports: the audit inventory, the annual report and the department evaluation"
YEAR=$(date +%Y)
"${GOVMIG[@]}" report inventory examples/province --policy examples/policy.yaml -o "$OUT/reports"
"${GOVMIG[@]}" report annual examples/province --policy examples/policy.yaml --schedule examples/schedule.yaml \
  --year "$YEAR" --db "$DB" -o "$OUT/reports"
"${GOVMIG[@]}" report evaluation examples/province --policy examples/policy.yaml --schedule examples/schedule.yaml \
  --evaluation examples/evaluation.yaml --year "$YEAR" --db "$DB" -o "$OUT/reports"

say "输出 Output"
echo "  $OUT/validation.json            校验结果 validation result (JSON)"
echo "  $OUT/迁移计划模板-plan-template.xlsx  部门填报模板 department template"
echo "  $OUT/assess/台账-ledger.xlsx       台账 the ledger: every system, its decision and the rules behind it"
echo "  $OUT/assess/decisions.json          决定 decisions (the JSON contract)"
echo "  $OUT/plan/waves.yaml, waves.json     迁移批次 the waves (the JSON contract)"
echo "  $OUT/plan/roadmap.png, roadmap.svg   路线图 the roadmap (Gantt chart)"
echo "  $OUT/render/                         制品 manifests/ (Kustomize: base, overlays per zone and DR), monitoring/,"
echo "                                       playbooks/ (one per wave), inventories/ (per wave), index.json"
echo "      try: kubectl kustomize $OUT/render/manifests/overlays/extranet | less"
echo "  $OUT/govmig.db                       状态库 the store: states, step log, events, audit (SQLite)"
echo "  $OUT/render/gitops/W01/              没有集群时的清单 manifests handed to GitOps (no cluster configured)"
echo "  $OUT/site/                           演练环境 the rehearsal site (taken down after the run; govmig lab up to rebuild)"
echo "  $OUT/prometheus.yml                  监控配置 Prometheus config made from the rendered Probes"
echo "  $OUT/usage.yaml                      实测使用 measured usage (MeasuredUsage) for govmig assess --usage"
echo "  $OUT/grafana-dashboard.json          Grafana 看板 dashboard (variables: department, zone, wave)"
echo "      try: govmig health --db sqlite:///$OUT/govmig.db --watch"
echo "  $OUT/reports/                        报告 审计清单 inventory.xlsx; 年度报告 annual (HTML, PDF, XLSX); 考核评价 evaluation (HTML, PDF, XLSX)"
