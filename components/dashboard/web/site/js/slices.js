// The current hour's slice summary, refreshing live, and the last 24 slices (slices'
// `GET /analytics?format=json` and `GET /analytics/range?format=json`).
// `?at=<epoch seconds>` pins "now" (to look at another hour); `?every=<seconds>` sets the
// refresh interval (default 5).

import { getJson } from "./api.js";
import { timeChart } from "./chart.js";
import { HOUR, floorHour, fmtInt, fmtPct, isoMinute, isoSecond, nowSeconds, parseUtc } from "./format.js";
import { bindForm, renderNav, setState } from "./ui.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const pinned = params.has("at") ? Number(params.get("at")) : null;
const every = Math.max(1, Number(params.get("every")) || 5) * 1000;
let timer = null;
let live = true;

/** "Now" for the page: the pinned instant or the clock. */
const now = () => (pinned != null && Number.isFinite(pinned) ? pinned : nowSeconds());

/** Shows one slice's summary in the stat tiles. */
function showSummary(s) {
  const start = parseUtc(s.start.slice(0, 19));
  $("now-title").textContent = pinned != null ? `Slice ${s.slice}` : `This hour (slice ${s.slice})`;
  $("now-sub").textContent = `${isoMinute(start)} to ${s.end.slice(11, 16)} UTC`;
  for (const key of ["unique_users", "clicks", "impressions", "late_events"]) {
    $(`stat-${key}`).textContent = fmtInt(s[key]);
    $(`stat-${key}`).dataset.value = String(s[key]);
  }
  const ctr = s.impressions > 0 ? s.clicks / s.impressions : null;
  $("stat-ctr").textContent = fmtPct(ctr);
  $("stat-ctr").dataset.value = ctr == null ? "" : String(ctr);
}

/** Draws the slices of the 24 hours ending with the current one. */
function showDay(range) {
  const x = range.slices.map((s) => parseUtc(s.start.slice(0, 19)));
  timeChart($("day-chart"), $("day-table"), {
    x,
    step: "hour",
    height: 260,
    axes: { y: "Events", y2: "Unique users" },
    series: [
      { label: "Impressions", values: range.slices.map((s) => s.impressions) },
      { label: "Clicks", values: range.slices.map((s) => s.clicks) },
      { label: "Unique users", values: range.slices.map((s) => s.unique_users), scale: "y2" },
    ],
  });
  return range.slices.every((s) => s.clicks + s.impressions === 0);
}

/** One refresh of both cards; errors stay on the card that failed. */
async function refresh(first) {
  const t = now();
  const end = floorHour(t) + HOUR;
  const summary = getJson("slices", `/analytics?timestamp=${t}&format=json`);
  const range = getJson("slices", `/analytics/range?from=${end - 24 * HOUR}&to=${end}&format=json`);
  if (first) {
    setState($("now-card"), "loading");
    setState($("day-card"), "loading");
  }
  await Promise.all([
    summary.then(
      ({ data }) => {
        showSummary(data);
        const idle = data.clicks + data.impressions === 0;
        setState($("now-card"), idle ? "empty" : "ready", idle ? "No clicks or impressions in this hour yet." : "");
      },
      (e) => setState($("now-card"), "error", e.message),
    ),
    range.then(
      ({ data }) => {
        const empty = showDay(data);
        setState($("day-card"), empty ? "empty" : "ready", empty ? "No events in the last 24 hours." : "");
      },
      (e) => setState($("day-card"), "error", e.message),
    ),
  ]);
  $("updated").textContent = `Updated ${isoSecond(nowSeconds())} UTC`;
  $("updated").dataset.refreshes = String(Number($("updated").dataset.refreshes || 0) + 1);
}

/** Refreshes now and then every `every` milliseconds while live. */
async function loop(first = false) {
  clearTimeout(timer);
  await refresh(first);
  if (live) timer = setTimeout(loop, every);
}

renderNav();
const form = $("form");
live = bindForm(form, { live: true }, () => {}).live;
form.elements.namedItem("live").addEventListener("change", (e) => {
  live = e.target.checked;
  if (live) loop();
  else clearTimeout(timer);
});
loop(true);
