// The dashboard's shared parts: constants, elements, the control API, time in UTC+8, signed API calls.
import { canonicalQuery, signAcs3 } from "./sign.js";

export const MODEL_DETAIL = { path: "/api/v1/modelRouter/open/billing/cost/model-detail", action: "ModelRouterQueryCostModelDetail" };
export const OVERVIEW = { path: "/api/v1/modelRouter/open/billing/cost/overview", action: "ModelRouterQueryCostOverviewMetrics" };
export const VERSION = "20240611";
export const BJ = 8 * 3600;
export const POLL_MS = 1000;

export const $ = (sel) => document.querySelector(sel);
export const state = { scenario: null, accounts: [], config: null, clock: null, errors: [], view: null };

/** An element: h("td", {class: "mono"}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null).map((c) =>
    c instanceof Node ? c : String(c)));
  return node;
}

// ---------------------------------------------------------------- control API

export class ControlError extends Error {
  constructor(status, body, reason) {
    super(body?.Message || `HTTP ${status}`);
    Object.assign(this, { status, code: body?.Code, reason });
  }
}

export async function control(method, path, body) {
  const init = { method, cache: "no-store", headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new ControlError(r.status, data, r.headers.get("x-emulator-reason"));
  return data;
}

export const errText = (e) => (e instanceof ControlError ? `${e.status} ${e.code || ""}: ${e.message}` : String(e));

export function say(node, text, ok = true) {
  node.textContent = text;
  node.hidden = !text;
  node.classList.toggle("bad", !ok);
}

// ---------------------------------------------------------------- time in UTC+8

export const toInput = (ts) => new Date((ts + BJ) * 1000).toISOString().slice(0, 16);
export function fromInput(v) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(v.trim());
  if (!m) return null;
  return Date.UTC(+m[1], m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)) / 1000 - BJ;
}

// ---------------------------------------------------------------- signed API calls

/** GET an API path as the chosen account would with the official SDK: ACS3 signed, JSON errors. */
export async function signedGet(target, query, account) {
  const { headers } = signAcs3({
    host: location.host, path: target.path, query, action: target.action, version: VERSION,
    accessKeyId: account.accessKeyId, secret: account.accessKeySecret,
  });
  const url = `${location.origin}${target.path}?${canonicalQuery(query)}`;
  const r = await fetch(url, { headers: { ...headers, accept: "application/json" }, cache: "no-store" });
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = xmlError(text); }
  return { ok: r.ok, status: r.status, body, requestId: r.headers.get("x-acs-request-id"),
    reason: r.headers.get("x-emulator-reason") };
}

function xmlError(text) {
  const doc = new DOMParser().parseFromString(text, "text/xml");
  const get = (t) => doc.querySelector(t)?.textContent ?? null;
  return { Code: get("Code"), Message: get("Message"), RequestId: get("RequestId") };
}

export const parseValues = (v) => { let out = JSON.parse(v); if (typeof out === "string") out = JSON.parse(out); return out; };
