// Unit tests of the pages' pure helpers (`npm test`, run by scripts/test.sh).

import assert from "node:assert/strict";
import { test } from "node:test";

import { describeFailure, parseLink } from "../site/js/api.js";
import {
  fmtCompact,
  fmtInt,
  fmtPct,
  dayRange,
  floorDay,
  floorHour,
  isoDay,
  isoMinute,
  parseUtc,
  splitList,
  toInputMinute,
} from "../site/js/format.js";

test("numbers read the way a person writes them", () => {
  assert.equal(fmtInt(1234567), "1,234,567");
  assert.equal(fmtInt(0), "0");
  assert.equal(fmtInt(null), "–");
  assert.equal(fmtPct(0.025), "2.50%");
  assert.equal(fmtPct(1 / 3), "33.33%");
  assert.equal(fmtPct(2 / 64), "3.13%");
  assert.equal(fmtPct(1 / 8), "12.50%");
  assert.equal(fmtPct(null), "–");
  assert.equal(fmtPct(Infinity), "–");
  assert.equal(fmtCompact(950), "950");
  assert.equal(fmtCompact(1200), "1.2k");
  assert.equal(fmtCompact(3_400_000), "3.4M");
  assert.equal(fmtCompact(0.0125), "0.01");
});

test("UTC days and instants round-trip", () => {
  const t = Date.UTC(2019, 0, 3, 10, 59, 30) / 1000;
  assert.equal(isoDay(t), "2019-01-03");
  assert.equal(isoMinute(t), "2019-01-03 10:59");
  assert.equal(toInputMinute(t), "2019-01-03T10:59");
  assert.equal(parseUtc("2019-01-03"), Date.UTC(2019, 0, 3) / 1000);
  assert.equal(parseUtc("2019-01-03T10:59"), t - 30);
  assert.equal(parseUtc("2019-01-03 10:59:30"), t);
  assert.equal(floorHour(t), Date.UTC(2019, 0, 3, 10) / 1000);
  assert.equal(floorDay(t), Date.UTC(2019, 0, 3) / 1000);
});

test("invalid dates are NaN, not a neighbouring day", () => {
  for (const bad of ["", "2019-02-30", "2019-13-01", "03/01/2019", "2019-01-03T25:00", null]) {
    assert.ok(Number.isNaN(parseUtc(bad)), String(bad));
  }
});

test("day ranges name what is wrong", () => {
  assert.deepEqual(dayRange("2019-01-03", "2019-01-04", 2), { from: 1546473600, to: 1546560000 });
  assert.deepEqual(dayRange("2019-01-03", "2019-01-05", 2), { error: "Choose at most 2 days." });
  assert.deepEqual(dayRange("2019-01-05", "2019-01-03", 9), { error: "The To day is before the From day." });
  assert.deepEqual(dayRange("x", "2019-01-03", 9), { error: "Choose a valid From day." });
  assert.deepEqual(dayRange("2019-01-03", "", 9), { error: "Choose a valid To day." });
});

test("lists drop blanks and repeats", () => {
  assert.deepEqual(splitList(" a, b,,a ,c "), ["a", "b", "c"]);
  assert.deepEqual(splitList(""), []);
});

test("failures name the service and what went wrong", () => {
  const problem = (detail, status = 400) =>
    JSON.stringify({ type: "about:blank", title: "x", status, detail });
  assert.equal(
    describeFailure("ingest", 503, "application/problem+json", problem("Postgres is unavailable: refused", 503)),
    "The ingest service is unavailable (503): Postgres is unavailable: refused",
  );
  assert.equal(
    describeFailure("ingest", 503, "application/json", JSON.stringify({ component: "ingest" })),
    "The ingest service is unavailable (503).",
  );
  // Health answers name what is down.
  const health = (body) => describeFailure("x", 503, "application/json", JSON.stringify(body));
  assert.equal(
    health({ component: "ingest", postgres: { reachable: true }, redis: { reachable: false, error: "refused" } }),
    "The x service is unavailable (503): redis is unreachable (refused)",
  );
  assert.equal(
    health({ status: "degraded", shards: [{ address: "redis://h:1", reachable: false, error: null }, { address: "redis://h:2", reachable: true }] }),
    "The x service is unavailable (503): redis://h:1 is unreachable",
  );
  assert.equal(health({ status: "unavailable", redis: "Connection refused" }), "The x service is unavailable (503): redis is unreachable (Connection refused)");
  assert.equal(
    describeFailure("points", 400, "application/problem+json", problem("parameter `limit` has an invalid value")),
    "The points service refused the request (400): parameter `limit` has an invalid value",
  );
  assert.equal(
    describeFailure("ad-metrics (etl)", 404, "application/problem+json", problem("no page or file at /ads/1/metrics", 404)),
    "The ad-metrics (etl) service is not part of this bundle (404).",
  );
  assert.equal(
    describeFailure("slices", 504, "text/plain", "the component did not answer in time\n"),
    "The slices service did not answer in time (504): the component did not answer in time",
  );
  assert.equal(describeFailure("streams", 500, null, ""), "The streams service failed (500).");
  assert.equal(describeFailure("streams", 502, "application/json", "{not json"), "The streams service failed (502).");
});

test("link headers give their cursors", () => {
  const header = '</streams/coalesce?limit=20&from=4878543437783626672AeyJj%3D>; rel="next"';
  assert.deepEqual(parseLink(header), { next: "/streams/coalesce?limit=20&from=4878543437783626672AeyJj%3D" });
  assert.deepEqual(parseLink('<a>; rel="prev", <b>; rel=next'), { prev: "a", next: "b" });
  assert.deepEqual(parseLink(null), {});
});
