// The dashboard: five views over the control API (/_emulator/...) and the real billing endpoint.
import { canonicalQuery, signAcs3 } from "./sign.js";
import { bj, drawChart, formatNumber } from "./chart.js";

const MODEL_DETAIL = { path: "/api/v1/modelRouter/open/billing/cost/model-detail", action: "ModelRouterQueryCostModelDetail" };
const OVERVIEW = { path: "/api/v1/modelRouter/open/billing/cost/overview", action: "ModelRouterQueryCostOverviewMetrics" };
const VERSION = "20240611";
const FORMS = { product_errors: ["both", "documented", "gateway"], values_encoding: ["single", "double"],
  empty_buckets: ["zero", "omit"] };
const BJ = 8 * 3600;
const POLL_MS = 1000;

const $ = (sel) => document.querySelector(sel);
const state = { scenario: null, accounts: [], config: null, clock: null, errors: [], view: null };

/** An element: h("td", {class: "mono"}, "text", child, ...). */
function h(tag, attrs = {}, ...children) {
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

class ControlError extends Error {
  constructor(status, body, reason) {
    super(body?.Message || `HTTP ${status}`);
    Object.assign(this, { status, code: body?.Code, reason });
  }
}

async function control(method, path, body) {
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

const errText = (e) => (e instanceof ControlError ? `${e.status} ${e.code || ""}: ${e.message}` : String(e));

function say(node, text, ok = true) {
  node.textContent = text;
  node.hidden = !text;
  node.classList.toggle("bad", !ok);
}

// ---------------------------------------------------------------- time in UTC+8

const toInput = (ts) => new Date((ts + BJ) * 1000).toISOString().slice(0, 16);
function fromInput(v) {
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(v.trim());
  if (!m) return null;
  return Date.UTC(+m[1], m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0), +(m[6] || 0)) / 1000 - BJ;
}

// ---------------------------------------------------------------- signed API calls

/** GET an API path as the chosen account would with the official SDK: ACS3 signed, JSON errors. */
async function signedGet(target, query, account) {
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

const parseValues = (v) => { let out = JSON.parse(v); if (typeof out === "string") out = JSON.parse(out); return out; };

// ---------------------------------------------------------------- Usage view

let usageSeq = 0;
let lastUsage = null; // what the chart shows, for redraws on resize and metric changes

function account() {
  return state.accounts.find((a) => a.accessKeyId === $("#u-account").value) || state.accounts[0];
}

function usageQuery() {
  const q = { modelId: $("#u-model").value, startTime: String(fromInput($("#u-start").value)),
    endTime: String(fromInput($("#u-end").value)) };
  if ($("#u-client").value) q.clientId = $("#u-client").value;
  if ($("#u-clientIds").value.trim()) q.clientIds = $("#u-clientIds").value.replace(/\s+/g, "");
  if ($("#u-members-empty").checked) q.memberUserIds = "";
  else if ($("#u-members").value.trim()) q.memberUserIds = $("#u-members").value.replace(/\s+/g, "");
  if ($("#u-apikey").value) q.apiKeyId = $("#u-apikey").value;
  return q;
}

function setPreset(days) {
  const now = state.clock ? state.clock.now : Math.floor(Date.now() / 1000);
  const hourly = days <= (state.config?.hourly_max_days ?? 7);
  const unit = hourly ? 3600 : 86400;
  // end at the data clock: the end of its hour (hourly spans) or of its day in UTC+8 (daily spans)
  const end = Math.ceil((now + (hourly ? 0 : BJ)) / unit) * unit - (hourly ? 0 : BJ);
  $("#u-start").value = toInput(end - days * 86400);
  $("#u-end").value = toInput(end);
}

function fillDepartments() {
  const sel = $("#u-client");
  sel.replaceChildren(h("option", { value: "" }, "(all)"));
  for (const org of state.scenario.organizations) {
    sel.append(h("optgroup", { label: `${org.name} (${org.id})` },
      org.departments.map((d) => h("option", { value: d.id }, `${d.id} · ${d.name}`))));
  }
  fillKeys();
}

function fillKeys() {
  const sel = $("#u-apikey");
  const dept = state.scenario.organizations.flatMap((o) => o.departments)
    .find((d) => String(d.id) === $("#u-client").value);
  sel.replaceChildren(h("option", { value: "" }, dept ? "(any)" : "(pick a department)"),
    (dept ? dept.apiKeys : []).map((k) => h("option", { value: k.id }, `${k.id} · ${k.name}`)));
}

async function runUsage() {
  const seq = ++usageSeq;
  const box = $("#u-result");
  const q = usageQuery();
  const first = { ...q, maxResults: "100" };
  $("#u-url").textContent = `${location.origin}${MODEL_DETAIL.path}?${canonicalQuery(first)}`;
  box.dataset.state = "loading";
  box.dataset.query = canonicalQuery(first);
  $("#u-status").textContent = "loading…";
  $("#u-error").hidden = true;
  const acct = account();
  const [clock, events] = await Promise.all([control("GET", "/_emulator/clock"),
    control("GET", "/_emulator/usage-events")]).catch(() => [state.clock, []]);
  state.clock = clock;
  showClock();
  const rows = [];
  let data = null, pages = 0, token = "", answer;
  do {
    answer = await signedGet(MODEL_DETAIL, token ? { ...first, nextToken: token } : first, acct);
    if (seq !== usageSeq) return;
    if (!answer.ok) return usageError(answer);
    data = answer.body.data;
    rows.push(...data.rows.map((r) => ({ ts: r.timestamp, values: parseValues(r.values) })));
    pages += 1;
    token = answer.body.nextToken || "";
  } while (token && pages < 100);
  lastUsage = { q, data, rows, pages, clock, requestId: answer.requestId, account: acct,
    events: events.filter((e) => e.modelId === undefined || e.modelId === null || String(e.modelId) === q.modelId) };
  const metric = $("#u-metric");
  const keep = metric.value;
  metric.replaceChildren(...data.columns.map((c) => h("option", { value: c.key }, `${c.label} (${c.key})`)));
  metric.value = data.columns.some((c) => c.key === keep) ? keep : "total_amount";
  drawUsage();
  box.dataset.state = "done";
  box.dataset.total = data.total;
  runSummary(q, acct, seq);
}

function usageError(a) {
  const b = a.body || {};
  const box = $("#u-error");
  box.hidden = false;
  box.querySelector("[data-testid=error-status]").textContent = `HTTP ${a.status}`;
  box.querySelector("[data-testid=error-code]").textContent = b.Code || b.errCode || "(no code)";
  box.querySelector("[data-testid=error-message]").textContent = b.Message || b.errMessage || "";
  box.querySelector("[data-testid=error-reason]").textContent = a.reason || "(none)";
  const rid = b.RequestId || b.requestId || a.requestId || "";
  const link = box.querySelector("[data-testid=error-request-id]");
  link.textContent = rid;
  link.href = `#requests?q=${encodeURIComponent(rid)}`;
  $("#u-chart").replaceChildren();
  $("#u-table").replaceChildren();
  $("#u-total").textContent = "";
  $("#u-summary").textContent = "";
  $("#u-status").textContent = "";
  $("#u-result").dataset.state = "error";
  lastUsage = null;
}

function drawUsage() {
  if (!lastUsage) return;
  const { q, data, rows, pages, clock, events, requestId } = lastUsage;
  const key = $("#u-metric").value;
  const col = data.columns.find((c) => c.key === key) || { key, label: key, unit: "" };
  const money = key === "total_amount";
  const step = data.granularity === "daily" ? 86400 : 3600;
  const points = rows.map((r) => ({ ts: r.ts, value: Number(r.values[key] ?? 0) }));
  drawChart($("#u-chart"), { points, span: { start: +q.startTime, end: +q.endTime }, step, clock, events,
    label: col.label, unit: col.unit, digits: money ? 4 : 0 });
  // exact sums: amounts in integer 0.0001 元
  const sum = (k) => k === "total_amount"
    ? rows.reduce((a, r) => a + Math.round(Number(r.values[k] ?? 0) * 10000), 0) / 10000
    : rows.reduce((a, r) => a + Number(r.values[k] ?? 0), 0);
  $("#u-total").replaceChildren(h("span", { class: "muted" }, `${col.label} · ${data.modelName} · total `),
    h("b", { "data-testid": "total-value" }, formatNumber(sum(key), money ? 4 : 0)), ` ${col.unit || ""}`);
  $("#u-status").replaceChildren(`${data.total} ${data.granularity} rows in ${pages} page${pages === 1 ? "" : "s"} · `,
    h("a", { class: "mono", href: `#requests?q=${encodeURIComponent(requestId || "")}`,
      title: "the last page's request in the journal" }, requestId || ""));
  const cols = data.columns;
  $("#u-table").replaceChildren(
    h("thead", {}, h("tr", {}, h("th", {}, data.granularity === "daily" ? "day (UTC+8)" : "hour (UTC+8)"),
      cols.map((c) => h("th", { class: "num" }, `${c.label}`, h("br"), h("span", { class: "mono muted" }, c.key))))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-ts": r.ts },
      h("td", { class: "mono" }, data.granularity === "daily" ? bj(r.ts, "day") : bj(r.ts)),
      cols.map((c) => h("td", { class: "num" }, formatNumber(Number(r.values[c.key] ?? 0),
        c.key === "total_amount" ? 4 : 0)))))),
    h("tfoot", {}, h("tr", {}, h("th", {}, "total"),
      cols.map((c) => h("th", { class: "num" }, formatNumber(sum(c.key), c.key === "total_amount" ? 4 : 0))))));
}

