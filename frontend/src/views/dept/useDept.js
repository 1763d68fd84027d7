// Which department the pages are about (the clerk's own; ops and supervisors name one with ?department=), and
// the server's bilingual words in the language shown.
import { computed, ref, watch } from "vue";
import { useI18n } from "vue-i18n";
import { useRoute, useRouter } from "vue-router";
import { api } from "../../lib/api.js";
import { me, loadMe } from "../../lib/session.js";

export function useDepartment() {
  const route = useRoute();
  const router = useRouter();
  const choices = ref([]);
  const code = computed(() => me.department || route.query.department || "");
  const choose = (value) => router.replace({ query: { ...route.query, department: value } });
  loadMe().then(() => {
    if (!me.department) api.get("/api/departments").then((d) => (choices.value = d));
  });
  return { code, choices, choose, own: computed(() => !!me.department) };
}

/** The text of a {zh, en} object in the language shown. */
export function useSaid() {
  const { locale } = useI18n();
  return (obj) => (obj ? (locale.value === "en" ? obj.en : obj.zh) || obj.zh || "" : "");
}

/** Runs `load` now and whenever the department changes. */
export function whenDepartment(code, load) {
  watch(code, (value) => value && load(value), { immediate: true });
}
