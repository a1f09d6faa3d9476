"""The benchmark's report, bench/RESULTS.md: the figures, the targets they meet or miss, and notes."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform

from bench.measure import Load

NOTES = """Notes on the figures (kept with the script, so each run's file carries them):
- The 400 scenario's non-2xx count is expected: every one of its answers is a 400.
- A read's answer is kept for its repeats (`emulator/api/answers.py`: bounded by count and bytes,
  keyed by the action, the canonical query and scope, the page, the directory, the forms and the
  data state), so a scenario that repeats one request measures the pipeline up to the lookup
  (routing, headers, authentication, parsing, the scope) and a copy. The scenarios that change
  what they ask each request (`a new span each request`, the writes, the signed requests with
  their own nonces) measure the work itself.
- The previous version (`--previous`) is the last one that landed: before the action table, the
  store, the writes and money. It answers from a process of its own, one worker, like the others.
- The balance scenarios read the built-in scenario's department 2, whose wallet is enabled from
  2026-03-01; the emulators' data clock is 2027-03-01 (`--now`), so its ledger holds a year of
  hourly debits whatever day the bench runs. "A new page each request" asks a page of 1 to 20
  rows anywhere in that year, one of the 31,512 (size, page) pairs drawn at random (pages.lua), so
  the kept answers (4,096) hold it about one time in eight: it measures the ledger's paging and
  rendering.
- The profile and the scaling table are measured in-process (`python -m bench.profile`): the
  ASGI app called directly, no client or sockets; µs are under cProfile (about twice the real
  cost).
- This machine's throughput varies by ±15% from one run to the next (and more from day to day);
  the rounds alternate between the sides so that each comparison is made under the same
  conditions."""




def _targets(by: dict[str, dict[str, Load]], startup: dict[str, float], memory: float,
             modules: list[str]) -> list[tuple[str, float, float, str]]:
    """(target, measured, limit, "min" if measured must reach the limit, "max" if it must not pass it)."""
    def ratio(name: str, side: str = "baseline") -> float:
        return by[name]["emulator"].rps / by[name][side].rps

    one_day, year = by["1-day hourly page (20 rows)"], by["366-day daily page of 100 rows"]
    checks = [
        ("1-day hourly page ≥ 0.7 × baseline (ratio)", ratio("1-day hourly page (20 rows)"), 0.7, "min"),
        ("1-day hourly page p99 ≤ 10 ms", one_day["emulator"].p99_ms, 10.0, "max"),
        ("366-day daily page ≥ 0.5 × baseline (ratio)", ratio("366-day daily page of 100 rows"), 0.5, "min"),
        ("366-day page costs ≤ 2 × the 1-day page (req/s ratio)",
         one_day["emulator"].rps / year["emulator"].rps, 2.0, "max"),
        ("overview, 1 day ≥ 0.5 × baseline (ratio)", ratio("overview, 1 day, all models"), 0.5, "min"),
        ("trend, 7 days hourly ≥ 0.5 × baseline (ratio)", ratio("trend, 7 days hourly, all models"), 0.5, "min"),
        ("trend, 7 days hourly, a new span each request ≥ 0.5 × baseline (ratio)",
         ratio("trend, 7 days hourly, a new span each request"), 0.5, "min"),
        ("cost by model, 30 days ≥ 0.5 × baseline (ratio)", ratio("cost by model, 30 days"), 0.5, "min"),
        ("in-process start-up ≤ 0.5 s (cold, imports included)", startup["in_process_cold"], 0.5, "max"),
        ("CLI start-up ≤ 1.5 s", startup["cli"], 1.5, "max"),
        ("resident memory after load ≤ 100 MB", memory, 100.0, "max"),
        ("control-API / dashboard modules loaded by API requests", float(len(modules)), 0.0, "max"),
    ]
    for name in ("breakdown, 30 days daily, a page of 500 rows", "API key list", "write: disable and enable an API key",
                 "write: create an API key", "balance: a department's",
                 "balance logs: a year of hourly debits, page 100 of 20",
                 "balance logs: a year of hourly debits paged, a new page each request"):
        if name in by:
            checks.append((f"{name} ≥ 0.5 × baseline (ratio)", ratio(name), 0.5, "min"))
    after = "1-day hourly page, after the writes"
    if after in by and "1-day hourly page (20 rows)" in by:
        checks.append(("1-day hourly page after the writes ≥ 0.95 × before them (req/s)",
                       by[after]["emulator"].rps / by["1-day hourly page (20 rows)"]["emulator"].rps, 0.95, "min"))
    for name, sides in by.items():
        if "previous" in sides:
            checks.append((f"{name}: ≥ 0.97 × the previous version (req/s)", ratio(name, "previous"), 0.97, "min"))
        if "2 workers" in sides:
            checks.append((f"{name}: --workers 2 ≥ 1.3 × one worker (req/s)",
                           sides["2 workers"].rps / sides["emulator"].rps, 1.3, "min"))
    return checks


def report(results: list[tuple[str, dict[str, Load]]], startup: dict[str, float], memory: float,
           generation: dict[str, float], modules: list[str], args: argparse.Namespace, profile: str = "") -> str:
    by = dict(results)
    prev = f" and the previous version ({args.previous})" if args.previous else ""
    lines = [
        "# Benchmark results",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- command: `python -m bench --seconds {args.seconds:g} --rounds {args.rounds}"
        + (f" --previous {args.previous}" if args.previous else "")
        + f"` (wrk -t1 -c{args.connections}, rounds alternating between the emulator{prev} and the baseline, "
          "medians of the rounds)",
        "- every side: one uvicorn worker, uvloop, httptools, no access log; baseline = FastAPI `async def` "
        "endpoint returning a small constant JSON",
        "",
        "| scenario | emulator req/s | p50 ms | p99 ms | non-2xx | previous req/s | 2 workers req/s | baseline req/s "
        "| baseline p50 / p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, sides in results:
        e, b, p, w = sides["emulator"], sides["baseline"], sides.get("previous"), sides.get("2 workers")
        lines.append(f"| {name} | {e.rps:.0f} | {e.p50_ms:.2f} | {e.p99_ms:.2f} | {e.errors} | "
                     f"{f'{p.rps:.0f}' if p else '–'} | {f'{w.rps:.0f}' if w else '–'} | {b.rps:.0f} | "
                     f"{b.p50_ms:.2f} / {b.p99_ms:.2f} | {e.rps / b.rps:.2f} |")
    lines += ["", "| target | measured | met | margin |", "|---|---:|---|---:|"]
    for name, value, limit, kind in _targets(by, startup, memory, modules):
        ok = value >= limit if kind == "min" else value <= limit
        margin = (value - limit if kind == "min" else limit - value) / (limit or 1)
        lines.append(f"| {name} | {value:.3f} | {'yes' if ok else 'NO'} | {margin:+.0%} |")
    lines += ["", "Margin: how far inside (+) or outside (−) the target the measure is, relative to the target.",
              "", "Cold generation (nothing cached), µs per key and day: "
              + ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in generation.items())
              + " (hourly: all 24 hours of the day).", "",
              "Start-up, medians: " + ", ".join(f"{k.replace('_', ' ')} {v:.3f} s" for k, v in startup.items())
              + f". Control-API or dashboard modules that API requests loaded: {', '.join(modules) or 'none'}.",
              "", profile, "", NOTES, ""]
    return "\n".join(lines)