/** The overview action over the same span and filters (every model): one line. */
async function runSummary(q, acct, seq) {
  const { modelId, ...rest } = q;
  const line = $("#u-summary");
  line.textContent = "";
  const a = await signedGet(OVERVIEW, rest, acct).catch((e) => ({ ok: false, body: { Code: String(e) } }));
  if (seq !== usageSeq) return;
  if (!a.ok) {
    line.textContent = `All models (overview): ${a.body?.Code || a.body?.errCode || a.status}`;
    return;
  }
  line.replaceChildren(h("b", {}, "All models, same span and filters: "),
    a.body.data.map((m) => `${m.label} ${formatNumber(Number(m.value), m.key === "total_amount" ? 4 : 0)}` +
      `${m.unit ? " " + m.unit : ""}`).join(" · "));
}

async function copyText(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text); // secure contexts only
    ok = true;
  } catch {
    const area = h("textarea", { style: "position:fixed;opacity:0" });
    area.value = text;
    document.body.append(area);
    area.select();
    try { ok = document.execCommand("copy"); } catch { ok = false; }
    area.remove();
  }
  const before = button.textContent;
  button.textContent = ok ? "Copied" : "Select and copy";
  setTimeout(() => { button.textContent = before; }, 1200);
}

function initUsage() {
  $("#u-account").replaceChildren(...state.accounts.map((a) =>
    h("option", { value: a.accessKeyId, title: a.accessKeyId }, a.name)));
  $("#u-model").replaceChildren(...state.scenario.models.map((m) =>
    h("option", { value: m.id }, `${m.id} · ${m.name} (${m.code})`)));
  fillDepartments();
  setPreset(1);
  $("#u-client").addEventListener("change", fillKeys);
  document.querySelectorAll("[data-preset]").forEach((b) =>
    b.addEventListener("click", () => { setPreset(+b.dataset.preset); runUsage(); }));
  $("#u-form").addEventListener("submit", (e) => { e.preventDefault(); runUsage(); });
  $("#u-metric").addEventListener("change", drawUsage);
  $("#u-copy").addEventListener("click", (e) => copyText($("#u-url").textContent, e.currentTarget));
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(drawUsage, 150); });
  runUsage();
}

