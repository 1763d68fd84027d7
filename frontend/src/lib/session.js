// Who is signed in (GET /api/me), loaded once before the router's first guard.
import { reactive } from "vue";
import { api } from "./api.js";

export const me = reactive({ username: "", role: "", department: null, loaded: false });

export async function loadMe() {
  if (!me.loaded) Object.assign(me, await api.get("/api/me"), { loaded: true });
  return me;
}

export function signOut() {
  const form = document.createElement("form");
  form.method = "post";
  form.action = "/logout";
  const csrf = document.createElement("input");
  csrf.type = "hidden";
  csrf.name = "csrf";
  csrf.value = api.csrf();
  form.appendChild(csrf);
  document.body.appendChild(form);
  form.submit();
}
