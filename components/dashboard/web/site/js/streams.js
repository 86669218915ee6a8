// A feed viewer: one stream (`GET /stream/:id`) or several coalesced
// (`POST /streams/coalesce`), newest first, paged with the `link` header's cursors.

import { getJson, parseLink, ServiceError } from "./api.js";
import { fmtInt, isoSecond, splitList } from "./format.js";
import { bindForm, fillTable, renderNav, withCard } from "./ui.js";

const $ = (id) => document.getElementById(id);
const KINDS = { 0: "post", 1: "repost" };

/** Where the viewer is: the query, the cursors of the pages seen so far, and the next one. */
const state = { streams: [], limit: 10, pages: [null], next: null };

/** One page of the feed after `cursor` (null: the newest). */
async function fetchPage(streams, limit, cursor) {
  const from = cursor ? `&from=${encodeURIComponent(cursor)}` : "";
  if (streams.length === 1) {
    return getJson("streams", `/stream/${encodeURIComponent(streams[0])}?limit=${limit}${from}`);
  }
  return getJson("streams", `/streams/coalesce?limit=${limit}${from}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ streams }),
  });
}

/** The `from` cursor of a `rel="next"` link, if there is one. */
function nextCursor(response) {
  const next = parseLink(response.headers.get("link")).next;
  return next ? new URL(next, location.origin).searchParams.get("from") : null;
}

/** Shows page `index` (0 = newest) of the current feed. */
async function showPage(index) {
  $("newer").disabled = true;
  $("older").disabled = true;
  await withCard($("feed-card"), async () => {
    const { data, response } = await fetchPage(state.streams, state.limit, state.pages[index]);
    state.next = nextCursor(response);
    state.pages.length = index + 1;
    if (state.next) state.pages.push(state.next);
    state.index = index;
    $("where").textContent = `Page ${index + 1}${state.next ? "" : " (the end)"}`;
    $("newer").disabled = index === 0;
    $("older").disabled = !state.next;
    if (data.length === 0) {
      return { empty: index === 0 ? `No items in ${state.streams.join(", ")}.` : "No older items." };
    }
    const first = index * state.limit;
    fillTable(
      $("feed-table"),
      [{ label: "#", num: true }, { label: "Time (UTC)" }, { label: "Item" }, { label: "Kind" }, { label: "Stream" }],
      data.map((item, i) => [
        { text: String(first + i + 1), value: first + i + 1 },
        { text: isoSecond(Date.parse(item.ts) / 1000), value: item.ts },
        { text: item.id, value: item.id, class: "mono" },
        { text: KINDS[item.type] ?? `type ${item.type}`, value: item.type },
        { text: item.stream_id, value: item.stream_id, class: "mono" },
      ]),
    );
    return null;
  });
}

/** The size of a single stream, in the card's subtitle. */
async function showCount() {
  const sub = $("feed-sub");
  sub.textContent = "";
  if (state.streams.length !== 1) {
    sub.textContent = `${state.streams.length} streams, coalesced.`;
    return;
  }
  try {
    const { data } = await getJson("streams", `/stream/${encodeURIComponent(state.streams[0])}/count`);
    sub.textContent = `${fmtInt(data.count)} items in this stream.`;
    sub.dataset.count = String(data.count);
  } catch (e) {
    sub.textContent = e.message;
  }
}

async function show(v) {
  state.streams = splitList(v.stream);
  state.limit = Number(v.limit);
  state.pages = [null];
  $("feed-title").textContent = state.streams.length ? `Feed of ${state.streams.join(", ")}` : "Feed";
  if (state.streams.length === 0 || !Number.isInteger(state.limit) || state.limit < 1 || state.limit > 100) {
    const message = state.streams.length === 0 ? "Name a stream id." : "Items per page must be between 1 and 100.";
    await withCard($("feed-card"), async () => {
      throw new ServiceError(message, 400);
    });
    return;
  }
  await Promise.all([showCount(), showPage(0)]);
}

renderNav();
$("newer").addEventListener("click", () => showPage(state.index - 1));
$("older").addEventListener("click", () => showPage(state.index + 1));
show(bindForm($("form"), { stream: "user-1", limit: "10" }, show));