// ---------------------------------------------------------------- Requests view

let journalSig = "";
let journal = [];

async function pollRequests() {
  if (!$("#r-live").checked) return;
  const search = $("#r-search").value.trim();
  const j = await control("GET", search ? `/_emulator/requests?requestId=${encodeURIComponent(search)}`
                                        : "/_emulator/requests?limit=500");
  const last = j.requests.length ? j.requests[j.requests.length - 1].requestId : "";
  const sig = `${j.worker}:${j.total}:${last}`;
  if (sig === journalSig) return;
  journalSig = sig;
  journal = j.requests;
  journal.meta = j;
  renderRequests();
}

function renderRequests() {
  const search = $("#r-search").value.trim().toLowerCase();
  const status = $("#r-status").value;
  const code = $("#r-code").value.trim().toLowerCase();
  const codes = new Set();
  const shown = [];
  for (let i = journal.length - 1; i >= 0; i--) {
    const e = journal[i];
    if (e.errorCode) codes.add(e.errorCode);
    if (search && !e.requestId.toLowerCase().includes(search)) continue;
    if (status === "2xx" && (e.status < 200 || e.status > 299)) continue;
    if (status === "err" && e.status < 400) continue;
    if (status === "4xx" && (e.status < 400 || e.status > 499)) continue;
    if (status === "5xx" && e.status < 500) continue;
    if (code && !(e.errorCode || "").toLowerCase().includes(code)) continue;
    shown.push(e);
  }
  $("#r-codes").replaceChildren(...[...codes].sort().map((c) => h("option", { value: c })));
  const limit = 500;
  $("#r-table tbody").replaceChildren(...shown.slice(0, limit).map((e) => h("tr", {
    "data-testid": "request-row", "data-request-id": e.requestId, class: e.status >= 400 ? "bad" : "" },
  h("td", { class: "mono" }, e.requestId),
  h("td", { class: "mono", title: e.time }, new Date(e.time).toLocaleTimeString("en-GB", { hour12: false }) +
      "." + e.time.slice(20, 23)),
  h("td", { class: "req" }, h("div", { class: "mono" }, `${e.method} ${e.path}`),
    e.query ? h("div", { class: "mono muted q", title: e.query }, e.query) : null),
  h("td", { "data-testid": "status" }, h("span", { class: `badge s${String(e.status)[0]}` }, e.status)),
  h("td", { class: "mono", "data-testid": "code" }, e.errorCode || ""),
  h("td", { class: "reason" }, e.reason || ""),
  h("td", { class: "mono" }, e.accessKeyId || ""),
  h("td", { class: "num" }, e.latencyMs.toFixed(1)))));
  const meta = journal.meta || {};
  $("#r-count").textContent = `${shown.length > limit ? `first ${limit} of ` : ""}${shown.length} shown · ` +
    `${journal.length} kept · ${meta.total ?? 0} since reset · worker ${meta.worker ?? "?"}`;
}

