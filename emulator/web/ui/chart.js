// The usage chart: an SVG line chart drawn by hand (no library), times in Asia/Shanghai (UTC+8).

const NS = "http://www.w3.org/2000/svg";
const BJ = 8 * 3600;
const HOUR = 3600;
const DAY = 86400;

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** "YYYY-MM-DD HH:MM" (or a part of it) of Unix seconds, in UTC+8. */
export function bj(ts, part = "minute") {
  const s = new Date((ts + BJ) * 1000).toISOString();
  if (part === "day") return s.slice(0, 10);
  if (part === "md") return s.slice(5, 10);
  if (part === "hm") return s.slice(11, 16);
  return s.slice(0, 16).replace("T", " ");
}

/** Round ticks from 0 to at least max: about `count` of them, steps of 1, 2 or 5 × 10^n. */
function yTicks(max, count = 5) {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { top, ticks };
}

/** Tick instants on the hour/day grid of UTC+8, at most about `count` of them. */
function xTicks(t0, t1, count) {
  const steps = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY];
  const step = steps.find((s) => (t1 - t0) / s <= count) || 91 * DAY;
  const ticks = [];
  let t = Math.ceil((t0 + BJ) / step) * step - BJ;
  if (step >= 7 * DAY) t = Math.ceil((t0 + BJ) / DAY) * DAY - BJ; // weeks from the first midnight
  for (; t <= t1; t += step) ticks.push(t);
  return { step, ticks };
}

export function formatNumber(v, digits) {
  return v.toLocaleString("en-US", { maximumFractionDigits: digits ?? 4, minimumFractionDigits: digits ?? 0 });
}

/**
 * Draw `points` ([{ts, value}], one per row of the answer) into `host`.
 * span: {start, end}; step: bucket length (s); clock: {now, dataLagMinutes} or null;
 * events: usage events to shade; label/unit: the metric's.
 */
