// Ad metrics for a chosen ad and range (etl's `GET /ads/:ad_id/metrics`) and the top
// ads (`GET /ads/metrics/top`).

import { getJson, ServiceError, valid } from "./api.js";
import { timeChart } from "./chart.js";
import { DAY, dayRange, fmtInt, fmtPct, isoDay, nowSeconds } from "./format.js";
import { bindForm, el, fillTable, renderNav, withCard } from "./ui.js";

const SERVICE = "ad-metrics (etl)";
const $ = (id) => document.getElementById(id);
/** etl answers ranges of at most 92 days. */
const MAX_DAYS = 92;

/** The form's days as the API's `[from, to)` instants (ISO 8601, UTC). */
function bounds(v) {
  const { from, to } = valid(dayRange(v.from, v.to, MAX_DAYS));
  const iso = (t) => new Date(t * 1000).toISOString().replace(".000Z", "Z");
  return { from: iso(from), to: iso(to + DAY) };
}

/** An instant of the API (ISO 8601 text or epoch seconds) in epoch seconds. */
const seconds = (t) => (typeof t === "number" ? t : Date.parse(t) / 1000);

/** The rows of an answer that is a list or an object holding one. */
const rowsOf = (data, key) => (Array.isArray(data) ? data : data[key] || []);

async function showAd(v) {
  const ad = v.ad;
  $("ad-title").textContent = `Impressions and clicks of ad ${ad}`;
  $("ad-sub").textContent = `${v.from} to ${v.to} (UTC days, both included), by ${v.granularity}.`;
  let rows = [];
  await withCard($("ad-card"), async () => {
    const { from, to } = bounds(v);
    const query = new URLSearchParams({ from, to, granularity: v.granularity });
    const { data } = await getJson(SERVICE, `/ads/${encodeURIComponent(ad)}/metrics?${query}`);
    rows = rowsOf(data, "series");
    if (rows.every((r) => r.impressions === 0 && r.clicks === 0)) {
      return { empty: `Ad ${ad} has no impressions or clicks from ${v.from} to ${v.to}.` };
    }
    timeChart($("ad-chart"), $("ad-table"), {
      x: rows.map((r) => seconds(r.time)),
      step: v.granularity,
      axes: { y: "Impressions", y2: "Clicks" },
      series: [
        { label: "Impressions", values: rows.map((r) => r.impressions) },
        { label: "Clicks", values: rows.map((r) => r.clicks), scale: "y2" },
      ],
    });
    return null;
  });
  await withCard($("ctr-card"), async () => {
    if ($("ad-card").dataset.state === "error") throw new ServiceError($("ad-card").querySelector(".status").textContent, 0);
    if (rows.length === 0 || rows.every((r) => r.impressions === 0)) return { empty: "No impressions, so no click-through rate." };
    timeChart($("ctr-chart"), $("ctr-table"), {
      x: rows.map((r) => seconds(r.time)),
      step: v.granularity,
      height: 220,
      axes: { y: "CTR" },
      series: [{ label: "CTR", values: rows.map((r) => (r.impressions > 0 ? r.ctr : null)), format: fmtPct, axisFormat: fmtPct }],
    });
    return null;
  });
}

/** The top ads; returns the first ad's id (or null). */
async function showTop(v, pick) {
  let first = null;
  $("top-title").textContent = `Top ads by ${v.by === "ctr" ? "CTR" : v.by}`;
  await withCard($("top-card"), async () => {
    const { from, to } = bounds(v);
    const query = new URLSearchParams({ from, to, by: v.by, limit: "10" });
    const { data } = await getJson(SERVICE, `/ads/metrics/top?${query}`);
    const ads = rowsOf(data, "ads");
    if (ads.length === 0) return { empty: `No ads have data from ${v.from} to ${v.to}.` };
    first = String(ads[0].ad_id);
    const key = v.by;
    const max = Math.max(...ads.map((a) => a[key] || 0)) || 1;
    const body = fillTable(
      $("top-table"),
      [{ label: "#", num: true }, { label: "Ad" }, { label: "Impressions", num: true }, { label: "Clicks", num: true }, { label: "CTR", num: true }, { label: "" }],
      ads.map((a, i) => [
        { text: String(i + 1), value: i + 1 },
        { text: String(a.ad_id), value: a.ad_id, class: "mono" },
        { text: fmtInt(a.impressions), value: a.impressions },
        { text: fmtInt(a.clicks), value: a.clicks },
        { text: fmtPct(a.ctr), value: a.ctr },
        { text: el("span", { class: "bar" }) },
      ]),
    );
    [...body.rows].forEach((tr, i) => {
      tr.className = "pick";
      tr.dataset.ad = String(ads[i].ad_id);
      if (String(ads[i].ad_id) === (v.ad || first)) tr.classList.add("selected");
      tr.querySelector(".bar").style.width = `${Math.round((60 * (ads[i][key] || 0)) / max)}px`;
      tr.addEventListener("click", () => pick(String(ads[i].ad_id)));
    });
    return null;
  });
  return first;
}

async function show(v) {
  const form = $("form");
  const pick = (ad) => {
    form.elements.namedItem("ad").value = ad;
    form.requestSubmit();
  };
  const top = showTop(v, pick);
  if (!v.ad) {
    const first = await top;
    if (!first) {
      for (const id of ["ad-card", "ctr-card"]) {
        await withCard($(id), async () => ({ empty: "Choose an ad id (no ads have data in this range)." }));
      }
      return;
    }
    v = { ...v, ad: first };
    form.elements.namedItem("ad").value = first;
  }
  await Promise.all([top, showAd(v)]);
}

renderNav();
const today = Math.floor(nowSeconds() / DAY) * DAY;
const values = bindForm(
  $("form"),
  { ad: "", from: isoDay(today - 6 * DAY), to: isoDay(today), granularity: "day", by: "clicks" },
  show,
);
show(values);
