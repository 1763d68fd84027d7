// Each area's routes (views/AREA/routes.js: `routes` with meta.roles, and `nav`) are picked up by themselves;
// a page is loaded when first visited. The server authorizes every request all the same.
import { createRouter, createWebHistory } from "vue-router";
import { loadMe, me } from "./lib/session.js";

const areas = import.meta.glob("./views/*/routes.js", { eager: true });
const areaRoutes = Object.values(areas).flatMap((m) => m.routes ?? []);

/** Every nav entry of every area, in area order: [{path, zh, en, roles, order?}]. */
export const nav = Object.values(areas)
  .flatMap((m) => m.nav ?? [])
  .sort((a, b) => (a.order ?? 50) - (b.order ?? 50));

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
    const first = nav.find((n) => n.roles.includes(me.role));
    if (first) return first.path;
  }
  return true;
});
