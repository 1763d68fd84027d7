// What the live region says next: pages announce changes (a wave's progress, a new health cycle) through it.
import { ref } from "vue";

export const announcement = ref("");

export function announce(text) {
  announcement.value = "";
  // a new node text each time, so screen readers read a repeat too
  requestAnimationFrame(() => (announcement.value = text));
}
