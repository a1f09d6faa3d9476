// The dashboard: five views over the control API (/_emulator/...) and the real billing endpoint.
import { $, POLL_MS, control, errText, say, state } from "./common.js";
import { forgetDrawn, initFaults, initRequests, pollFaults, pollRequests } from "./requests.js";
import { initScenario, initSettings, loadSettings, showClock } from "./settings.js";
import { drawUsage, initUsage, lastUsage } from "./usage.js";

// ---------------------------------------------------------------- navigation and polling

const VIEWS = {
  usage: { show: () => lastUsage && drawUsage() },
  requests: { poll: pollRequests, show: forgetDrawn },
  faults: { poll: pollFaults, show: forgetDrawn },
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
