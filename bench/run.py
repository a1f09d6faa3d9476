"""Benchmark: the emulator against a baseline FastAPI app (and, with `--previous REV`, an earlier
version of the emulator), side by side in one run.

    apt-get install -y wrk                  # the load generator (Debian package)
    python -m bench                         # full run, writes bench/RESULTS.md
    python -m bench --previous a754bf5      # ... with an earlier version of the emulator beside it
    python -m bench --quick                 # shorter rounds, prints only

The servers run as separate processes on one uvicorn worker with the same settings (uvloop,
httptools, no access log; the emulator through its own CLI; `--previous REV` checks REV out into a
temporary git worktree and runs its CLI too) and are driven by wrk -t1 -c16 for the same duration,
alternating A/B/C; the figures of each side are the medians of its rounds. Loopback only.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import (
    PREFIX,
    ROOT,
    Load,
    cli_startup,
    free_port,
    measure_generation,
    measure_startup,
    modules_for_api_requests,
    previous_worktree,
    rss_mb,
    signed_requests,
    start_baseline,
    start_emulator,
    wrk,
)
from bench.profile import profile_tables
from bench.report import report

MARCH_1 = 1709222400  # 2024-03-01 00:00 Asia/Shanghai
BENCH_NOW = "2027-03-01T00:00:00+08:00"  # the emulators' data clock: a year after the wallets were enabled
DAY = 86400

# (name, path under PREFIX, query); model-detail's scenarios first, then the billing family's.
SCENARIOS: list[tuple[str, str, dict[str, object]]] = [
    ("1-day hourly page (20 rows)", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("7-day hourly page of 100 rows", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY, "pageSize": 100}),
    ("366-day daily page of 100 rows", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 366 * DAY, "pageSize": 100}),
    ("filtered: clientIds + memberUserIds", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY, "clientIds": "2,3", "memberUserIds": "1001,1004"}),
    ("validation error (400)", "billing/cost/model-detail",
     {"modelId": "abc", "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("signed request (ACS3, verified)", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("overview, 1 day, all models", "billing/cost/overview", {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("trend, 7 days hourly, all models", "billing/cost/trend", {"startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY}),
    ("trend, 7 days hourly, a new span each request", "billing/cost/trend",
     {"startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY}),
    ("cost by model, 30 days", "billing/cost/models", {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY}),
    ("bill summary, 30 days", "billing/bills/summary", {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY}),
    ("breakdown, 30 days daily, a page of 500 rows", "billing/cost/breakdown",
     {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY, "granularity": "daily", "pageSize": 500, "page": 2}),
    ("API key list", "apikeys", {"pageSize": 20}),
    # Money: the wallets of the built-in scenario are enabled from 2026-03-01 and the emulator's data
    # clock is BENCH_NOW, so department 2's ledger holds a year of hourly debits (8,760 rows).
    ("balance: a department's", "clients/2/balance", {}),
    ("balance logs: a year of hourly debits, page 100 of 20", "clients/2/balance/logs",
     {"page": 100, "size": 20}),
    ("balance logs: a year of hourly debits paged, a new page each request", "clients/2/balance/logs",
     {"items": 365 * 24, "sizes": 20}),
    # Writes (a body each, sent by write.lua), then the first page again, after the thousands of
    # changes they made.
    ("write: disable and enable an API key", "apikeys/5101/status",
     {"method": "PUT", "bodies": '{"status":"disabled"}|{"status":"active"}'}),
    ("write: create an API key", "apikeys", {"method": "POST", "bodies": '{"clientId":2}'}),
    ("1-day hourly page, after the writes", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
]
PREVIOUS_PATHS = ("billing/cost/model-detail",)  # what the earlier version answers
WORKERS_SCENARIO = "1-day hourly page (20 rows)"  # also measured against the emulator with --workers 2


def _load(port: int, path: str, query: dict[str, object], name: str, args: argparse.Namespace) -> Load:
    if name.startswith("write"):
        env = {"BENCH_METHOD": str(query["method"]), "BENCH_PATH": PREFIX + path, "BENCH_BODIES": str(query["bodies"])}
        return wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections, str(ROOT / "bench" / "write.lua"), env)
    if "a new page" in name:
        env = {"BENCH_PATH": PREFIX + path, "BENCH_ITEMS": str(query["items"]), "BENCH_SIZES": str(query["sizes"])}
        return wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections, str(ROOT / "bench" / "pages.lua"), env)
    if "a new span" in name:  # startTime moves an hour each request, over 2000 hours: nothing repeats soon
        env = {"BENCH_PATH": PREFIX + path, "BENCH_START": str(query["startTime"]), "BENCH_SPANS": "2000",
               "BENCH_SECONDS": str(int(str(query["endTime"])) - int(str(query["startTime"])))}
        return wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections, str(ROOT / "bench" / "spans.lua"), env)
    if not name.startswith("signed"):
        return wrk(f"http://127.0.0.1:{port}{PREFIX}{path}?{urlencode(query)}", args.seconds, args.connections)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "signed.txt"
        signed_requests(port, query, int(12_000 * args.seconds), file, PREFIX + path)
        return wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections,
                   str(ROOT / "bench" / "signed.lua"), {"BENCH_SIGNED_FILE": str(file)})


def _median(runs: list[Load]) -> Load:
    return Load(statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs),
                statistics.median(r.p99_ms for r in runs), sum(r.errors for r in runs))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5, help="duration of each wrk round (default 5)")
    ap.add_argument("--rounds", type=int, default=4,
                    help="rounds per scenario (default 4; this machine varies ±15%% run to run)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--startup-runs", type=int, default=10)
    ap.add_argument("--previous", metavar="REV", help="also measure this git revision of the emulator")
    ap.add_argument("--quick", action="store_true", help="2-second rounds, 3 start-up runs, no RESULTS.md")
    ap.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--only", metavar="REGEX", help="only the scenarios whose name matches (implies no RESULTS.md)")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.startup_runs = 2, 3
    if args.only:
        args.quick = True  # a partial run never replaces the full one in RESULTS.md
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        previous = previous_worktree(args.previous, Path(tmp) / "previous") if args.previous else None
        try:
            return _run(args, previous)
        finally:
            if previous is not None:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(previous)], check=False)


def _run(args: argparse.Namespace, previous: Path | None) -> int:
    ports = {"emulator": free_port(), "baseline": free_port(), "previous": free_port(), "2 workers": free_port()}
    procs = {"emulator": start_emulator(ports["emulator"], ROOT, "--now", BENCH_NOW),
             "baseline": start_baseline(ports["baseline"]),
             "2 workers": start_emulator(ports["2 workers"], ROOT, "--workers", "2", "--now", BENCH_NOW)}
    if previous is not None:
        procs["previous"] = start_emulator(ports["previous"], previous)
    results: list[tuple[str, dict[str, Load]]] = []
    try:
        for name, path, query in SCENARIOS:
            if args.only and not re.search(args.only, name):
                continue
            sides = [s for s in ("emulator", "previous", "baseline", "2 workers") if s in procs
                     and (s != "previous" or path in PREVIOUS_PATHS) and (s != "2 workers" or name == WORKERS_SCENARIO)]
            runs: dict[str, list[Load]] = {s: [] for s in sides}
            for _ in range(args.rounds):
                for side in sides:
                    runs[side].append(wrk(f"http://127.0.0.1:{ports[side]}/", args.seconds, args.connections)
                                      if side == "baseline" else _load(ports[side], path, query, name, args))
            results.append((name, {s: _median(r) for s, r in runs.items()}))
            got = results[-1][1]
            print(f"{name:40} " + " | ".join(f"{s} {load.rps:7.0f} rps p99 {load.p99_ms:6.2f} ms"
                                             for s, load in got.items()), flush=True)
        memory = rss_mb(procs["emulator"].pid)
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait()
    startup = measure_startup(args.startup_runs)
    if previous is not None:
        startup["cli_previous"] = cli_startup(args.startup_runs, previous)
    generation = measure_generation()
    modules = modules_for_api_requests()
    profile = "" if args.quick else profile_tables()
    print("cold generation, µs per key-day: " + ", ".join(f"{k} {v:.1f}" for k, v in generation.items()))
    print("start-up: " + ", ".join(f"{k} {v:.3f} s" for k, v in startup.items()))
    print(f"resident memory of the emulator after the load: {memory:.1f} MB")
    print(f"control-API or dashboard modules loaded by API requests: {modules or 'none'}")
    if not args.quick:
        Path(args.output).write_text(report(results, startup, memory, generation, modules, args, profile))
        print(f"written to {args.output}")
    return 0
