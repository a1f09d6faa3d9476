"""Benchmark: the emulator against a baseline FastAPI app, side by side in one run.

    apt-get install -y wrk        # the load generator (Debian package)
    python -m bench               # full run, writes bench/RESULTS.md
    python -m bench --quick       # shorter rounds, prints only

Both servers run as separate processes on one uvicorn worker with the same settings (uvloop,
httptools, no access log; the emulator through its own CLI) and are driven by wrk -t1 -c16 for the same
duration, alternating
A/B/A/B; the figures of each side are the medians of its rounds. Loopback only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/modelRouter/open/billing/cost/model-detail"
MARCH_1 = 1709222400  # 2024-03-01 00:00 Asia/Shanghai
DAY = 86400
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
UVICORN_FLAGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                 "--log-level", "warning", "--lifespan", "off"]

SCENARIOS: list[tuple[str, dict[str, object]]] = [
    ("1-day hourly page (20 rows)", {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("7-day hourly page of 100 rows", {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY,
                                       "pageSize": 100}),
    ("366-day daily page of 100 rows", {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 366 * DAY,
                                        "pageSize": 100}),
    ("filtered: clientIds + memberUserIds", {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY,
                                             "clientIds": "2,3", "memberUserIds": "1001,1004"}),
    ("validation error (400)", {"modelId": "abc", "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("signed request (ACS3, verified)", {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
]


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"{url} did not answer")


def start_emulator(port: int) -> subprocess.Popen:
    """The emulator as users run it: the CLI (uvicorn, uvloop and httptools chosen by default)."""
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", str(port), "--log-level", "warning"],
                            cwd=ROOT, stdout=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}/_emulator/health")
    return proc


def start_baseline(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.baseline:app", "--host", "127.0.0.1",
                             "--port", str(port), *UVICORN_FLAGS], cwd=ROOT)
    wait_healthy(f"http://127.0.0.1:{port}/")
    return proc


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if m is None:
        raise ValueError(f"unexpected latency {text!r} from wrk")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[m.group(2)]


def wrk(url: str, seconds: float, connections: int, script: str | None = None, env: dict | None = None) -> Load:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        p50 = _ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
        p99 = _ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    except (AttributeError, ValueError) as exc:
        raise RuntimeError(f"cannot read wrk's output ({exc}):\n{out}") from exc
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return Load(rps, p50, p99, int(non2xx.group(1)) if non2xx else 0)


def signed_requests(port: int, query: dict[str, object], count: int, path: Path) -> None:
    """Pre-sign `count` raw requests with fresh nonces (the signature check runs for real)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from signer import acs3_headers  # the tests' independent signer

    q = {k: str(v) for k, v in query.items()}
    host = f"127.0.0.1:{port}"
    target = f"{API}?{urlencode(sorted(q.items()))}"
    with path.open("wb") as f:
        for _ in range(count):
            headers = acs3_headers("GET", host, API, q, *ADMIN)
            lines = [f"GET {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
            f.write(("\r\n".join(lines) + "\r\n\r\n--8<--\n").encode())


def measure_startup(runs: int) -> dict[str, float]:
    """Median seconds from process start to the first 200 from /_emulator/health."""
    cli, inproc, warm = [], [], []
    for _ in range(runs):
        port = free_port()
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", str(port), "--log-level", "warning"],
                                cwd=ROOT, stdout=subprocess.DEVNULL)
        wait_healthy(f"http://127.0.0.1:{port}/_emulator/health")
        cli.append(time.perf_counter() - t0)
        proc.terminate()
        proc.wait()
    probe = ("import time, sys; t0 = time.perf_counter(); import httpx; t1 = time.perf_counter(); "
             "from emulator import Emulator; e = Emulator().start(); "
             "assert httpx.get(e.url + '/_emulator/health').status_code == 200; t2 = time.perf_counter(); "
             "e2 = Emulator(seed=1).start(); assert httpx.get(e2.url + '/_emulator/health').status_code == 200; "
             "print(t2 - t1, time.perf_counter() - t2); e.stop(); e2.stop()")
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
        first, second = map(float, out.stdout.split())
        inproc.append(first)
        warm.append(second)
    return {"cli": statistics.median(cli), "in_process_cold": statistics.median(inproc),
            "in_process_warm": statistics.median(warm)}


