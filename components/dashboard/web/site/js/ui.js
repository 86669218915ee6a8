// DOM helpers shared by the pages: card states, forms bound to the URL, tables.

/**
 * Puts a card in a state: `loading`, `ready`, `empty` or `error`, with the message a
 * person reads (`data-state` on the card; the browser tests wait on it).
 */
export function setState(card, state, message = "") {
  card.dataset.state = state;
  const status = card.querySelector(":scope > .status");
  const text = state === "loading" && !message ? "Loading…" : message;
  status.textContent = state === "ready" ? "" : text;
  status.setAttribute("role", state === "error" ? "alert" : "status");
}

/** Runs `load` for a card: loading state first, then ready, or the error's message. */
export async function withCard(card, load) {
  setState(card, "loading");
  try {
    const outcome = await load();
    if (outcome && outcome.empty) {
      setState(card, "empty", outcome.empty);
    } else {
      setState(card, "ready");
    }
  } catch (e) {
    setState(card, "error", e && e.name === "ServiceError" ? e.message : `Something went wrong: ${e}`);
    if (!(e && e.name === "ServiceError")) console.error(e);
  }
}

/**
 * Binds a form to the page URL: fields take their values from the query string
 * (falling back to `defaults`), and submitting writes them back and calls `onSubmit`
 * with the values. Returns the current values.
 */
export function bindForm(form, defaults, onSubmit) {
  const params = new URLSearchParams(location.search);
  for (const [name, fallback] of Object.entries(defaults)) {
    const field = form.elements.namedItem(name);
    if (!field) continue;
    const value = params.has(name) ? params.get(name) : fallback;
    if (field.type === "checkbox") field.checked = value === true || value === "1" || value === "true";
    else field.value = value;
  }
  const values = () => {
    const out = {};
    for (const name of Object.keys(defaults)) {
      const field = form.elements.namedItem(name);
      out[name] = field.type === "checkbox" ? field.checked : field.value.trim();
    }
    return out;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const v = values();
    const query = new URLSearchParams(params);
    for (const [k, val] of Object.entries(v)) query.set(k, typeof val === "boolean" ? (val ? "1" : "0") : val);
    history.replaceState(null, "", `${location.pathname}?${query}`);
    onSubmit(v);
  });
  return values();
}

/** An element with attributes and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, String(v));
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/**
 * Fills `table` with a header row of `columns` (`{label, num}`) and `rows` (arrays of
 * cells: a string, or `{text, value}` where `value` goes to `data-value`).
 */
export function fillTable(table, columns, rows) {
  table.replaceChildren();
  const head = el("tr", {}, ...columns.map((c) => el("th", { class: c.num ? "num" : null, scope: "col" }, c.label)));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    row.forEach((cell, i) => {
      const c = typeof cell === "object" && cell !== null && !(cell instanceof Node) ? cell : { text: cell };
      const td = el("td", { class: [columns[i].num ? "num" : "", c.class || ""].join(" ").trim() || null });
      if (c.value !== undefined) td.dataset.value = String(c.value);
      td.append(c.text instanceof Node ? c.text : document.createTextNode(c.text == null ? "–" : String(c.text)));
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(body);
  return body;
}

/** The pages, in navigation order. */
export const PAGES = [
  ["/index.html", "Overview"],
  ["/ads.html", "Ad metrics"],
  ["/impressions.html", "Impressions"],
  ["/slices.html", "Live slices"],
  ["/points.html", "Points"],
  ["/streams.html", "Streams"],
];

/** Fills the page's `<header class="top">` with the brand and the navigation. */
export function renderNav() {
  const here = location.pathname === "/" ? "/index.html" : location.pathname;
  const links = PAGES.map(([href, label]) =>
    el("a", { href, "aria-current": href === here ? "page" : null }, label),
  );
  links.push(el("a", { href: "/openapi.yaml" }, "API"));
  document.querySelector("header.top").replaceChildren(
    el("a", { class: "brand", href: "/" }, "Tally"),
    el("nav", { "aria-label": "Pages" }, ...links),
  );
}
