// The ops engineer's pages: the waves board, a wave (its matrix, manual tasks and log, live), the waves that ran.
export const routes = [
  { path: "/ops/waves", name: "ops-board", component: () => import("./WavesBoard.vue"), meta: { roles: ["ops", "supervisor"] } },
  { path: "/ops/waves/:wave", name: "ops-wave", component: () => import("./WaveDetail.vue"), meta: { roles: ["ops", "supervisor"] }, props: true },
  { path: "/ops/ran", name: "ops-ran", component: () => import("./WavesRan.vue"), meta: { roles: ["ops", "supervisor"] } },
];

export const nav = [
  // ops open their console on the board; for supervisors these stand after their own pages
  { path: "/ops/waves", zh: "批次看板", en: "Waves board", roles: ["ops", "supervisor"], order: { ops: 1, supervisor: 40 } },
  { path: "/ops/ran", zh: "已执行批次", en: "Waves that ran", roles: ["ops", "supervisor"], order: { ops: 2, supervisor: 41 } },
];
