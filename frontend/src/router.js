// Each area's routes (views/AREA/routes.js: `routes` with meta.roles, and `nav`) are picked up by themselves;
// a page is loaded when first visited. The server authorizes every request all the same.
import { createRouter, createWebHistory } from "vue-router";
import { loadMe, me } from "./lib/session.js";

const areas = import.meta.glob("./views/*/routes.js", { eager: true });
const areaRoutes = Object.values(areas).flatMap((m) => m.routes ?? []);

/** Every nav entry of every area: [{path, zh, en, roles, order?}]; `order` is a number, or one per role
 * ({ops: 1, supervisor: 40}) where an entry shared by roles stands elsewhere in each one's header. */
const allNav = Object.values(areas).flatMap((m) => m.nav ?? []);
const orderFor = (n, role) => (typeof n.order === "object" ? n.order[role] ?? 50 : n.order ?? 50);

/** The header's entries for a role, in that role's order; the first is where the role's console opens. */
export function navFor(role) {
  return allNav.filter((n) => n.roles.includes(role)).sort((a, b) => orderFor(a, role) - orderFor(b, role));
}

export const router = createRouter({
  history: createWebHistory("/app/"),
  routes: [
    { path: "/", name: "home", component: () => import("./views/home/HomeView.vue") },
    ...areaRoutes,
    { path: "/forbidden", name: "forbidden", component: () => import("./views/home/ForbiddenView.vue") },
    { path: "/:rest(.*)*", name: "not-found", component: () => import("./views/home/NotFoundView.vue") },
  ],
});

router.beforeEach(async (to) => {
  await loadMe();
  const roles = to.meta?.roles;
  if (Array.isArray(roles) && !roles.includes(me.role)) return { name: "forbidden" };
  if (to.name === "home") {
    const first = navFor(me.role)[0];
    if (first) return first.path;
  }
  return true;
});
