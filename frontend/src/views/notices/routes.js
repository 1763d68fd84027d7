// 通知 The notices that did not go (retrying, or given up after their bound), for ops and supervisors.
export const routes = [
  {
    path: "/notices",
    name: "notices",
    component: () => import("./NoticesView.vue"),
    meta: { roles: ["ops", "supervisor"] },
  },
];

export const nav = [
  { path: "/notices", zh: "通知", en: "Notifications", roles: ["ops", "supervisor"], order: { ops: 6, supervisor: 42 },
    badge: "notices" },
];