function initRequests() {
  $("#r-code").addEventListener("input", renderRequests);
  $("#r-search").addEventListener("input", () => { journalSig = ""; renderRequests(); pollRequests(); });
  $("#r-status").addEventListener("change", renderRequests);
  $("#r-clear").addEventListener("click", async () => { await control("DELETE", "/_emulator/requests"); pollRequests(); });
}

// ---------------------------------------------------------------- Faults view

let faultSig = "";

async function pollFaults() {
  const rules = await control("GET", "/_emulator/faults");
  const sig = JSON.stringify(rules);
  if (sig === faultSig) return;
  faultSig = sig;
  $("#f-table tbody").replaceChildren(...(rules.length ? rules.map((r) => h("tr", {
    "data-testid": "fault-row", "data-fault-id": r.id },
  h("td", { class: "mono" }, r.id),
  h("td", { class: "mono" }, r.code || "(delay only)"),
  h("td", { class: "mono" }, new URLSearchParams(r.match.query).toString()),
  h("td", { class: "mono" }, r.match.accessKeyId || "(any)"),
  h("td", {}, r.times ?? "∞"), h("td", {}, r.rate), h("td", {}, r.delayMs), h("td", {}, r.retryAfterMs ?? ""),
  h("td", { class: "num", "data-testid": "hits" }, r.hits),
  h("td", {}, h("button", { type: "button", "data-testid": "fault-remove", onclick: async () => {
    await control("DELETE", `/_emulator/faults/${r.id}`).catch((e) => say($("#f-error"), errText(e), false));
    pollFaults();
  } }, "Remove")))) : [h("tr", {}, h("td", { colspan: 10, class: "muted" }, "no rules: every request is answered"))]));
}

