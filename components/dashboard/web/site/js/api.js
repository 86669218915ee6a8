// Calls to the bundle's own APIs, and error messages a person understands.

/** What went wrong talking to a service; `message` is meant for the page. */
export class ServiceError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ServiceError";
    this.status = status;
  }
}

/** `result` unless it holds an `error` (a form value the page refuses), thrown as a 400. */
export function valid(result) {
  if (result.error) throw new ServiceError(result.error, 400);
  return result;
}

/**
 * What a health answer says is down: every backend marked `"reachable": false` (with its
 * error), or a backend whose status text is not "ok" (`{"redis": "connection refused"}`).
 */
export function unreachable(body) {
  const down = [];
  const visit = (name, v) => {
    if (Array.isArray(v)) {
      v.forEach((item) => visit((item && (item.address || item.url)) || name, item));
    } else if (v && typeof v === "object") {
      if (v.reachable === false) down.push(v.error ? `${name} is unreachable (${v.error})` : `${name} is unreachable`);
      else for (const [k, x] of Object.entries(v)) visit(k, x);
    } else if (["redis", "postgres"].includes(name) && typeof v === "string" && v !== "ok") {
      down.push(`${name} is unreachable (${v})`);
    }
  };
  visit("a backend", body);
  return down.join("; ");
}

/** The sentence for a failed answer of `service` (pure; the page shows it as it is). */
export function describeFailure(service, status, contentType, bodyText) {
  let detail = "";
  if (/json/.test(contentType || "")) {
    try {
      const body = JSON.parse(bodyText);
      detail = (body && (body.detail || body.error || body.title)) || unreachable(body);
    } catch {
      detail = "";
    }
  } else {
    detail = (bodyText || "").trim().split("\n")[0].slice(0, 240);
  }
  let message;
  if (status === 503) {
    message = `The ${service} service is unavailable (503)`;
  } else if (status === 404 && detail.startsWith("no page or file at")) {
    message = `The ${service} service is not part of this bundle (404)`;
    detail = "";
  } else if (status === 504) {
    message = `The ${service} service did not answer in time (504)`;
  } else if (status >= 500) {
    message = `The ${service} service failed (${status})`;
  } else {
    message = `The ${service} service refused the request (${status})`;
  }
  return detail ? `${message}: ${detail}` : `${message}.`;
}

/** The URLs of a `link` header by relation: `{next: "/x?from=..", prev: ...}`. */
export function parseLink(header) {
  const links = {};
  for (const m of (header || "").matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
    links[m[2]] = m[1];
  }
  return links;
}

/** `fetch` that turns every failure into a [`ServiceError`] naming `service`. */
export async function call(service, url, init = {}) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ServiceError(
      `Could not reach the ${service} service: the bundle at ${location.origin} did not answer. Is it running?`,
      0,
    );
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new ServiceError(
      describeFailure(service, response.status, response.headers.get("content-type"), text),
      response.status,
    );
  }
  return response;
}

/** The JSON answer of `service` at `url` (and the response, for its headers). */
export async function getJson(service, url, init = {}) {
  const response = await call(service, url, init);
  try {
    return { data: await response.json(), response };
  } catch {
    throw new ServiceError(`The ${service} service sent an answer the dashboard cannot read.`, response.status);
  }
}
