// One time zone everywhere, the site's (Asia/Shanghai unless the site says otherwise), and it is shown.
const zone = document.querySelector('meta[name="govmig-time-zone"]')?.content || "Asia/Shanghai";
export const timeZone = zone.startsWith("%%") ? "Asia/Shanghai" : zone;

const LABELS = { "Asia/Shanghai": { zh: "北京时间 (UTC+8)", en: "Beijing time (UTC+8)" } };

/** The zone as people say it, e.g. 北京时间 (UTC+8). */
export function tzLabel(locale = "zh") {
  const known = LABELS[timeZone];
  if (known) return locale === "en" ? known.en : known.zh;
  return timeZone;
}

const parts = new Intl.DateTimeFormat("en-CA", {
  timeZone,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** 2026-12-06 19:30 in the site's zone (with seconds when asked); "—" for nothing. */
export function fmtTime(value, { seconds = false, dateOnly = false } = {}) {
  if (value === null || value === undefined || value === "") return "—";
  const d = value instanceof Date ? value : new Date(typeof value === "number" ? value * 1000 : value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  if (dateOnly) return date;
  return `${date} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ""}`;
}
