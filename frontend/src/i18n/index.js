// Chinese first, every string also in English, including everything drawn at run time. Each area's messages
// (views/AREA/messages.js, exporting {zh: {AREA: ...}, en: {AREA: ...}}) are merged in by themselves.
import { createI18n } from "vue-i18n";
import common from "./common.js";

const areas = import.meta.glob("../views/*/messages.js", { eager: true, import: "default" });
const messages = { zh: { ...common.zh }, en: { ...common.en } };
for (const m of Object.values(areas)) {
  Object.assign(messages.zh, m.zh);
  Object.assign(messages.en, m.en);
}

const saved = localStorage.getItem("govmig.lang");
export const i18n = createI18n({
  legacy: false,
  locale: saved === "en" ? "en" : "zh",
  fallbackLocale: "zh",
  messages,
});

export function setLocale(locale) {
  i18n.global.locale.value = locale;
  localStorage.setItem("govmig.lang", locale);
  document.documentElement.lang = locale === "en" ? "en" : "zh-CN";
}
