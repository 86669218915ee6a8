// Impressions per day, overall and per stream kind (ingest's `GET /impressions/daily`).

import { getJson, valid } from "./api.js";
import { timeChart } from "./chart.js";
import { DAY, dayRange, fmtInt, isoDay, nowSeconds, parseUtc, splitList } from "./format.js";
import { bindForm, renderNav, withCard } from "./ui.js";

/** The stream kinds the Ello apps report, shown unless the form names others. */
const KINDS = "following,category,discover,profile,email";
const MAX_DAYS = 366;

const $ = (id) => document.getElementById(id);

/** The daily series of ingest for `[from, to]` (dates), optionally of one stream kind. */
async function daily(from, to, kind) {
  const query = new URLSearchParams({ from, to });
  if (kind) query.set("stream_kind", kind);
  const { data } = await getJson("ingest", `/impressions/daily?${query}`);
  return data.series;
}

async function show(v) {
  const kinds = splitList(v.kinds);
  $("daily-sub").textContent = `${v.from} to ${v.to} (UTC days, both included).`;
  const overall = withCard($("daily-card"), async () => {
    valid(dayRange(v.from, v.to, MAX_DAYS));
    const series = await daily(v.from, v.to);
    const x = series.map((d) => parseUtc(d.date));
    const loggedIn = series.map((d) => d.logged_in);
    const loggedOut = series.map((d) => d.logged_out);
    const total = series.map((d) => d.impressions);
    const sum = total.reduce((a, b) => a + b, 0);
    if (sum === 0) {
      return { empty: `No impressions from ${v.from} to ${v.to}. New impressions show here after the next rollup (every 5 minutes).` };
    }
    $("daily-sub").textContent = `${v.from} to ${v.to} (UTC days, both included): ${fmtInt(sum)} impressions.`;
    timeChart($("daily-chart"), $("daily-table"), {
      x,
      step: "day",
      axes: { y: "Impressions" },
      series: [
        { label: "All", values: total },
        { label: "Logged in", values: loggedIn },
        { label: "Logged out", values: loggedOut },
      ],
    });
    return null;
  });
  const perKind = withCard($("kinds-card"), async () => {
    valid(dayRange(v.from, v.to, MAX_DAYS));
    if (kinds.length === 0) return { empty: "Name at least one stream kind." };
    const all = await Promise.all(kinds.map((k) => daily(v.from, v.to, k)));
    const x = all[0].map((d) => parseUtc(d.date));
    const series = kinds.map((k, i) => ({ label: k, values: all[i].map((d) => d.impressions) }));
    if (series.every((s) => s.values.every((n) => n === 0))) {
      return { empty: `No impressions of kinds ${kinds.join(", ")} from ${v.from} to ${v.to}.` };
    }
    timeChart($("kinds-chart"), $("kinds-table"), { x, step: "day", axes: { y: "Impressions" }, series });
    return null;
  });
  await Promise.all([overall, perKind]);
}

renderNav();
const today = Math.floor(nowSeconds() / DAY) * DAY;
const values = bindForm($("form"), { from: isoDay(today - 13 * DAY), to: isoDay(today), kinds: KINDS }, show);
show(values);
