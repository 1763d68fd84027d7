// The supervisor's day: the review queue and a version under review, progress against the deadlines, the live
// dashboard and the wall screen of the supervision centre, the approvals waiting, the reports.
const SUP = ["supervisor"];
const WATCH = ["supervisor", "ops"];

export const routes = [
  { path: "/reviews", name: "sup-reviews", component: () => import("./ReviewQueue.vue"), meta: { roles: SUP } },
  {
    path: "/reviews/:department/:version",
    name: "sup-review",
    component: () => import("./ReviewVersion.vue"),
    meta: { roles: SUP },
    props: true,
  },
  { path: "/progress", name: "sup-progress", component: () => import("./ProgressView.vue"), meta: { roles: WATCH } },
  { path: "/dashboard", name: "sup-dashboard", component: () => import("./DashboardView.vue"), meta: { roles: WATCH } },
  { path: "/wall", name: "sup-wall", component: () => import("./WallScreen.vue"), meta: { roles: WATCH, bare: true } },
  { path: "/approvals", name: "sup-approvals", component: () => import("./ApprovalsView.vue"), meta: { roles: WATCH } },
  { path: "/reports", name: "sup-reports", component: () => import("./ReportsView.vue"), meta: { roles: WATCH } },
];

export const nav = [
  { path: "/reviews", zh: "待审核", en: "Reviews", roles: SUP, order: 10 },
  { path: "/progress", zh: "迁移进度", en: "Progress", roles: SUP, order: 11 },
  // ops watch the same dashboard and approve each other's irreversible asks (a second person): after their waves
  { path: "/dashboard", zh: "监管看板", en: "Dashboard", roles: WATCH, order: { supervisor: 12, ops: 3 } },
  { path: "/wall", zh: "监管大屏", en: "Wall screen", roles: SUP, order: 13 },
  { path: "/approvals", zh: "待审批", en: "Approvals", roles: WATCH, order: { supervisor: 14, ops: 4 } },
  { path: "/reports", zh: "报告", en: "Reports", roles: WATCH, order: { supervisor: 15, ops: 5 } },
];