def measure_generation() -> dict[str, float]:
    """Microseconds to generate one key-day from nothing: daily figures, and 24 hourly ones."""
    from emulator.domain.scenario import load_scenario
    from emulator.domain.usage import BLOCK_DAYS, UsageGenerator
    from emulator.settings import Settings

    settings = Settings()
    scenario = load_scenario(None, 0)
    keys = list(scenario.api_keys.values())
    out = {}
    for name, model_id in (("text", 1), ("image", 8)):
        gen = UsageGenerator(0, settings.data_start, settings.data_end)
        model = scenario.models[model_id]
        t0 = time.perf_counter()
        for key in keys:
            for block in range(8):
                gen._daily_block(model, key, block)
        out[f"daily_{name}"] = (time.perf_counter() - t0) / (len(keys) * 8 * BLOCK_DAYS) * 1e6
        t0 = time.perf_counter()
        for key in keys:
            for day in range(60):
                gen._hourly_day(model, key, day)
        out[f"hourly_{name}"] = (time.perf_counter() - t0) / (len(keys) * 60) * 1e6
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5, help="duration of each wrk round (default 5)")
    ap.add_argument("--rounds", type=int, default=4,
                    help="A/B rounds per scenario (default 4; this machine varies ±15%% run to run)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--startup-runs", type=int, default=10)
    ap.add_argument("--quick", action="store_true", help="2-second rounds, 3 start-up runs, no RESULTS.md")
    ap.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.startup_runs = 2, 3
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    emu_port, base_port = free_port(), free_port()
    emulator, baseline = start_emulator(emu_port), start_baseline(base_port)
    results: list[tuple[str, Load, Load]] = []
    try:
        for name, query in SCENARIOS:
            emu_runs, base_runs = [], []
            for _ in range(args.rounds):
                if name.startswith("signed"):
                    with tempfile.TemporaryDirectory() as tmp:
                        file = Path(tmp) / "signed.txt"
                        signed_requests(emu_port, query, int(12_000 * args.seconds), file)
                        emu_runs.append(wrk(f"http://127.0.0.1:{emu_port}/", args.seconds, args.connections,
                                            str(ROOT / "bench" / "signed.lua"), {"BENCH_SIGNED_FILE": str(file)}))
                else:
                    emu_runs.append(wrk(f"http://127.0.0.1:{emu_port}{API}?{urlencode(query)}", args.seconds,
                                        args.connections))
                base_runs.append(wrk(f"http://127.0.0.1:{base_port}/", args.seconds, args.connections))
            results.append((name, _median(emu_runs), _median(base_runs)))
            e, b = results[-1][1], results[-1][2]
            print(f"{name:40} emulator {e.rps:8.0f} rps p50 {e.p50_ms:6.2f} ms p99 {e.p99_ms:6.2f} ms | "
                  f"baseline {b.rps:8.0f} rps p99 {b.p99_ms:6.2f} ms | ratio {e.rps / b.rps:5.2f}", flush=True)
        memory = rss_mb(emulator.pid)
    finally:
        for proc in (emulator, baseline):
            proc.terminate()
            proc.wait()
    startup = measure_startup(args.startup_runs)
    generation = measure_generation()
    print("cold generation, µs per key-day: " + ", ".join(f"{k} {v:.1f}" for k, v in generation.items()))
    print(f"start-up (median of {args.startup_runs}): CLI {startup['cli']:.3f} s, in-process "
          f"{startup['in_process_cold']:.3f} s cold (imports included), {startup['in_process_warm']:.3f} s warm")
    print(f"resident memory of the emulator after the load: {memory:.1f} MB")
    if not args.quick:
        Path(args.output).write_text(report(results, startup, memory, generation, args))
        print(f"written to {args.output}")
    return 0


