// The Requests view (the journal, live) and the Faults view (rules and their hits).
import { $, control, errText, h, say, state } from "./common.js";

// ---------------------------------------------------------------- Requests view

let journalSig = "";
let journal = [];

export async function pollRequests() {
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
  h("td", { class: "mono rid" }, e.requestId),
  h("td", { class: "mono", title: e.time }, new Date(e.time).toLocaleTimeString("en-GB", { hour12: false }) +
      "." + e.time.slice(20, 23)),
  h("td", { class: "req" }, h("div", { class: "mono path" }, `${e.method} ${e.path}`),
    e.query ? h("div", { class: "mono muted q", title: e.query }, e.query) : null,
    e.action ? h("div", { class: "muted act", "data-testid": "action" }, e.action.replace(/^ModelRouter/, "")) : null),
  h("td", { "data-testid": "status" }, h("span", { class: `badge s${String(e.status)[0]}` }, e.status)),
  h("td", { class: "mono", "data-testid": "code" }, e.errorCode || ""),
  h("td", { class: "reason" }, e.reason || ""),
  h("td", { class: "mono" }, e.accessKeyId || ""),
  h("td", { class: "num" }, e.latencyMs.toFixed(1)))));
  const meta = journal.meta || {};
  $("#r-count").textContent = `${shown.length > limit ? `first ${limit} of ` : ""}${shown.length} shown · ` +
    `${journal.length} kept · ${meta.total ?? 0} since reset · worker ${meta.worker ?? "?"}`;
}

export function initRequests() {
  $("#r-code").addEventListener("input", renderRequests);
  // A new search asks the server again (it filters by request id): until then, show nothing stale.
  $("#r-search").addEventListener("input", () => { journalSig = ""; journal = []; renderRequests(); pollRequests(); });
  $("#r-status").addEventListener("change", renderRequests);
  $("#r-clear").addEventListener("click", async () => { await control("DELETE", "/_emulator/requests"); pollRequests(); });
}

// ---------------------------------------------------------------- Faults view

let faultSig = "";

export async function pollFaults() {
  const rules = await control("GET", "/_emulator/faults");
  const sig = JSON.stringify(rules);
  if (sig === faultSig) return;
  faultSig = sig;
  $("#f-table tbody").replaceChildren(...(rules.length ? rules.map((r) => h("tr", {
    "data-testid": "fault-row", "data-fault-id": r.id },
  h("td", { class: "mono" }, r.id),
  h("td", { class: "mono" }, r.code || "(delay only)"),
  h("td", { class: "mono" }, (r.match.action || "(any)").replace(/^ModelRouter/, "")),
  h("td", { class: "mono" }, new URLSearchParams(r.match.query).toString()),
  h("td", { class: "mono" }, r.match.accessKeyId || "(any)"),
  h("td", {}, r.times ?? "∞"), h("td", {}, r.rate), h("td", {}, r.delayMs), h("td", {}, r.retryAfterMs ?? ""),
  h("td", { class: "num", "data-testid": "hits" }, r.hits),
  h("td", {}, h("button", { type: "button", "data-testid": "fault-remove", onclick: async () => {
    await control("DELETE", `/_emulator/faults/${r.id}`).catch((e) => say($("#f-error"), errText(e), false));
    pollFaults();
  } }, "Remove")))) : [h("tr", {}, h("td", { colspan: 11, class: "muted" }, "no rules: every request is answered"))]));
}

export function initFaults() {
  $("#f-code").append(...state.errors.map((e) => h("option", { value: e.code }, `${e.code} (${e.status})`)));
  $("#f-action").append(...state.scenario.actions.map((a) => h("option", { value: a.name },
    `${a.name.replace(/^ModelRouter/, "")}${a.emulated ? "" : " (not emulated)"}`)));
  $("#f-ak").append(...state.accounts.map((a) => h("option", { value: a.accessKeyId }, `${a.accessKeyId} (${a.name})`)));
  $("#f-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { match: { query: Object.fromEntries(new URLSearchParams($("#f-query").value.trim())) } };
    if ($("#f-code").value) body.code = $("#f-code").value;
    if ($("#f-ak").value) body.match.accessKeyId = $("#f-ak").value;
    if ($("#f-action").value) body.match.action = $("#f-action").value;
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

/** Forget what was drawn last, so the next poll redraws (a view shown again, a reset). */
export function forgetDrawn() {
  journalSig = "";
  faultSig = "";
}
