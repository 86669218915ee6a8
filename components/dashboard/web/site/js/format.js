// Pure helpers (no DOM, no network): numbers, UTC dates and times, form values.
// Every time the dashboard shows or reads is UTC.

/** Seconds in an hour and in a day. */
export const HOUR = 3600;
export const DAY = 86400;

/** An integer with thousands separators ("12,345"); "–" for a missing value. */
export function fmtInt(n) {
  return n == null || Number.isNaN(n) ? "–" : Math.round(n).toLocaleString("en-US");
}

/**
 * A ratio as a percentage with two decimals, halves rounded up ("2.50%", 1/32 is
 * "3.13%"); "–" when there is none.
 */
export function fmtPct(ratio) {
  return ratio == null || !Number.isFinite(ratio) ? "–" : `${(Math.round(ratio * 10000) / 100).toFixed(2)}%`;
}

/** A short axis label: 950, 1.2k, 3.4M. */
export function fmtCompact(n) {
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(2)}`;
}

/** `YYYY-MM-DD` of an epoch-seconds instant (UTC). */
export function isoDay(epoch) {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM` of an epoch-seconds instant (UTC). */
export function isoMinute(epoch) {
  return new Date(epoch * 1000).toISOString().slice(0, 16).replace("T", " ");
}

/** `YYYY-MM-DD HH:MM:SS` of an epoch-seconds instant (UTC). */
export function isoSecond(epoch) {
  return new Date(epoch * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** The value of a `datetime-local` input (`YYYY-MM-DDTHH:MM`) for an instant, in UTC. */
export function toInputMinute(epoch) {
  return new Date(epoch * 1000).toISOString().slice(0, 16);
}

/** Epoch seconds of `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS]` (UTC); NaN otherwise. */
export function parseUtc(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec((text || "").trim());
  if (!m) return NaN;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((v) => (v === undefined ? 0 : +v));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCDate() === d && back.getUTCMonth() === mo - 1 ? ms / 1000 : NaN;
}

/**
 * The days `fromText` to `toText` (`YYYY-MM-DD`, both included) as the epoch seconds of
 * their midnights, or `{error}` saying what is wrong (at most `maxDays` days).
 */
export function dayRange(fromText, toText, maxDays) {
  const from = parseUtc(fromText);
  const to = parseUtc(toText);
  if (Number.isNaN(from)) return { error: "Choose a valid From day." };
  if (Number.isNaN(to)) return { error: "Choose a valid To day." };
  if (to < from) return { error: "The To day is before the From day." };
  if ((to - from) / DAY + 1 > maxDays) return { error: `Choose at most ${maxDays} days.` };
  return { from, to };
}

/** The start of the UTC hour and day holding an instant. */
export function floorHour(epoch) {
  return Math.floor(epoch / HOUR) * HOUR;
}
export function floorDay(epoch) {
  return Math.floor(epoch / DAY) * DAY;
}

/** The current time in epoch seconds. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** A comma-separated list, trimmed, empty items and repeats dropped. */
export function splitList(text) {
  const seen = new Set();
  for (const item of (text || "").split(",")) {
    const v = item.trim();
    if (v) seen.add(v);
  }
  return [...seen];
}
