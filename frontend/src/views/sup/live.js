// The live dashboard document: drawn at once from GET /api/dashboard, then every new version the stream pushes
// (GET /api/health/stream gives ops and supervisors the dashboard's document after each monitor cycle).
import { onBeforeUnmount, onMounted, ref } from "vue";
import { api, listen } from "../../lib/api.js";

export function useDashboard(onChange) {
  const doc = ref(null);
  const error = ref(null);
  const connected = ref(false);
  let close = () => {};
  const take = (d) => {
    const before = doc.value;
    doc.value = d;
    error.value = null;
    connected.value = true;
    onChange && onChange(d, before);
  };
  onMounted(async () => {
    try {
      take(await api.get("/api/dashboard"));
    } catch (e) {
      error.value = e;
    }
    close = listen("/api/health/stream", "health", take);
  });
  onBeforeUnmount(() => close());
  return { doc, error, connected };
}
