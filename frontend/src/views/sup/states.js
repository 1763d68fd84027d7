// The health states in order, their colours (AA against white and against the wall's dark ground, as text and as
// bars beside their labels) and the chart options the dashboard and the wall draw from one document.
export const STATES = ["up", "degraded", "down", "unknown"];
export const COLOURS = { up: "#1a7f37", degraded: "#b35900", down: "#c62828", unknown: "#5c6370" };
export const WALL_COLOURS = { up: "#3fb950", degraded: "#f0a020", down: "#ff6b6b", unknown: "#aab4c3" };

/** Stacked bars of states per group (`by` of the dashboard document), labelled with `label(code)`. */
export function stackedOption(groups, label, t, { colours = COLOURS, text = "#1f2329", fontSize = 12, horizontal = true, lines = "#e5e6eb" } = {}) {
  const codes = Object.keys(groups ?? {});
  const names = codes.map(label);
  const category = { type: "category", data: names, axisLabel: { color: text, fontSize, interval: 0 } };
  const value = { type: "value", minInterval: 1, axisLabel: { color: text, fontSize }, splitLine: { lineStyle: { color: lines } } };
  return {
    animation: false,
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: STATES.map((s) => t(`sup.state.${s}`)), textStyle: { color: text, fontSize } },
    grid: { left: 8, right: 24, top: 44, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: STATES.map((s) => ({
      name: t(`sup.state.${s}`),
      type: "bar",
      stack: "states",
      itemStyle: { color: colours[s] },
      barMaxWidth: 28,
      data: codes.map((c) => groups[c][s] ?? 0),
    })),
  };
}

export function counted(doc) {
  const c = doc?.counts ?? {};
  return Object.fromEntries(STATES.map((s) => [s, c[s] ?? 0]));
}
