// The Usage view: the real model-detail endpoint, signed as an account, charted.
import { bj, drawChart, formatNumber } from "./chart.js";
import { canonicalQuery } from "./sign.js";
import { $, BJ, MODEL_DETAIL, OVERVIEW, control, fromInput, h, parseValues, signedGet, state, toInput } from "./common.js";
import { showClock } from "./settings.js";

// ---------------------------------------------------------------- Usage view

let usageSeq = 0;
export let lastUsage = null; // what the chart shows, for redraws on resize and metric changes

export function account() {
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

export function drawUsage() {
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

export async function copyText(text, button) {
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

export function initUsage() {
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
