// 预检 Asking a wave's preflight (ops): one at a time, seconds to a minute; the result, or the server's word.
import { ref } from "vue";
import { api } from "../../lib/api.js";
import { announce } from "../../lib/live.js";

export function usePreflight(t) {
  const asking = ref(""); // the wave being preflighted, "" when none
  const result = ref(null); // {wave, ready, at, findings}
  const error = ref(null);

  async function ask(wave) {
    if (asking.value) return null;
    asking.value = wave;
    error.value = null;
    announce(t("ops.preflight.running", { wave }));
    try {
      result.value = await api.post(`/api/waves/${encodeURIComponent(wave)}/preflight`);
      const said = result.value.ready ? "ops.preflight.passed" : "ops.preflight.failed";
      announce(t(said, { wave, n: result.value.findings.length }));
      return result.value;
    } catch (e) {
      error.value = e;
      return null;
    } finally {
      asking.value = "";
    }
  }
  return { asking, result, error, ask };
}
