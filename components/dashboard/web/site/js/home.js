// The overview: one card per capability with its health and a link to its page.

import { call } from "./api.js";
import { el, renderNav } from "./ui.js";

/** Each capability: its page, health route and what it does. */
const SERVICES = [
  {
    id: "etl",
    name: "Ad metrics",
    service: "ad-metrics (etl)",
    page: "/ads.html",
    health: "/etl/health",
    about: "Impressions, clicks and CTR per ad and hour from TSV batches; top ads.",
  },
  {
    id: "ingest",
    name: "Impressions",
    service: "ingest",
    page: "/impressions.html",
    health: "/impressions/health",
    about: "Every post impression, rolled up per day and per stream kind.",
  },
  {
    id: "slices",
    name: "Live slices",
    service: "slices",
    page: "/slices.html",
    health: "/analytics/health",
    about: "Clicks, impressions and exact unique users of the current hour, live.",
  },
  {
    id: "points",
    name: "Points",
    service: "points",
    page: "/points.html",
    health: "/points/health",
    about: "Per-user counters in time buckets; leaderboards over any window.",
  },
  {
    id: "streams",
    name: "Streams",
    service: "streams",
    page: "/streams.html",
    health: "/streams/health",
    about: "Activity feeds: browse a stream, or several coalesced, page by page.",
  },
];

/** A card with a pill that turns into the health check's outcome. */
function card(s) {
  const pill = el("span", { class: "pill wait" }, "Checking…");
  const detail = el("p", { class: "status" });
  const node = el(
    "section",
    { class: "card", id: `service-${s.id}`, "data-state": "loading" },
    el("h2", {}, el("a", { href: s.page }, s.name), " ", pill),
    el("p", { class: "sub" }, s.about),
    detail,
    el("a", { href: s.page }, `Open ${s.name.toLowerCase()} →`),
  );
  call(s.service, s.health)
    .then(() => {
      pill.className = "pill ok";
      pill.textContent = "Healthy";
      node.dataset.state = "ready";
    })
    .catch((e) => {
      pill.className = "pill down";
      pill.textContent = e.status === 404 ? "Not deployed" : "Unavailable";
      detail.textContent = e.message;
      node.dataset.state = "error";
    });
  return node;
}

renderNav();
document.getElementById("services").replaceChildren(...SERVICES.map(card));
