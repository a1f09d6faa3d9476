"""Measuring: the servers, wrk, pre-signed requests, start-up, cold generation, memory, and which
modules an API request loads. Used by `bench.run`."""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "/api/v1/modelRouter/open/"
API = PREFIX + "billing/cost/model-detail"
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
UVICORN_FLAGS = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                 "--log-level", "warning", "--lifespan", "off"]


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


def start_emulator(port: int, source: Path = ROOT, *extra: str) -> subprocess.Popen:
    """The emulator as users run it: the CLI (uvicorn, uvloop and httptools chosen by default),
    from `source` (a checkout of the emulator: this one, or a previous version's worktree)."""
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", str(port), "--log-level", "warning",
                             *extra],
                            cwd=source, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(source)})
    wait_healthy(f"http://127.0.0.1:{port}/_emulator/health")
    return proc


def previous_worktree(rev: str, into: Path) -> Path:
    """A checkout of `rev` (an earlier version of the emulator) in a temporary git worktree."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(into), rev], check=True)
    return into


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
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
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


def signed_requests(port: int, query: dict[str, object], count: int, path: Path, api: str = API) -> None:
    """Pre-sign `count` raw requests with fresh nonces (the signature check runs for real)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from signer import acs3_headers  # the tests' independent signer

    q = {k: str(v) for k, v in query.items()}
    host = f"127.0.0.1:{port}"
    target = f"{api}?{urlencode(sorted(q.items()))}"
    with path.open("wb") as f:
        for _ in range(count):
            headers = acs3_headers("GET", host, api, q, *ADMIN)
            lines = [f"GET {target} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
            f.write(("\r\n".join(lines) + "\r\n\r\n--8<--\n").encode())


def cli_startup(runs: int, source: Path = ROOT) -> float:
    """Median seconds from starting the CLI (of the checkout `source`) to the first 200 from health."""
    times = []
    for _ in range(runs):
        port = free_port()
        t0 = time.perf_counter()
        proc = start_emulator(port, source)
        times.append(time.perf_counter() - t0)
        proc.terminate()
        proc.wait()
    return statistics.median(times)


def measure_startup(runs: int) -> dict[str, float]:
    """Median seconds to a first 200 from health: the CLI, and the in-process `Emulator`."""
    inproc, warm = [], []
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
    return {"cli": cli_startup(runs), "in_process_cold": statistics.median(inproc),
            "in_process_warm": statistics.median(warm)}


def modules_for_api_requests() -> list[str]:
    """The modules of the control API and the dashboard that serving API requests loads (none
    should be): a fresh process serves every scenario's request in-process, then lists them."""
    probe = ("import asyncio, sys; from emulator.service import Service; from emulator.settings import Settings; "
             "from emulator.wire import WireRequest; s = Service(Settings()); "
             "paths = sys.argv[1:]; "
             "[asyncio.run(s.handle(WireRequest('GET', p.split('?')[0], p.split('?')[0], p.split('?')[1], []))) "
             "for p in paths]; "
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette') "
             "or m.startswith('emulator.web.control') or m.startswith('emulator.web.ui'))))")
    from bench.run import SCENARIOS  # the requests the benchmark makes

    paths = [f"{PREFIX}{path}?{urlencode(query)}" for name, path, query in SCENARIOS if not name.startswith("write")]
    out = subprocess.run([sys.executable, "-c", probe, *paths], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


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


