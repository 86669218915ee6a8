// Charts (uPlot, vendored at build time and loaded as the global `uPlot`), each with a
// data table built from the very arrays the chart holds: what a person can read
// under the chart, and what the browser tests check.

import { DAY, HOUR, fmtCompact, fmtInt, isoDay, isoMinute } from "./format.js";
import { fillTable } from "./ui.js";

const PALETTE = ["#2f6fde", "#e8833a", "#1f8a4c", "#9b59b6", "#d64545", "#17a2b8", "#8c6d31", "#5b6475"];
const AXIS = { stroke: "#5b6475", grid: { stroke: "#eceff4", width: 1 }, ticks: { stroke: "#dfe3ea", width: 1 } };
const mounted = new WeakMap();
/** Tick steps of count axes: 1, 2, 5, 10, 20, 50, ... */
const WHOLE = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));
const DAY_LABEL = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** The time axis: ticks on whole hours or days (UTC), labelled `14:00` or `9 Nov`. */
function timeAxis(step) {
  const incrs =
    step === "day"
      ? [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY]
      : [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];
  const label = (t) => (step === "day" || t % DAY === 0 ? DAY_LABEL.format(new Date(t * 1000)) : isoMinute(t).slice(11));
  return { ...AXIS, space: 56, incrs, values: (u, ticks) => ticks.map(label) };
}

/** The `i`-th series colour. */
export function color(i) {
  return PALETTE[i % PALETTE.length];
}

/** Draws `data` with `opts` into `container`, replacing an earlier chart; follows its width. */
function mount(container, opts, data) {
  const old = mounted.get(container);
  if (old) {
    old.observer.disconnect();
    old.plot.destroy();
  }
  container.replaceChildren();
  const width = () => Math.max(container.clientWidth || container.parentElement.clientWidth - 24, 280);
  const plot = new uPlot({ ...opts, width: width() }, data, container);
  const observer = new ResizeObserver(() => {
    if (container.clientWidth && width() !== plot.width) plot.setSize({ width: width(), height: opts.height });
  });
  observer.observe(container);
  mounted.set(container, { plot, observer });
  container.dataset.series = String(data.length - 1);
  container.dataset.points = String(data[0].length);
  return plot;
}

/** Fills `table` from the chart's own data: the x column, then one column per series. */
function tableFromChart(table, plot, formatX, formats) {
  const columns = plot.series.map((s, i) => ({ label: s.label, num: i > 0 }));
  const rows = plot.data[0].map((x, row) => [
    { text: formatX(x), value: x },
    ...plot.data.slice(1).map((values, j) => ({ text: formats[j](values[row]), value: values[row] })),
  ]);
  fillTable(table, columns, rows);
}

/**
 * A time series chart. `x`: epoch seconds (UTC hours or days, per `step`); `series`:
 * `[{label, values, format?, scale?: "y"|"y2"}]`; `axes`: labels of the y scales.
 */
export function timeChart(container, table, { x, series, step = "day", height = 280, axes = {} }) {
  const formatX = step === "day" ? isoDay : isoMinute;
  const formats = series.map((s) => s.format || fmtInt);
  const yAxis = (scale, side, label, format) => ({
    ...AXIS,
    scale,
    side,
    label,
    size: 64,
    grid: side === 1 ? { show: false } : AXIS.grid,
    values: (u, ticks) => ticks.map(format),
    // Counts get whole-number ticks; a scale with a ratio (`axisFormat`) picks its own.
    ...(series.some((s) => (s.scale || "y") === scale && s.axisFormat) ? {} : { incrs: WHOLE }),
  });
  const scaleFormat = (scale) => {
    const s = series.find((item) => (item.scale || "y") === scale);
    return s && s.axisFormat ? s.axisFormat : fmtCompact;
  };
  const useY2 = series.some((s) => s.scale === "y2");
  const fromZero = (u, min, max) => [0, max > 0 ? max * 1.1 : 1];
  const opts = {
    height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: fromZero }, y2: { range: fromZero } },
    series: [
      { label: step === "day" ? "Day (UTC)" : "Hour (UTC)", value: (u, v) => (v == null ? "–" : formatX(v)) },
      ...series.map((s, i) => ({
        label: s.label,
        scale: s.scale || "y",
        stroke: s.color || color(i),
        width: 2,
        points: { show: x.length <= 48, size: 5 },
        value: (u, v) => formats[i](v),
      })),
    ],
    axes: [
      timeAxis(step),
      yAxis("y", 3, axes.y || "", scaleFormat("y")),
      ...(useY2 ? [yAxis("y2", 1, axes.y2 || "", scaleFormat("y2"))] : []),
    ],
  };
  const plot = mount(container, opts, [x, ...series.map((s) => s.values)]);
  tableFromChart(table, plot, formatX, formats);
  return plot;
}

/**
 * A bar chart of ranked values: bar `i` is `labels[i]` (a `who`, e.g. a user) with
 * `values[i]`, in rank order; `label` names the value.
 */
export function rankChart(container, table, { labels, values, label, who = "User", height = 300, format = fmtInt }) {
  const x = labels.map((_, i) => i + 1);
  const opts = {
    height,
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: false, range: [0.4, Math.max(x.length, 1) + 0.6] },
      y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    series: [
      { label: "Rank", value: (u, v) => (v == null ? "–" : `#${v} ${labels[v - 1] ?? ""}`) },
      {
        label,
        stroke: color(0),
        fill: "rgba(47, 111, 222, 0.7)",
        width: 1,
        paths: uPlot.paths.bars({ size: [0.65, 70] }),
        points: { show: false },
        value: (u, v) => format(v),
      },
    ],
    axes: [
      { ...AXIS, incrs: [1], values: (u, ticks) => ticks.map((t) => labels[t - 1] ?? ""), label: who, grid: { show: false } },
      { ...AXIS, size: 64, incrs: WHOLE, values: (u, ticks) => ticks.map(fmtCompact) },
    ],
  };
  const plot = mount(container, opts, [x, values]);
  const rows = plot.data[0].map((rank, i) => [
    { text: `#${rank}`, value: rank },
    { text: labels[i], value: labels[i], class: "mono" },
    { text: format(plot.data[1][i]), value: plot.data[1][i] },
  ]);
  fillTable(table, [{ label: "Rank" }, { label: who }, { label, num: true }], rows);
  return plot;
}
