// 资源监管: a month's utilization, idle systems and their requests, fees; supervisors decide the requests.
export const routes = [
  {
    path: "/money",
    name: "money",
    component: () => import("./MoneyView.vue"),
    meta: { roles: ["department", "ops", "supervisor"] },
  },
];

export const nav = [
  { path: "/money", zh: "资源监管", en: "Resources and money", roles: ["department", "ops", "supervisor"], order: 70 },
];
