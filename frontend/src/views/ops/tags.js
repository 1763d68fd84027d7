// Element Plus tag types for the states the ops pages show (always with words beside: never colour alone).
export const statusType = (s) =>
  ({ done: "success", running: "primary", paused: "warning", partial: "warning", failed: "danger", queued: "info" })[s] ?? "info";
export const preflightType = (s) => ({ ready: "success", not_ready: "danger" })[s] ?? "info";
export const cellType = (s) =>
  ({ done: "success", running: "primary", failed: "danger", waiting: "warning" })[s] ?? "info";
export const resultType = (s) =>
  ({ ok: "success", changed: "primary", failed: "danger", unreachable: "danger", waiting: "warning" })[s] ?? "info";
export const taskType = (s) => ({ done: "success", waiting: "warning" })[s] ?? "info";
