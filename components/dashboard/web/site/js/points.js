// A points leaderboard for a chosen thing and window (points'
// `GET /points/v1/leaderboard/:thing/:start/:end?limit=&atid=`).

import { getJson, ServiceError } from "./api.js";
import { rankChart } from "./chart.js";
import { DAY, HOUR, floorHour, isoMinute, nowSeconds, parseUtc, toInputMinute } from "./format.js";
import { bindForm, renderNav, withCard } from "./ui.js";

const $ = (id) => document.getElementById(id);

/** The window `[from, to)` of the form as the API's inclusive `start`, `end`. */
function leaderboardWindow(v) {
  const from = parseUtc(v.from);
  const to = parseUtc(v.to);
  if (Number.isNaN(from)) throw new ServiceError("Choose a valid From time.", 400);
  if (Number.isNaN(to)) throw new ServiceError("Choose a valid To time.", 400);
  if (to <= from) throw new ServiceError("The To time must be after the From time.", 400);
  if (v.atid !== "" && !/^\d+$/.test(v.atid)) throw new ServiceError("The activity type must be a whole number.", 400);
  const limit = Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ServiceError("Top must be between 1 and 100.", 400);
  return { start: from, end: to - 1, limit };
}

async function show(v) {
  await withCard($("board-card"), async () => {
    const { start, end, limit } = leaderboardWindow(v);
    const atid = v.atid === "" ? "" : `&atid=${v.atid}`;
    $("board-title").textContent = `Top ${limit} by ${v.thing}`;
    $("board-sub").textContent = `${isoMinute(start)} to ${isoMinute(end + 1)} UTC${v.atid ? `, activity type ${v.atid}` : ", every activity type"}.`;
    const url = `/points/v1/leaderboard/${encodeURIComponent(v.thing)}/${start}/${end}?limit=${limit}${atid}`;
    const { data } = await getJson("points", url);
    const leaders = data.leaders || [];
    if (leaders.length === 0) return { empty: `Nobody recorded any ${v.thing} in this window.` };
    rankChart($("board-chart"), $("board-table"), {
      labels: leaders.map((l) => String(l.uid)),
      values: leaders.map((l) => l.value),
      label: v.thing,
    });
    return null;
  });
}

renderNav();
const end = floorHour(nowSeconds()) + HOUR;
const values = bindForm(
  $("form"),
  { thing: "steps", from: toInputMinute(end - 7 * DAY), to: toInputMinute(end), atid: "", limit: "10" },
  show,
);
show(values);