export function drawChart(host, { points, span, step, clock, events, label, unit, digits }) {
  host.replaceChildren();
  const W = Math.max(480, host.clientWidth || 960);
  const H = 320;
  const m = { top: 16, right: 24, bottom: 44, left: 84 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const t0 = points.length ? Math.min(span.start, points[0].ts) : span.start;
  const t1 = points.length ? Math.max(span.end, points[points.length - 1].ts + step) : span.end;
  const x = (t) => m.left + ((t - t0) / (t1 - t0 || 1)) * iw;
  const max = points.reduce((a, p) => Math.max(a, p.value), 0);
  const { top, ticks } = yTicks(max);
  const y = (v) => m.top + ih - (v / top) * ih;

  const svg = el("svg", {
    id: "chart-svg", "data-testid": "chart", viewBox: `0 0 ${W} ${H}`, width: W, height: H,
    "data-points": points.length, role: "img", "aria-label": `${label} over time`,
  });
  const clip = el("clipPath", { id: "plot-clip" });
  clip.append(el("rect", { x: m.left, y: m.top, width: iw, height: ih }));
  const defs = el("defs");
  defs.append(clip);
  svg.append(defs);

  // Usage events: shaded spans (behind everything).
  for (const e of events) {
    const a = Math.max(e.startTime, t0), b = Math.min(e.endTime, t1);
    if (b <= a) continue;
    const effect = e.factor !== undefined ? `× ${e.factor}` : "set figures";
    const g = el("g", { class: "event", "data-testid": "event-mark", "data-event-id": e.id });
    g.append(el("rect", { x: x(a), y: m.top, width: Math.max(1, x(b) - x(a)), height: ih }));
    g.append(el("title", {}, `usage event #${e.id}: ${effect}, ${bj(e.startTime)} – ${bj(e.endTime)}` +
      (e.note ? ` (${e.note})` : "")));
    g.append(el("text", { x: x(a) + 3, y: m.top + 12, class: "event-label" }, `#${e.id} ${effect}`));
    svg.append(g);
  }

  // Grid and axes.
  const axis = el("g", { class: "axis" });
  for (const v of ticks) {
    axis.append(el("line", { x1: m.left, x2: m.left + iw, y1: y(v), y2: y(v), class: v ? "grid" : "base" }));
    axis.append(el("text", { x: m.left - 8, y: y(v) + 4, "text-anchor": "end" }, formatNumber(v)));
  }
  const xt = xTicks(t0, t1, Math.max(3, Math.floor(iw / 90)));
  for (const t of xt.ticks) {
    const midnight = (t + BJ) % DAY === 0;
    axis.append(el("line", { x1: x(t), x2: x(t), y1: m.top + ih, y2: m.top + ih + 5, class: "tick" }));
    axis.append(el("text", { x: x(t), y: m.top + ih + 18, "text-anchor": "middle" },
      xt.step < DAY && !midnight ? bj(t, "hm") : bj(t, "md")));
  }
  axis.append(el("text", { x: m.left + iw / 2, y: H - 6, "text-anchor": "middle", class: "axis-title" },
    `${bj(t0, "day")} – ${bj(t1 - 1, "day")} (UTC+8)`));
  axis.append(el("text", {
    x: 14, y: m.top + ih / 2, "text-anchor": "middle", class: "axis-title",
    transform: `rotate(-90 14 ${m.top + ih / 2})`,
  }, `${label}${unit ? ` (${unit})` : ""}`));
  svg.append(axis);

  // The series: an area, a line, and one dot per row.
  const plot = el("g", { "clip-path": "url(#plot-clip)" });
  if (points.length) {
    const cx = (p) => x(p.ts + step / 2);
    const line = points.map((p, i) => `${i ? "L" : "M"}${cx(p).toFixed(1)},${y(p.value).toFixed(1)}`).join("");
    const area = `${line}L${cx(points[points.length - 1]).toFixed(1)},${y(0)}L${cx(points[0]).toFixed(1)},${y(0)}Z`;
    plot.append(el("path", { d: area, class: "area" }), el("path", { d: line, class: "line" }));
    const r = points.length > 200 ? 1.5 : points.length > 60 ? 2.2 : 3;
    const dots = el("g", { class: "dots" });
    for (const p of points) {
      dots.append(el("circle", {
        cx: cx(p).toFixed(1), cy: y(p.value).toFixed(1), r, class: "pt",
        "data-testid": "chart-point", "data-ts": p.ts, "data-value": p.value,
      }));
    }
    plot.append(dots);
  } else {
    svg.append(el("text", { x: m.left + iw / 2, y: m.top + ih / 2, "text-anchor": "middle", class: "empty" },
      "no rows in this span"));
  }
  svg.append(plot);

  // The data clock: now, and the cutoff (now - lag) when there is a lag.
  if (clock) {
    const marks = [["clock-mark", clock.now, "data clock"]];
    if (clock.dataLagMinutes) marks.push(["cutoff-mark", clock.now - clock.dataLagMinutes * 60, "cutoff"]);
    for (const [id, t, text] of marks) {
      if (t < t0 || t > t1) continue;
      const g = el("g", { class: id, "data-testid": id, "data-ts": t });
      g.append(el("line", { x1: x(t), x2: x(t), y1: m.top, y2: m.top + ih }));
      g.append(el("text", { x: x(t) - 4, y: m.top + 24 + (id === "cutoff-mark" ? 14 : 0), "text-anchor": "end" },
        `${text} ${bj(t)}`));
      g.append(el("title", {}, `${text}: ${bj(t)} (UTC+8)`));
      svg.append(g);
    }
  }

  // Hover: the nearest row's time and value.
  const tip = document.createElement("div");
  tip.className = "tip";
  tip.hidden = true;
  const cursor = el("line", { class: "cursor", y1: m.top, y2: m.top + ih, visibility: "hidden" });
  svg.append(cursor);
  svg.addEventListener("mousemove", (ev) => {
    if (!points.length) return;
    const box = svg.getBoundingClientRect();
    const px = ((ev.clientX - box.left) / box.width) * W;
    const t = t0 + ((px - m.left) / iw) * (t1 - t0) - step / 2;
    let i = Math.round((t - points[0].ts) / step);
    i = Math.max(0, Math.min(points.length - 1, i));
    // buckets may be missing (empty_buckets=omit): find the nearest by time
    let best = points[i];
    for (const p of points.slice(Math.max(0, i - 3), i + 4)) if (Math.abs(p.ts - t) < Math.abs(best.ts - t)) best = p;
    const cxv = x(best.ts + step / 2);
    cursor.setAttribute("x1", cxv);
    cursor.setAttribute("x2", cxv);
    cursor.setAttribute("visibility", "visible");
    tip.hidden = false;
    tip.textContent = `${step >= DAY ? bj(best.ts, "day") : bj(best.ts)}  ·  ${formatNumber(best.value, digits)} ${unit || ""}`;
    tip.style.left = `${Math.min(box.width - 200, Math.max(0, (cxv / W) * box.width + 8))}px`;
  });
  svg.addEventListener("mouseleave", () => {
    tip.hidden = true;
    cursor.setAttribute("visibility", "hidden");
  });
  host.append(svg, tip);
}
