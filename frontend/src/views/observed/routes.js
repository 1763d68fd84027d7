// What discovery found on the sources' hosts, for each department (and ops and supervisors reading it).
export const routes = [
  {
    path: "/observed/:department?",
    name: "observed",
    component: () => import("./ObservedView.vue"),
    meta: { roles: ["department", "ops", "supervisor"] },
  },
];

export const nav = [
  { path: "/observed", zh: "观测结果", en: "Observed", roles: ["department", "ops", "supervisor"], order: 60 },
];
