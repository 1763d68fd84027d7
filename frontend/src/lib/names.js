// Names beside codes: the departments' and systems' names the caller may see, from GET /api/names.
import { reactive } from "vue";
import { api } from "./api.js";

const state = reactive({ departments: {}, systems: {}, loaded: false });
let pending = null;

export function loadNames(force = false) {
  if (!pending || force) {
    pending = api.get("/api/names").then((n) => {
      state.departments = n.departments ?? {};
      state.systems = n.systems ?? {};
      state.loaded = true;
      return state;
    });
  }
  return pending;
}

export function useNames() {
  loadNames();
  return {
    names: state,
    deptName: (code) => state.departments[code] ?? "",
    /** A system's name by its key DEPT/ID (or by department and id). */
    systemName: (key, id) => state.systems[id === undefined ? key : `${key}/${id}`] ?? "",
  };
}
