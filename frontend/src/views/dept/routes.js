// The department clerk's pages: my systems, the plan editor (form, YAML, Excel), the versions side by side.
// Ops (who submit too) and supervisors open a department's pages with ?department=CODE.
const roles = ["department", "ops", "supervisor"];

export const routes = [
  { path: "/dept/systems", name: "dept-systems", component: () => import("./MySystems.vue"), meta: { roles } },
  { path: "/dept/plan", name: "dept-plan", component: () => import("./PlanEditor.vue"),
    meta: { roles: ["department", "ops"] } },
  { path: "/dept/versions", name: "dept-versions", component: () => import("./PlanVersions.vue"), meta: { roles } },
];

export const nav = [
  { path: "/dept/systems", zh: "我的系统", en: "My systems", roles: ["department"], order: 10 },
  { path: "/dept/plan", zh: "迁移计划", en: "Migration plan", roles: ["department"], order: 11 },
  { path: "/dept/versions", zh: "版本", en: "Versions", roles: ["department"], order: 12 },
];