NOTES = """Notes on the figures (kept with the script, so each run's file carries them):
- The 400 scenario's non-2xx count is expected: every one of its answers is a 400.
- The 1-day p99 sits at the 10 ms target and crosses it in many runs. Under wrk's closed loop
  (16 connections) latency is about 16 / throughput, so p99 follows throughput: the emulator's
  p99/p50 (about 2.5) is the baseline's (about 2.3), and the baseline's own p99 ranged from 6.9 to
  11.4 ms across the runs of 2026-11-28 on this machine, whose throughput varies by ±15% from one
  run to the next (one build measured 3,037 to 3,878 req/s in consecutive 5-second runs).
  Disabling or freezing the garbage collector did not change the tail. Meeting it every run
  would need the 1-day page faster than the baseline app itself (it is at 0.8-0.9 of it).
- What the profiles show (py-spy under wrk). 1-day page: uvicorn's writes and the event loop are
  the largest items (about 18% and 8%), then formatting the rows, then a long tail of 1-2% items
  (parameter parsing, policy evaluation, token signing, the journal). 366-day page: formatting
  100 rows is about 40% (one bytes `%` call over ~800 numbers), uvicorn's writes 15%, summing
  the keys' packed figures about 11%. What remains is per-number conversion to text; the next
  step would be caching rendered rows, which the issue asks to avoid in favour of removing work.
- Caches: generated figures are memoized per key (64-day blocks, single days; bounded LRU), so
  a repeated query measures the warm path. The first request for a new stretch of time pays
  for generating it: the cold cost is measured below, per key and day."""


def _median(runs: list[Load]) -> Load:
    return Load(statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs),
                statistics.median(r.p99_ms for r in runs), sum(r.errors for r in runs))


def report(results: list[tuple[str, Load, Load]], startup: dict[str, float], memory: float,
           generation: dict[str, float], args: argparse.Namespace) -> str:
    by_name = {name: (e, b) for name, e, b in results}
    one_day = by_name[SCENARIOS[0][0]][0]
    year = by_name[SCENARIOS[2][0]][0]
    lines = [
        "# Benchmark results",
        "",
        f"- date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- command: `python -m bench --seconds {args.seconds:g} --rounds {args.rounds}` "
        f"(wrk -t1 -c{args.connections}, A/B alternating, medians of the rounds)",
        "- both sides: one uvicorn worker, uvloop, httptools, no access log; baseline = FastAPI `async def` "
        "endpoint returning a small constant JSON",
        "",
        "| scenario | emulator req/s | p50 ms | p99 ms | non-2xx | baseline req/s | baseline p50 / p99 ms | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e, b in results:
        lines.append(f"| {name} | {e.rps:.0f} | {e.p50_ms:.2f} | {e.p99_ms:.2f} | {e.errors} | {b.rps:.0f} | "
                     f"{b.p50_ms:.2f} / {b.p99_ms:.2f} | {e.rps / b.rps:.2f} |")
    base = by_name[SCENARIOS[0][0]][1].rps
    year_base = by_name[SCENARIOS[2][0]][1].rps
    # (target, measured, limit, "min" if measured must reach the limit, "max" if it must not pass it)
    checks = [
        ("1-day hourly page ≥ 0.7 × baseline (ratio)", one_day.rps / base, 0.7, "min"),
        ("1-day hourly page p99 ≤ 10 ms", one_day.p99_ms, 10.0, "max"),
        ("366-day daily page ≥ 0.5 × baseline (ratio)", year.rps / year_base, 0.5, "min"),
        ("366-day page costs ≤ 2 × the 1-day page (req/s ratio)", one_day.rps / year.rps, 2.0, "max"),
        ("in-process start-up ≤ 0.5 s (cold, imports included)", startup["in_process_cold"], 0.5, "max"),
        ("CLI start-up ≤ 1.5 s", startup["cli"], 1.5, "max"),
        ("resident memory after load ≤ 100 MB", memory, 100.0, "max"),
    ]
    lines += ["", "| target | measured | met | margin |", "|---|---:|---|---:|"]
    for name, value, limit, kind in checks:
        ok = value >= limit if kind == "min" else value <= limit
        margin = (value - limit if kind == "min" else limit - value) / limit
        lines.append(f"| {name} | {value:.3f} | {'yes' if ok else 'NO'} | {margin:+.0%} |")
    lines += ["", "Margin: how far inside (+) or outside (−) the target the measure is, relative to the target."]
    lines += ["", "Cold generation (nothing cached), µs per key and day: "
              + ", ".join(f"{k.replace('_', ' ')} {v:.1f}" for k, v in generation.items())
              + " (hourly: all 24 hours of the day).", ""]
    lines += [NOTES, "", f"In-process start-up with the modules already imported (a second `Emulator` in the same "
                  f"process): {startup['in_process_warm']:.3f} s.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
