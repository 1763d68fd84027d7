// govmig: the little JavaScript the pages need. Writes carry the session's CSRF token; live views use SSE.
"use strict";
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
const $ = (sel) => document.querySelector(sel);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };

async function api(method, url, body) {
  const opts = { method, headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" } };
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  const r = await fetch(url, opts);
  const data = r.headers.get("content-type")?.includes("json") ? await r.json() : {};
  return { ok: r.ok, status: r.status, data };
}

// every error body is {zh, en} (with field), or {zh, en, errors: [{zh, en, location}]} where there are several
function said(body) {
  if (!body || !body.zh) return "请求未能完成 / the request could not be completed";
  const each = (body.errors || []).map((e) => `${e.zh} / ${e.en}`);
  return [`${body.zh} / ${body.en}`, ...each].join("\n");
}

function row(table, cells, cls) {
  const tr = el("tr", undefined, cls);
  for (const c of cells) tr.appendChild(c instanceof Node ? c : el("td", c === null || c === undefined ? "" : String(c)));
  table.appendChild(tr);
}

// ---- plans -------------------------------------------------------------------------------------------------
function showResult(data) {
  const box = $("#result");
  box.replaceChildren();
  if (data.version) box.appendChild(el("p", `已保存为 v${data.version} saved as version ${data.version}`, "saved"));
  box.appendChild(el("p", data.valid ? "✔ 计划有效 the plan is valid" : "✘ 计划有错误 the plan has errors", data.valid ? "ok" : "error"));
  if (data.problems && data.problems.length) {
    const t = el("table"); t.id = "problems";
    row(t, ["级别 severity", "位置 location", "问题", "problem"].map((h) => el("th", h)));
    for (const p of data.problems) row(t, [p.severity, p.location, p.zh, p.en], p.severity);
    box.appendChild(t);
  }
  if (data.assessment && data.assessment.length) showAssessment(data.assessment);
}

const ACTIONS = { migrate: "迁移", retire: "清理", stay: "保留", blocked: "暂缓（未获批）" };
const NETWORKS = { egov_internal: "电子政务内网", egov_external: "电子政务外网", private: "原网络" };

// Each line in words, Chinese first with English beside it, the rule in brackets: what a clerk can act on.
function said_lines(items) {
  const td = el("td");
  for (const x of items) {
    const p = el("p", `${x.rule ? `[${x.rule}] ` : ""}${x.zh}`, "said");
    p.appendChild(el("span", ` ${x.en}`, "en"));
    td.appendChild(p);
  }
  return td;
}

function showAssessment(decisions) {
  const a = $("#assessment");
  a.replaceChildren();
  const t = el("table"); t.id = "assessment-table";
  const states = decisions.some((d) => d.lifecycle);
  row(t, ["系统 system", "决定 action", "去向 target", "原因 why", "要做的 to do", ...(states ? ["状态 state"] : [])].map((h) => el("th", h)));
  for (const d of decisions) {
    const target = d.target_network ? `${NETWORKS[d.target_network] || ""} ${d.target_network}${d.cloud ? " · 政务云 cloud" : ""}` : "";
    const todo = [...(d.fixes || []), ...(d.notes || [])];
    const cells = [d.system, `${ACTIONS[d.action] || ""} ${d.action}`, target, said_lines(d.reasons || []), said_lines(todo)];
    if (states) cells.push(lifecycleCell(d));
    row(t, cells, d.action);
  }
  a.appendChild(t);
}

// The system's lifecycle state, what its department does next, and, once it waits for acceptance, the
// department's own accept and problem buttons.
function lifecycleCell(d) {
  const td = el("td", undefined, "lifecycle");
  const l = d.lifecycle;
  if (!l) return td;
  const p = el("p", `${l.zh} `, `state-${l.state}`);
  p.appendChild(el("span", l.state, "en"));
  td.appendChild(p);
  if (l.next && l.next.zh) { const n = el("p", `${l.next.zh} `, "hint"); n.appendChild(el("span", l.next.en, "en")); td.appendChild(n); }
  for (const x of l.problems || []) td.appendChild(el("p", `⚠ 已报告问题 raised: ${x.comment}`, "raised"));
  const page = $("#plan-page");
  if (l.state === "awaiting_acceptance" && page.dataset.role === "department") {
    const box = el("span", undefined, "acceptance"); box.dataset.system = d.system;
    const comment = el("input", undefined, "acceptance-comment"); comment.maxLength = 2000; comment.placeholder = "意见 comment";
    const accept = el("button", "验收 Accept", "acceptance-accept");
    const problem = el("button", "报告问题 Raise a problem", "acceptance-problem");
    const send = async (what) => {
      const url = `/api/systems/${page.dataset.department}/${encodeURIComponent(d.system)}/${what}`;
      const r = await api("POST", url, { comment: comment.value });
      if (r.ok) location.reload(); else $("#result").textContent = said(r.data);
    };
    accept.addEventListener("click", () => send("accept"));
    problem.addEventListener("click", () => send("problem"));
    box.append(comment, accept, problem);
    td.appendChild(box);
  }
  return td;
}

async function sendPlan(kind) {
  const dept = $("#plan-page").dataset.department;
  const form = new FormData();
  if (kind === "upload") {
    const f = $("#plan-file").files[0];
    if (!f) return;
    form.append("file", f, f.name);
  } else {
    form.append("content", $("#plan-text").value);
    form.append("filename", $("#plan-text").value.trim().startsWith("{") ? "plan.json" : "plan.yaml");
  }
  const url = kind === "check" ? `/api/plans/${dept}/validate` : `/api/plans/${dept}`;
  const r = await api("POST", url, form);
  if (!r.ok) { $("#result").replaceChildren(el("p", said(r.data), "error")); return; }
  showResult(r.data);
  if (kind !== "check") setTimeout(() => location.reload(), 2500);
}

async function myDecisionsAndWaves(dept) {
  const [d, w] = await Promise.all([api("GET", `/api/decisions?department=${encodeURIComponent(dept)}`), api("GET", "/api/waves")]);
  if (d.ok && d.data.length && !$("#assessment-table")) showAssessment(d.data);
  if (!w.ok) return;
  const t = el("table"); t.id = "my-waves";
  row(t, ["批次 wave", "开始 start", "结束 end", "系统 systems"].map((h) => el("th", h)));
  for (const x of w.data.waves) row(t, [x.id, x.start.slice(0, 10), x.end.slice(0, 10), x.systems.join(", ")]);
  $("#my-health").before(el("h2", "我的迁移批次 My waves"), t);
}

async function myHealth(dept) {
  const r = await api("GET", `/api/health?department=${encodeURIComponent(dept)}`);
  const box = $("#my-health");
  if (!r.ok || !box) return;
  const t = el("table");
  const said = r.data.said || { states: {}, reasons: {} };
  for (const s of r.data.systems) {
    const why = said.reasons[s.reason] || { zh: s.reason, en: "" };
    row(t, [s.system, `${said.states[s.state] || ""} ${s.state}`, `${why.zh} ${why.en}`], s.state);
  }
  box.replaceChildren(t);
}

// ---- waves -------------------------------------------------------------------------------------------------
const WAITING = "已提交，等待另一人审批 asked: waiting for a second person's approval";
const OPERATIONS = {
  rollback: ["回退到源系统", "Roll back to the source", "切换后目标上的写入将带回源系统。", "The target's writes since cutover are carried back to the source."],
  decommission: ["下线源系统", "Decommission the source", "源系统下线后不能再回退；须另一人批准后才执行。", "Once the source is off there is no way back; a second person must approve before it runs."],
};

// The dialog names the system and asks its key typed out; what cannot be undone is only asked (202), then waits.
function confirmThen(what, system) {
  const dialog = $("#confirm-dialog"), key = $("#confirm-key"), ok = $("#confirm-ok"), discard = $("#confirm-discard");
  const wave = $("#wave-page").dataset.wave;
  const [zh, en, warnZh, warnEn] = OPERATIONS[what];
  $("#confirm-title").textContent = `${zh} ${en}`;
  $("#confirm-system").textContent = system;
  $("#confirm-warning").textContent = `${warnZh} ${warnEn}`;
  $("#confirm-discard-row").hidden = what !== "rollback";
  discard.checked = false; key.value = ""; ok.disabled = true;
  key.oninput = () => { ok.disabled = key.value.trim() !== system; };
  dialog.onclose = async () => {
    if (dialog.returnValue !== "ok" || key.value.trim() !== system) return;
    const [d, id] = system.split("/");
    const body = { confirm: key.value.trim() };
    if (what === "rollback") body.discard_target_writes = discard.checked;
    const r = await api("POST", `/api/waves/${wave}/${what}/${d}/${id}`, body);
    $("#control-result").textContent = !r.ok ? said(r.data) : r.status === 202 ? `${WAITING} (#${r.data.approval})` : "回退中 rolling back";
    if (r.status === 202) approvalsTable($("#wave-page").dataset.me);
  };
  dialog.showModal();
  key.focus();
}

// Asks waiting for a second person: anyone but the asker may approve or reject them here.
async function approvalsTable(me) {
  const t = $("#approvals");
  const r = await api("GET", "/api/approvals?status=pending");
  if (!t || !r.ok) return;
  while (t.rows.length > 1) t.deleteRow(1);
  for (const a of r.data) {
    const td = el("td");
    if (a.asked_by !== me) {
      for (const [decision, label] of [["approve", "批准 approve"], ["reject", "驳回 reject"]]) {
        const b = el("button", label, `approval-${decision}`);
        b.addEventListener("click", async () => {
          const done = await api("POST", `/api/approvals/${a.id}`, { decision, comment: "" });
          $("#approval-result").textContent = done.ok ? `#${a.id} ${done.data.status}` : said(done.data);
          approvalsTable(me);
        });
        td.appendChild(b);
      }
    } else td.textContent = "等待另一人 waiting for someone else";
    row(t, [a.id, `${a.kind_zh} ${a.kind}`, a.system, a.asked_by, a.status, td]);
  }
}

function wavePage() {
  const page = $("#wave-page"), wave = page.dataset.wave, check = page.dataset.check === "true";
  const q = `check=${check}`;
  const control = async (what, body) => {
    const r = await api("POST", `/api/waves/${wave}/${what}?${q}`, body);
    $("#control-result").textContent = r.ok ? (what === "run" ? "已排队，由执行器执行 queued for a worker" : "暂停中 pausing") : said(r.data);
    // a finished wave runs again only when asked for on purpose (audited)
    if (what === "run" && r.status === 409 && $("#wave-status").textContent.startsWith("done")
        && window.confirm("该批次已完成。确定重新执行？（记入审计）\nThe wave is done. Run it again? (audited)")) {
      await control("run", { rerun: true });
    }
  };
  $("#run")?.addEventListener("click", () => control("run"));
  $("#pause")?.addEventListener("click", () => control("pause"));
  const source = new EventSource(`/api/waves/${wave}/stream?${q}`);
  source.addEventListener("state", (e) => {
    const s = JSON.parse(e.data);
    const job = s.job ? ` · ${s.job.status_zh} ${s.job.status === "queued" ? "waiting for a worker" : "run by " + s.job.worker}` : "";
    $("#wave-status").textContent = s.status + job;
    const t = $("#systems");
    while (t.rows.length > 1) t.deleteRow(1);
    for (const x of s.systems) {
      const v = x.verification || {};
      const equal = [v.databases_equal, v.files_equal].filter((e) => e !== null && e !== undefined);
      const verified = !equal.length ? (v.checkpoints && v.checkpoints.length ? "待确认 awaiting confirmation" : "–")
        : equal.every(Boolean) ? `✓ ${v.tables || 0} 表 tables · ${(v.rows || 0).toLocaleString()} 行 rows` + (v.files !== null ? ` · ${v.files} 文件 files` : "")
        : `✗ ${(v.differ || []).join(", ")}`;
      const downtime = v.write_downtime_seconds == null ? "" : `${v.write_downtime_seconds.toFixed(1)} s`;
      const a = x.acceptance;  // the department's word since cutover: a problem sits beside the rollback it may call for
      const open = a && !a.accepted && a.problems.length;
      const word = el("td", !a ? "" : a.accepted ? `✓ 已验收 accepted (${a.accepted.by})`
        : open ? a.problems.map((p) => `⚠ ${p.comment} (${p.by})`).join("\n") : "待验收 awaiting", open ? "problem" : undefined);
      const cells = [x.system, x.state, `${x.step || ""} ${x.step_status || ""}`, x.attempts, x.error || "", verified, downtime, word];
      if ($("#run") && !check) {
        const b = el("button", "回退 roll back", "rollback");
        b.addEventListener("click", () => confirmThen("rollback", x.system));
        const td = el("td"); td.appendChild(b); cells.push(td);
        if (a && a.accepted && x.state === "done") {  // accepted: ops may switch the source off (gated server-side)
          const off = el("button", "下线源系统 decommission", "decommission");
          off.addEventListener("click", () => confirmThen("decommission", x.system));
          td.appendChild(off);
        }
      }
      row(t, cells, x.state);
    }
  });
  if ($("#approvals")) { approvalsTable(page.dataset.me); source.addEventListener("state", () => approvalsTable(page.dataset.me)); }
  source.addEventListener("log", (e) => {
    const l = JSON.parse(e.data), log = $("#log");
    log.textContent += `${l.at.slice(11, 19)} ${l.system} [${l.step}] ${l.kind} ${l.host || ""} ${l.task || ""}\n`;
    log.scrollTop = log.scrollHeight;
  });
}

// ---- dashboard ---------------------------------------------------------------------------------------------
const STATES = ["up", "degraded", "down", "unknown"];
function bars(box, groups, names = {}) {
  box.replaceChildren();
  if (!Object.keys(groups).length) box.appendChild(el("p", "等待第一个监控周期 waiting for the first monitoring cycle", "muted"));
  for (const [name, counts] of Object.entries(groups)) {
    const total = STATES.reduce((n, s) => n + (counts[s] || 0), 0) || 1;
    const line = el("div", undefined, "bar-line");
    const label = el("span", names[name] || name, "bar-name");
    label.title = name;
    line.appendChild(label);
    const bar = el("span", undefined, "bar");
    for (const s of STATES) if (counts[s]) { const seg = el("span", String(counts[s]), `seg ${s}`); seg.style.width = `${(100 * counts[s]) / total}%`; bar.appendChild(seg); }
    line.appendChild(bar);
    box.appendChild(line);
  }
}

function table(sel, head, rows) {
  const t = $(sel); t.replaceChildren();
  row(t, head.map((h) => el("th", h)));
  for (const r of rows) row(t, r.cells, r.cls);
}

function dashboard(d) {
  const said = (x) => `${x.reason_zh} ${x.reason_en}`;
  const state = (x) => `${x.state_zh} ${x.state}`;
  const who = (x) => `${x.name}（${x.system}）`;
  $("#last-cycle").textContent = d.last_cycle_local ? `${d.last_cycle_local}（${d.time_zone}）` : "尚无监控周期 no monitoring cycle yet";
  $("#reachable").textContent = d.prometheus_reachable === false ? "不可达 unreachable" : d.prometheus_reachable ? "可达 reachable" : "–";
  for (const s of STATES) $(`#count-${s}`).textContent = d.counts[s] || 0;
  bars($("#by-department"), d.by.department, d.department_names);
  bars($("#by-wave"), d.by.wave);
  bars($("#by-zone"), d.by.zone);
  table("#alerts", ["系统 system", "部门 department", "状态 state", "原因 reason", "自 since"], d.alerts.map((a) => ({ cells: [who(a), a.department_name, state(a), said(a), a.since_local], cls: a.state })));
  table("#budget", ["系统 system", "余量 left"], d.budget.map((b) => ({ cells: [who(b), `${Math.round(b.budget_left * 100)}%`] })));
  table("#zombies", ["系统 system", "部门 department", "依据 criteria"], d.zombies.map((z) => ({ cells: [who(z), z.department_name, z.reasons.map((r) => `${r.rule}: ${r.zh}`).join("；")] })));
  table("#systems-health", ["系统 system", "部门 department", "区域 zone", "批次 wave", "状态 state", "原因 reason"], d.systems.map((x) => ({ cells: [who(x), x.department_name, x.zone, x.wave, state(x), said(x)], cls: x.state })));
  $("#systems-total").textContent = d.systems_total > d.systems.length ? `(${d.systems.length} / ${d.systems_total})` : `(${d.systems_total})`;
  table("#late", ["系统 system", "期限 deadline", "逾期天数 days late", "原因 binding"], d.late.map((x) => ({ cells: [who(x), x.deadline, x.days_late, x.zh || x.binding] })));
  table("#lifecycle", ["状态 state", "系统数 systems"], (d.lifecycle || []).map((x) => ({ cells: [`${x.zh} ${x.state}`, x.systems] })));
  table("#problems-raised", ["系统 system", "批次 wave", "问题 problem", "报告人 by", "时间 at"], (d.problems || []).map((x) => ({ cells: [who(x), x.wave, x.comment, x.by, x.at.slice(0, 16)] })));
}

document.addEventListener("DOMContentLoaded", () => {
  if ($("#plan-page")) {
    $("#upload")?.addEventListener("click", () => sendPlan("upload"));
    $("#check")?.addEventListener("click", () => sendPlan("check"));
    $("#submit")?.addEventListener("click", () => sendPlan("submit"));
    $("#diff")?.addEventListener("click", async () => {
      const dept = $("#plan-page").dataset.department;
      const r = await api("GET", `/api/plans/${dept}/diff?a=${$("#diff-a").value}&b=${$("#diff-b").value}`);
      $("#diff-out").textContent = r.ok ? r.data.diff || "（无差异 no difference）" : said(r.data);
    });
    document.querySelectorAll(".review").forEach((box) => {
      const send = async (decision) => {
        const dept = $("#plan-page").dataset.department;
        const comment = box.querySelector(".review-comment").value;
        const r = await api("POST", `/api/plans/${dept}/versions/${box.dataset.version}/review`, { decision, comment });
        if (r.ok) location.reload();
        else $("#result").textContent = said(r.data);
      };
      box.querySelector(".review-approve").addEventListener("click", () => send("approve"));
      box.querySelector(".review-return").addEventListener("click", () => send("return"));
    });
    myDecisionsAndWaves($("#plan-page").dataset.department);
    myHealth($("#plan-page").dataset.department);
  }
  $("#render")?.addEventListener("click", async () => {
    $("#render-result").textContent = "生成中 rendering…";
    const r = await api("POST", "/api/render");
    $("#render-result").textContent = r.ok ? `已写入 written ${r.data.written}, 未变 unchanged ${r.data.unchanged}` : said(r.data);
  });
  if ($("#wave-page")) wavePage();
  const reportLinks = () => {
    const dept = $("#department")?.value;
    for (const a of document.querySelectorAll("a[data-report]")) {
      const scope = dept && a.dataset.department ? `&department=${encodeURIComponent(dept)}` : "";
      a.href = `/api/reports/${a.dataset.report}.${a.dataset.fmt}?year=${$("#year").value}${scope}`;
    }
  };
  $("#year")?.addEventListener("change", reportLinks);
  $("#department")?.addEventListener("change", reportLinks);
  if ($("#dashboard-page")) {
    const source = new EventSource("/api/health/stream");
    source.addEventListener("health", (e) => dashboard(JSON.parse(e.data)));
  }
});