function initFaults() {
  $("#f-code").append(...state.errors.map((e) => h("option", { value: e.code }, `${e.code} (${e.status})`)));
  $("#f-ak").append(...state.accounts.map((a) => h("option", { value: a.accessKeyId }, `${a.accessKeyId} (${a.name})`)));
  $("#f-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { match: { query: Object.fromEntries(new URLSearchParams($("#f-query").value.trim())) } };
    if ($("#f-code").value) body.code = $("#f-code").value;
    if ($("#f-ak").value) body.match.accessKeyId = $("#f-ak").value;
    const num = (id, key, parse = Number) => { if ($(id).value !== "") body[key] = parse($(id).value); };
    num("#f-times", "times");
    num("#f-rate", "rate");
    num("#f-delay", "delayMs");
    num("#f-retry", "retryAfterMs");
    try {
      await control("POST", "/_emulator/faults", body);
      say($("#f-error"), "");
    } catch (e) {
      say($("#f-error"), errText(e), false);
    }
    pollFaults();
  });
  $("#f-clear").addEventListener("click", async () => { await control("DELETE", "/_emulator/faults"); pollFaults(); });
}

// ---------------------------------------------------------------- Scenario and accounts view

function sdkSnippet(a) {
  return `from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi.models import Config

client = Client(Config(endpoint="${location.host}", protocol="http", region_id="cn-shanghai",
                       access_key_id="${a.accessKeyId}",
                       access_key_secret="${a.accessKeySecret}"))
resp = client.model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
    model_id=1, start_time=1709222400, end_time=1709308800, max_results=100))
print(resp.body.data.total, resp.body.request_id)`;
}

function initScenario() {
  $("#s-accounts").replaceChildren(
    h("thead", {}, h("tr", {}, ["account", "AccessKey id", "AccessKey secret", "organisation", "policies",
      "official SDK (Python)"].map((t) => h("th", {}, t)))),
    h("tbody", {}, state.accounts.map((a) => h("tr", { "data-account": a.name },
      h("td", {}, h("b", {}, a.name), h("div", { class: "muted" }, a.description)),
      h("td", { class: "mono" }, a.accessKeyId), h("td", { class: "mono" }, a.accessKeySecret),
      h("td", {}, a.organizationId ?? "none", a.departmentIds ? ` · departments ${a.departmentIds.join(", ")}` : ""),
      h("td", {}, a.policies.join(", ") || "none"),
      h("td", {}, h("button", { type: "button", "data-testid": "copy-snippet",
        onclick: (e) => copyText(sdkSnippet(a), e.currentTarget) }, "Copy snippet"),
      h("details", {}, h("summary", {}, "show"),
        h("pre", { class: "mono snippet", "data-testid": "sdk-snippet" }, sdkSnippet(a))))))));
  $("#s-orgs").replaceChildren(...state.scenario.organizations.map((o) => h("div", { class: "org" },
    h("h4", {}, `${o.name} `, h("span", { class: "mono muted" }, o.id)),
    h("table", { class: "grid" }, h("thead", {}, h("tr", {}, ["department", "parent", "members", "API keys"]
      .map((t) => h("th", {}, t)))),
    h("tbody", {}, o.departments.map((d) => h("tr", {},
      h("td", {}, h("span", { class: "mono" }, d.id), ` ${d.name}`),
      h("td", { class: "mono" }, d.parentId ?? ""),
      h("td", {}, d.members.map((m) => h("div", {}, h("span", { class: "mono" }, m.id), ` ${m.name}`))),
      h("td", {}, d.apiKeys.map((k) => h("div", {}, h("span", { class: "mono" }, k.id), ` ${k.name}`,
        h("span", { class: "muted" }, k.memberId ? ` · member ${k.memberId}` : " · department key",
          ` · ~${k.callsPerDay} calls/day`)))))))))));
  const price = (p) => Object.entries(p || {}).map(([k, v]) => `${k}: ${v.yuan} 元 / ${v.per}`).join(", ");
  $("#s-models").replaceChildren(
    h("thead", {}, h("tr", {}, ["id", "code", "name", "type", "modelType", "columns", "prices"].map((t) => h("th", {}, t)))),
    h("tbody", {}, state.scenario.models.map((m) => h("tr", {},
      h("td", { class: "mono" }, m.id), h("td", { class: "mono" }, m.code), h("td", {}, m.name), h("td", {}, m.type),
      h("td", {}, m.modelType), h("td", { class: "mono" }, m.columns.join(", ")), h("td", {}, price(m.prices))))));
}

