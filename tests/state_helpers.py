"""Helpers of the one-world tests (several workers, restarts, saved states): requests on a new
connection that also tell which worker answered, connections held to one worker, model-detail
walks by nextToken, stopping and killing a CLI's process group, and file digests.

Used by tests/surfaces/test_workers*.py, test_restart*.py, test_state_refusals.py and
tests/harness/test_state_*.py (imported by name, like helpers.py)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from helpers import API, DAY, MARCH_1, start_cli, without_request_id

HOUR = 3600
MARCH_2 = MARCH_1 + DAY
# Three days of model 1, hourly, ten rows a page: 72 rows, 8 pages.
WALK = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 3 * DAY), "maxResults": "10"}
DETAIL = {"modelId": "1", "startTime": str(MARCH_2), "endTime": str(MARCH_2 + DAY), "maxResults": "24"}
STATE_KEYS = ["format", "version", "seed", "fixture", "forms", "clock", "usageEvents", "nextEventId",
              "faultRules", "nextFaultRuleId", "operations"]  # README "One world": in this order


def client(url: str) -> httpx.Client:
    """A new client, hence a new connection (no TLS set-up: plain HTTP)."""
    return httpx.Client(base_url=url, timeout=20, verify=False)


def fresh(url: str, method: str, path: str, **kw: Any) -> tuple[int, httpx.Response]:
    """One request on a new connection, any worker may take it; returns (the worker's pid, the
    answer): /_emulator/health first on the same connection says which worker it is."""
    with client(url) as c:
        pid = int(c.get("/_emulator/health").json()["pid"])
        headers = {**kw.pop("headers", {}), "connection": "close"}
        return pid, c.request(method, path, headers=headers, **kw)


def on_fresh_connections(url: str, n: int, method: str, path: str, check: Callable[[httpx.Response], Any],
                         **kw: Any) -> set[int]:
    """`n` requests, each on a new connection, each answer checked at once (no retry); the pids
    of the workers that answered."""
    pids = set()
    for i in range(n):
        pid, r = fresh(url, method, path, **kw)
        try:
            check(r)
        except AssertionError as exc:
            raise AssertionError(f"connection {i} (worker {pid}): {exc}") from None
        pids.add(pid)
    return pids


def pinned(url: str, workers: int = 2, tries: int = 300) -> dict[int, httpx.Client]:
    """One kept-alive connection to each of `workers` workers, by pid (the caller closes them)."""
    found: dict[int, httpx.Client] = {}
    for _ in range(tries):
        c = client(url)
        pid = int(c.get("/_emulator/health").json()["pid"])
        if pid in found:
            c.close()
            time.sleep(0.005)  # a busy worker takes fewer new connections: let it come back
        else:
            found[pid] = c
        if len(found) == workers:
            return found
    for c in found.values():
        c.close()
    raise AssertionError(f"only workers {sorted(found)} ever answered")


def settled_reset(url: str) -> None:
    """Back to the started state, once every worker has written its journal (50 ms each)."""
    time.sleep(0.2)
    r = httpx.post(url + "/_emulator/reset", timeout=20)
    assert r.status_code == 200, r.text


def state_of(url: str) -> dict[str, Any]:
    r = httpx.get(url + "/_emulator/state", timeout=20)
    assert r.status_code == 200, r.text
    return dict(r.json())


def add_event(c: httpx.Client, **spec: Any) -> dict[str, Any]:
    r = c.post("/_emulator/usage-events", json=spec)
    assert r.status_code == 201, r.text
    return dict(r.json())


def calls(body: dict[str, Any]) -> list[int]:
    """total_calls of each row of a model-detail page (values_encoding=single)."""
    return [json.loads(row["values"])["total_calls"] for row in body["data"]["rows"]]


def walk(get_page: Callable[[dict[str, str]], httpx.Response], query: dict[str, str] = WALK,
         between: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """The pages of a model-detail walk by nextToken (`between(n)` runs after page n)."""
    params, n = dict(query), 0
    while True:
        r = get_page(params)
        assert r.status_code == 200, r.text
        body = r.json()
        yield body
        n += 1
        if between is not None:
            between(n)
        token = body.get("nextToken")
        if not token:
            return
        assert n < 100, "a walk that does not end"
        params = {**query, "nextToken": token}


def same_answer(a: httpx.Response, b: httpx.Response) -> bool:
    return a.status_code == b.status_code and without_request_id(a.content) == without_request_id(b.content)


def detail(url: str, **query: str) -> httpx.Response:
    return httpx.get(url + API, params={**DETAIL, **query}, timeout=20)


# -- processes and files ------------------------------------------------------------------------
class Output(threading.Thread):
    """Reads a CLI's stderr as it comes (helpers.start_cli pipes it: unread, a worker that logs
    tracebacks fills the pipe and blocks), keeping it for the test to read."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.proc, self.lines = proc, []  # type: list[str]
        self.start()

    def run(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)


def start(*flags: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str, Output]:
    """helpers.start_cli, its stderr read as it comes."""
    proc, url = start_cli(*flags, env=env)
    return proc, url, Output(proc)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_group(proc: subprocess.Popen[str], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while group_alive(proc.pid) and time.monotonic() < deadline:
        proc.poll()
        time.sleep(0.02)
    assert not group_alive(proc.pid), "the emulator's processes outlived it"


def stop(proc: subprocess.Popen[str], seconds: float = 15) -> int:
    """SIGTERM to the leader (as a container stop does); its exit status once the group is gone.
    Still running after `seconds`: the group is killed, and that is an error."""
    proc.send_signal(signal.SIGTERM)
    try:
        status = proc.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        raise AssertionError(f"the emulator was still running {seconds} s after SIGTERM") from None
    wait_group(proc)
    return status


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL to the whole process group: the leader and its workers, at once."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    wait_group(proc)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI, expected to refuse to start: its exit status and output (its group killed after 30 s)."""
    proc = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise AssertionError(f"the CLI was still running after 30 s; stderr: {err[-600:]!r}") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def open_state_files(pid: int) -> set[Path]:
    """The emulator state files a process holds open (/proc/<pid>/fd)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = Path(os.readlink(fd))
        except OSError:
            continue
        if target.name.startswith("state.db"):
            found.add(target)
    return found
