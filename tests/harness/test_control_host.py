"""DNS rebinding: the control API and the dashboard answer only local Host names (issue 17, item 2).

A page of `rebind.attacker.example`, its name made to resolve to 127.0.0.1, reaches the emulator
with that Host header: 403 `Forbidden.Host` for every control read and write (and no rule is
created). IP literals, `localhost`, `*.localhost` and single-label names (a Compose service) are
answered; a dotted name only when the `allowed_hosts` setting names it (exactly, or a leading-dot
domain), in `Emulator(...)` and the CLI's `--allowed-hosts`; a malformed value stops the CLI
before it listens (one line, exit status 2). The emulated API answers any Host.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from helpers import API, MARCH_1, start_cli

from emulator.server import Emulator

REBIND = "rebind.attacker.example"
READS = ["/_emulator/accounts", "/_emulator/requests", "/_emulator/ui", "/_emulator/config",
         "/_emulator/scenario", "/_emulator/faults", "/_emulator/openapi.json", "/_emulator/docs",
         "/_emulator/ui/app.js"]
DAY_QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 86400)}


def port_of(url: str) -> int:
    port = urlsplit(url).port
    assert port is not None
    return port


def assert_forbidden_host(r: httpx.Response, host: str) -> None:
    assert r.status_code == 403, (host, r.status_code, r.text[:200])
    error = r.json()
    assert error["Code"] == "Forbidden.Host"
    assert host.split(":")[0] in error["Message"] and "allowed_hosts" in error["Message"], error


@pytest.mark.parametrize("path", READS)
def test_a_rebinding_host_reads_nothing(aicontent_emulator: Emulator, http: httpx.Client, path: str) -> None:
    host = f"{REBIND}:{port_of(aicontent_emulator.url)}"
    r = http.get(path, headers={"host": host})
    assert_forbidden_host(r, host)
    assert "accessKeySecret" not in r.text and "<html" not in r.text.lower()


def test_a_rebinding_host_writes_nothing(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    host = f"{REBIND}:{port_of(aicontent_emulator.url)}"
    for method, path, body in [("POST", "/_emulator/faults", {"code": "Throttling.User"}),
                               ("POST", "/_emulator/usage-events",
                                {"startTime": MARCH_1, "endTime": MARCH_1 + 3600, "factor": 0}),
                               ("PATCH", "/_emulator/config", {"product_errors": "gateway"})]:
        r = http.request(method, path, json=body, headers={"host": host})
        assert_forbidden_host(r, host)
    assert http.get("/_emulator/faults").json() == []
    assert http.get("/_emulator/usage-events").json() == []
    assert http.get("/_emulator/config").json()["product_errors"] == "both"


@pytest.mark.parametrize("name", ["127.0.0.1", "[::1]", "localhost", "LOCALHOST", "foo.localhost",
                                  "aicontent", "127.0.0.1:{port}", "[::1]:{port}", "localhost:{port}",
                                  "foo.localhost:{port}", "aicontent:{port}", "10.1.2.3:{port}"])
def test_local_names_are_answered(aicontent_emulator: Emulator, http: httpx.Client, name: str) -> None:
    host = name.format(port=port_of(aicontent_emulator.url))
    r = http.get("/_emulator/config", headers={"host": host})
    assert r.status_code == 200, (host, r.text[:200])
    assert r.json()["port"] == port_of(aicontent_emulator.url)
    r = http.post("/_emulator/faults", json={"code": "Throttling.User"}, headers={"host": host})
    assert r.status_code == 201, (host, r.text[:200])


@pytest.mark.parametrize("host", [REBIND, "emulator.ci.example", "x.svc.cluster.local", "localhost.attacker.example",
                                  "127.0.0.1.nip.io"])
def test_the_emulated_api_answers_any_host(aicontent_emulator: Emulator, http: httpx.Client, host: str) -> None:
    port = port_of(aicontent_emulator.url)
    r = http.get(API, params=DAY_QUERY, headers={"host": f"{host}:{port}", "accept": "application/json"})
    assert r.status_code == 200, r.text[:200]
    assert r.json()["data"]["total"] == 24
    assert_forbidden_host(http.get("/_emulator/accounts", headers={"host": f"{host}:{port}"}), host)


@pytest.fixture(scope="module")
def allowing() -> Iterator[Emulator]:
    with Emulator(allowed_hosts="emulator.ci.example,.svc.cluster.local") as emu:
        yield emu


@pytest.mark.parametrize(("name", "answered"), [
    ("emulator.ci.example", True), ("EMULATOR.CI.EXAMPLE", True), ("svc.cluster.local", True),
    ("aicontent.default.svc.cluster.local", True), ("a.b.svc.cluster.local", True),
    ("x.emulator.ci.example", False), ("ci.example", False), ("emulator.ci.example.attacker.example", False),
    ("evilsvc.cluster.local", False), ("cluster.local", False), (REBIND, False),
])
def test_dotted_names_only_by_the_allowed_hosts_setting(allowing: Emulator, name: str, answered: bool) -> None:
    host = f"{name}:{port_of(allowing.url)}"
    r = httpx.get(allowing.url + "/_emulator/config", headers={"host": host}, timeout=10)
    if answered:
        assert r.status_code == 200, r.text[:200]
        assert r.json()["allowed_hosts"] == "emulator.ci.example,.svc.cluster.local"
    else:
        assert_forbidden_host(r, host)


def test_without_the_setting_a_dotted_name_is_refused(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    for name in ("emulator.ci.example", "aicontent.default.svc.cluster.local"):
        host = f"{name}:{port_of(aicontent_emulator.url)}"
        assert_forbidden_host(http.get("/_emulator/config", headers={"host": host}), host)


def test_star_allows_any_name() -> None:
    with Emulator(allowed_hosts="*") as emu:
        r = httpx.get(emu.url + "/_emulator/accounts", headers={"host": f"{REBIND}:{emu.port}"}, timeout=10)
        assert r.status_code == 200 and r.json()[0]["accessKeySecret"]


def test_the_cli_flag_allows_a_name(cli_processes: list[subprocess.Popen[str]]) -> None:
    proc, url = start_cli("--allowed-hosts", "emulator.ci.example,.ci.internal")
    cli_processes.append(proc)
    port = port_of(url)
    for name in ("emulator.ci.example", "runner-7.ci.internal", "localhost", "aicontent"):
        r = httpx.get(url + "/_emulator/accounts", headers={"host": f"{name}:{port}"}, timeout=10)
        assert r.status_code == 200, (name, r.text[:200])
    for name in (REBIND, "other.ci.example"):
        assert_forbidden_host(httpx.get(url + "/_emulator/accounts", headers={"host": f"{name}:{port}"},
                                        timeout=10), name)
    assert httpx.get(url + "/_emulator/config", timeout=10).json()["allowed_hosts"] == \
        "emulator.ci.example,.ci.internal"


@pytest.mark.parametrize("value", ["bad host!", "http://emulator.ci.example", "emulator.ci.example:8080",
                                   "-leading.example", "a..b", "*.ci.example"])
def test_a_malformed_allowed_hosts_is_refused_at_start(value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", f"--allowed-hosts={value}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""  # it never listened: no start line
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "allowed_hosts" in lines[0] and repr(value.lower()) in lines[0], lines[0]


def test_a_malformed_allowed_hosts_is_refused_by_the_emulator_object() -> None:
    from emulator.settings import SettingsError

    with pytest.raises(SettingsError, match=r"allowed_hosts: 'http://x\.example' is not a host name"):
        Emulator(allowed_hosts="http://x.example")