// ---------------------------------------------------------------- Settings view

function showClock() {
  const c = state.clock;
  if (!c) return;
  const text = `data clock ${bj(c.now)} (UTC+8)${c.fixed ? " · fixed" : " · wall clock"}` +
    (c.dataLagMinutes ? ` · lag ${c.dataLagMinutes} min` : "");
  $("#top-clock").textContent = text;
  $("#k-current").textContent = `now ${c.now} = ${bj(c.now)} UTC+8 · fixed ${c.fixed} · dataLagMinutes ${c.dataLagMinutes}`;
}

let formsShown = {}; // the forms last put into the selects: a select the user changed since is left alone

function showForms(config, force = false) {
  for (const name of Object.keys(FORMS)) {
    const sel = $(`#c-${name}`);
    if (force || sel.value === formsShown[name]) sel.value = config[name];
  }
  formsShown = Object.fromEntries(Object.keys(FORMS).map((n) => [n, config[n]]));
}

async function loadSettings() {
  const [config, clock, events] = await Promise.all([control("GET", "/_emulator/config"),
    control("GET", "/_emulator/clock"), control("GET", "/_emulator/usage-events")]);
  state.config = config;
  state.clock = clock;
  showClock();
  $("#c-config").replaceChildren(...Object.entries(config).map(([k, v]) => h("tr", { "data-key": k },
    h("th", { class: "mono" }, k), h("td", { class: "mono" }, v === null ? "null" : String(v)))));
  showForms(config);
  const model = (id) => state.scenario.models.find((m) => m.id === id);
  $("#e-table tbody").replaceChildren(...(events.length ? events.map((e) => {
    const scope = ["clientId", "memberUserId", "apiKeyId"].find((k) => e[k] !== undefined);
    return h("tr", { "data-testid": "event-row", "data-event-id": e.id },
      h("td", { class: "mono" }, e.id), h("td", { class: "mono" }, bj(e.startTime)), h("td", { class: "mono" }, bj(e.endTime)),
      h("td", {}, e.modelId ? `${e.modelId} · ${model(e.modelId)?.name ?? ""}` : "(every model)"),
      h("td", { class: "mono" }, scope ? `${scope}=${e[scope]}` : "(every key)"),
      h("td", { class: "mono" }, e.factor !== undefined ? `factor ${e.factor}` : `set ${JSON.stringify(e.set)}`),
      h("td", {}, e.note || ""),
      h("td", {}, h("button", { type: "button", "data-testid": "event-remove", onclick: async () => {
        await control("DELETE", `/_emulator/usage-events/${e.id}`).catch((x) => say($("#e-error"), errText(x), false));
        loadSettings();
      } }, "Remove")));
  }) : [h("tr", {}, h("td", { colspan: 8, class: "muted" }, "no usage events: the generated figures as they are"))]));
}

