// The Scenario and accounts view, and the Settings view (forms, the data clock, usage events).
import { bj } from "./chart.js";
import { $, control, errText, fromInput, h, say, state, toInput } from "./common.js";
import { forgetDrawn } from "./requests.js";
import { account, copyText } from "./usage.js";

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

export function initScenario() {
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

export function showClock() {
  const c = state.clock;
  if (!c) return;
  const text = `data clock ${bj(c.now)} (UTC+8)${c.fixed ? " · fixed" : " · wall clock"}` +
    (c.dataLagMinutes ? ` · lag ${c.dataLagMinutes} min` : "");
  $("#top-clock").textContent = text;
  $("#k-current").textContent = `now ${c.now} = ${bj(c.now)} UTC+8 · fixed ${c.fixed} · dataLagMinutes ${c.dataLagMinutes}`;
}

let formsShown = {}; // the forms last put into the selects: a select the user changed since is left alone

function showForms(config, force = false) {
  for (const name of Object.keys(state.config.forms)) {
    const sel = $(`#c-${name}`);
    if (force || sel.value === formsShown[name]) sel.value = config[name];
  }
  formsShown = Object.fromEntries(Object.keys(state.config.forms).map((n) => [n, config[n]]));
}

/** A setting's value as text: `forms` (each form and the values it takes) one line a form. */
function shown(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.join(" | ");
  if (typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}: ${shown(x)}`).join("\n");
  return String(v);
}

export async function loadSettings() {
  const [config, clock, events] = await Promise.all([control("GET", "/_emulator/config"),
    control("GET", "/_emulator/clock"), control("GET", "/_emulator/usage-events")]);
  state.config = config;
  state.clock = clock;
  showClock();
  $("#c-config").replaceChildren(...Object.entries(config).map(([k, v]) => h("tr", { "data-key": k },
    h("th", { class: "mono" }, k), h("td", { class: "mono" }, shown(v)))));
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

export function initSettings() {
  // one select a form, as the emulator lists them (GET /_emulator/config)
  $("#c-forms").replaceChildren(...Object.entries(state.config.forms).map(([name, forms]) =>
    h("label", {}, `${name} `, h("select", { id: `c-${name}` }, ...forms.map((f) => h("option", {}, f))))));
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
    const body = Object.fromEntries(Object.keys(state.config.forms).map((n) => [n, $(`#c-${n}`).value]));
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
    forgetDrawn();
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
