"""Where the time of a request goes, and how it grows with the work asked: measured in-process
(the ASGI app called directly, no client or sockets), so that the figures are the emulator's own.

    python -m bench.profile            # prints both tables (markdown)

`python -m bench` adds them to bench/RESULTS.md. The profile is cProfile's self time grouped by
module, over repeated requests of each scenario after one warm-up; the scaling table times a
cold request (nothing cached) at 1, 10, 100 and 1000 × the work.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import time
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

PREFIX = "/api/v1/modelRouter/open/"
MARCH_1 = 1709222400  # 2024-03-01 00:00 Asia/Shanghai
DAY, HOUR = 86400, 3600
REQUESTS = 300


class Driver:
    """The emulator's ASGI app called directly (no client, no sockets): one GET at a time."""

    def __init__(self, **overrides: Any) -> None:
        from emulator.settings import Settings
        from emulator.web.app import create_app

        self.app = create_app(Settings(**overrides))

    async def __aenter__(self) -> Driver:
        self.lifespan = asyncio.ensure_future(self.app({"type": "lifespan"}, self._startup, self._ignore))
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stopping = True
        await self.lifespan

    async def _startup(self) -> dict[str, Any]:
        if getattr(self, "_started", False):
            while not getattr(self, "_stopping", False):
                await asyncio.sleep(0.01)
            return {"type": "lifespan.shutdown"}
        self._started = True
        return {"type": "lifespan.startup"}

    async def _ignore(self, message: dict[str, Any]) -> None:
        return None

    async def get(self, path: str, params: dict[str, Any] | None = None) -> tuple[int, bytes]:
        out: dict[str, Any] = {"body": b""}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                out["status"] = message["status"]
            elif message["type"] == "http.response.body":
                out["body"] += message.get("body", b"")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": urlencode(params or {}).encode(),
                 "headers": [(b"host", b"127.0.0.1:8080"), (b"accept", b"application/json")],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8080), "root_path": ""}
        await self.app(scope, receive, send)
        return out["status"], out["body"]


def _group(filename: str) -> str:
    if "/emulator/" in filename:
        part = filename.split("/emulator/", 1)[1].removesuffix(".py")
        return "emulator." + part.replace("/", ".")
    for lib in ("starlette", "fastapi", "pydantic", "orjson"):
        if f"/{lib}/" in filename:
            return lib
    return "Python (stdlib, builtins)"


async def _profile_one(client: Driver, path: str, query: dict[str, Any]) -> tuple[float, list[tuple[str, float]]]:
    await client.get(PREFIX + path, query)  # warm: what is cached is measured warm
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(REQUESTS):
        await client.get(PREFIX + path, query)
    prof.disable()
    stats = pstats.Stats(prof)
    groups: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, self_time, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        groups[_group(filename)] += self_time
    total = sum(groups.values())
    return total / REQUESTS, sorted(((g, t / total) for g, t in groups.items()), key=lambda x: -x[1])


PROFILED = [
    ("1-day hourly page (20 rows)", "billing/cost/model-detail", {"modelId": 1, "startTime": MARCH_1,
                                                                  "endTime": MARCH_1 + DAY}),
    ("7-day hourly page of 100 rows", "billing/cost/model-detail",
     {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY, "pageSize": 100}),
    ("overview, 1 day", "billing/cost/overview", {"startTime": MARCH_1, "endTime": MARCH_1 + DAY}),
    ("trend, 7 days hourly", "billing/cost/trend", {"startTime": MARCH_1, "endTime": MARCH_1 + 7 * DAY}),
    ("breakdown, 30 days daily, 500 rows", "billing/cost/breakdown",
     {"startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY, "granularity": "daily", "pageSize": 500}),
    ("API key list", "apikeys", {"pageSize": 20}),
    ("balance: a department's", "clients/2/balance", {}),
    ("balance logs, page 100 of 20", "clients/2/balance/logs", {"page": 100, "size": 20}),
]


async def _cold(path: str, query: dict[str, Any], **overrides: Any) -> float:
    """Seconds of one request to a fresh emulator (its first: nothing cached)."""
    async with Driver(**overrides) as client:
        await client.get(PREFIX + "apikeys")  # what any first request pays once (imports, the page tokens, ...)
        t0 = time.perf_counter()
        status, body = await client.get(PREFIX + path, query)
        elapsed = time.perf_counter() - t0
        assert status == 200, body[:200]
        return elapsed


async def _scaling() -> list[tuple[str, list[float]]]:
    rows = []
    spans = (1, 10, 100, 366)  # days: the longest span a request may ask is 366 days
    rows.append(("breakdown, daily, a page of 20: 1, 10, 100, 366 days", [
        await _cold("billing/cost/breakdown", {"startTime": MARCH_1, "endTime": MARCH_1 + n * DAY,
                                               "granularity": "daily", "clientId": 4}) for n in spans]))
    rows.append(("trend, daily: 1, 10, 100, 366 days", [
        await _cold("billing/cost/trend", {"startTime": MARCH_1, "endTime": MARCH_1 + n * DAY,
                                           "granularity": "daily", "clientId": 4}) for n in spans]))
    enabled = 1772294400  # 2026-03-01 00:00 Beijing time: department 2's wallet is enabled
    rows.append(("balance logs, page 1: a wallet 1, 10, 100, 1000 days old", [
        await _cold("clients/2/balance/logs", {}, now=enabled + n * DAY) for n in (1, 10, 100, 1000)]))
    return rows


async def _main() -> str:
    lines = ["Where the time goes: the ASGI app called in-process (no client, no sockets, no HTTP parsing: uvicorn "
             f"and httptools do that in the CLI), cProfile's self time by module over {REQUESTS} warm requests of "
             "each; µs: one request under the profiler (about twice its real cost).", "",
             "| scenario | µs | first | second | third | fourth |", "|---|---:|---|---|---|---|"]
    async with Driver() as client:
        for name, path, query in PROFILED:
            per_request, shares = await _profile_one(client, path, query)
            cells = [f"{g} {s:.0%}" for g, s in shares[:4]]
            lines.append(f"| {name} | {per_request * 1e6:.0f} | " + " | ".join(cells + [""] * (4 - len(cells)))
                         + " |")
    lines += ["", "Scaling: one cold request (a fresh emulator, nothing cached), ms at 1, 10, 100 and 1000 × the "
              "work (366 × for the spans, the longest one), and the last over the first:", "",
              "| request | 1 × | 10 × | 100 × | 1000 × | last / first |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, times in await _scaling():
        lines.append(f"| {name} | " + " | ".join(f"{t * 1000:.1f}" for t in times) + f" | {times[-1] / times[0]:.0f} |")
    return "\n".join(lines)


def profile_tables() -> str:
    return asyncio.run(_main())


if __name__ == "__main__":
    print(profile_tables())