function initSettings() {
  for (const [name, forms] of Object.entries(FORMS)) $(`#c-${name}`).replaceChildren(...forms.map((f) => h("option", {}, f)));
  showForms(state.config, true);
  const msg = (node, fn) => async (ev) => {
    ev.preventDefault();
    try {
      say(node, await fn(), true);
    } catch (e) {
      say(node, errText(e), false);
    }
    await loadSettings();
  };
  $("#c-form").addEventListener("submit", msg($("#c-msg"), async () => {
    const body = Object.fromEntries(Object.keys(FORMS).map((n) => [n, $(`#c-${n}`).value]));
    showForms(await control("PATCH", "/_emulator/config", body), true);
    return "applied";
  }));
  $("#k-form").addEventListener("submit", msg($("#k-msg"), async () => {
    const raw = $("#k-now").value.trim();
    const body = { now: /^\d+$/.test(raw) ? Number(raw) : fromInput(raw) ?? raw };
    if ($("#k-lag").value !== "") body.dataLagMinutes = Number($("#k-lag").value);
    const c = await control("PUT", "/_emulator/clock", body);
    return `clock fixed at ${bj(c.now)} UTC+8`;
  }));
  $("#k-adv-form").addEventListener("submit", msg($("#k-msg"), async () => {
    const c = await control("POST", "/_emulator/clock/advance", { seconds: Number($("#k-seconds").value) });
    return `clock at ${bj(c.now)} UTC+8`;
  }));
  $("#k-reset").addEventListener("click", msg($("#k-msg"), async () => {
    await control("DELETE", "/_emulator/clock");
    return "back to the started clock";
  }));
  $("#c-reset").addEventListener("click", msg($("#c-reset-msg"), async () => {
    await control("POST", "/_emulator/reset");
    faultSig = "";
    return "reset: no fault rules, nonces or journal; started forms, clock and usage events";
  }));
  $("#e-model").append(...state.scenario.models.map((m) => h("option", { value: m.id }, `${m.id} · ${m.name}`)));
  $("#e-form").addEventListener("submit", msg($("#e-error"), async () => {
    const body = { startTime: fromInput($("#e-start").value), endTime: fromInput($("#e-end").value) };
    if ($("#e-model").value) body.modelId = Number($("#e-model").value);
    if ($("#e-scope").value) body[$("#e-scope").value] = Number($("#e-scope-id").value);
    if ($("#e-effect").value === "factor") body.factor = Number($("#e-factor").value);
    else body.set = JSON.parse($("#e-set").value || "{}");
    if ($("#e-note").value.trim()) body.note = $("#e-note").value.trim();
    const e = await control("POST", "/_emulator/usage-events", body);
    return `added usage event #${e.id}`;
  }));
  $("#e-clear").addEventListener("click", msg($("#e-error"), async () => {
    await control("DELETE", "/_emulator/usage-events");
    return "every usage event removed";
  }));
  const now = state.clock ? Math.floor(state.clock.now / 3600) * 3600 : 0;
  $("#e-start").value = toInput(now - 6 * 3600);
  $("#e-end").value = toInput(now);
}

// ---------------------------------------------------------------- navigation and polling

const VIEWS = {
  usage: { show: () => lastUsage && drawUsage() },
  requests: { poll: pollRequests, show: () => { journalSig = ""; } },
  faults: { poll: pollFaults, show: () => { faultSig = ""; } },
  scenario: {},
  settings: { show: loadSettings },
};
let pollTimer = null;

function route() {
  const [name, arg] = location.hash.slice(1).split("?");
  const view = VIEWS[name] ? name : "usage";
  const params = new URLSearchParams(arg || "");
  if (view === "requests" && params.has("q")) $("#r-search").value = params.get("q");
  document.querySelectorAll(".view").forEach((s) => { s.hidden = s.id !== `view-${view}`; });
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.dataset.view === view));
  state.view = view;
  clearTimeout(pollTimer);
  Promise.resolve(VIEWS[view].show?.()).catch(showLoadError);
  if (VIEWS[view].poll) poll(view);
}

/** Poll the view's source every second while it is shown and the tab is visible; never overlapping. */
async function poll(view) {
  if (state.view !== view) return;
  if (document.visibilityState === "visible") await VIEWS[view].poll().catch(() => {});
  if (state.view === view) pollTimer = setTimeout(() => poll(view), POLL_MS);
}

function showLoadError(e) {
  say($("#load-error"), `The control API did not answer: ${errText(e)}`, false);
}

async function main() {
  try {
    const [scenario, accounts, config, clock, errors] = await Promise.all(
      ["scenario", "accounts", "config", "clock", "errors"].map((p) => control("GET", `/_emulator/${p}`)));
    Object.assign(state, { scenario, accounts, config, clock, errors });
  } catch (e) {
    showLoadError(e);
    return;
  }
  showClock();
  initUsage();
  initRequests();
  initFaults();
  initScenario();
  initSettings();
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "true";
}

main();
