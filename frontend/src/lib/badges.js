// The nav's counts: what waits for its reader beside the page's name (the notices not delivered), read when the
// console opens and each minute after; a page that reads the same figures sets them itself (no second request).
import { reactive } from "vue";
import { api } from "./api.js";

export const badges = reactive({});

const SOURCES = {
  notices: { url: "/api/notifications", count: (d) => (d.retrying ?? 0) + (d.given_up ?? 0) },
};

export const EVERY_MS = 60_000;

/** Reads the counts of these badges; one that cannot be read shows nothing (its page says why). */
export async function refreshBadges(names) {
  for (const name of names) {
    const source = SOURCES[name];
    if (!source) continue;
    try {
      badges[name] = source.count(await api.get(source.url));
    } catch {
      delete badges[name];
    }
  }
}

/** What a page that read the figures itself found (the notices page's own answer). */
export function setBadge(name, data) {
  if (SOURCES[name]) badges[name] = SOURCES[name].count(data);
}
