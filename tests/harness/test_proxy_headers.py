"""Proxy headers are not trusted unless `trusted_proxies` says so (issue 17, item 3).

A fixture file (the default one plus two accounts) has `lan-only`, the default account, whose
policy denies everything unless `acs:SourceIp` is in 10.0.0.0/8, and `tls-only`, denied unless
`acs:SecureTransport` is true. From 127.0.0.1, an unsigned or signed request claiming
`X-Forwarded-For: 10.1.2.3` is still denied, and `X-Forwarded-Proto: https` does not make the
transport secure: in-process (`Emulator`), for the CLI, and for the CLI with `--workers 2`. With
`--trusted-proxies 127.0.0.1` (CLI, its workers) or `Emulator(trusted_proxies=...)` the same
headers are honoured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from helpers import API, MARCH_1, start_cli
from signer import acs3_headers

from emulator.domain.scenario import default_fixture_path
from emulator.server import Emulator

LAN = ("LTAIPROXYLANONLY00001", "lan-only-secret")
TLS = ("LTAIPROXYTLSONLY00001", "tls-only-secret")
QUERY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 86400)}
XFF = {"x-forwarded-for": "10.1.2.3"}
XFP = {"x-forwarded-proto": "https"}
DENIED = "B.Permission.DeniedException"


def account(name: str, key: tuple[str, str], condition: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "accessKeyId": key[0], "accessKeySecret": key[1], "organizationId": 10001,
            "policies": ["AdministratorAccess", {"Version": "1", "Statement": [
                {"Effect": "Deny", "Action": "aicontent:*", "Resource": "*", "Condition": condition}]}]}


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = json.loads(default_fixture_path().read_text())
    spec["accounts"] += [account("lan-only", LAN, {"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
                         account("tls-only", TLS, {"Bool": {"acs:SecureTransport": "false"}})]
    spec["defaultAccount"] = "lan-only"  # what an unsigned request acts as
    path = tmp_path_factory.mktemp("proxy") / "proxy.json"
    path.write_text(json.dumps(spec, ensure_ascii=False))
    return path


def unsigned(url: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(url + API, params=QUERY, headers={"accept": "application/json", **headers}, timeout=20)


def signed(url: str, key: tuple[str, str], headers: dict[str, str]) -> httpx.Response:
    sign = acs3_headers("GET", urlsplit(url).netloc, API, QUERY, *key)
    return httpx.get(url + API, params=QUERY, headers={"accept": "application/json", **sign, **headers}, timeout=20)


def code(r: httpx.Response) -> str | None:
    return None if r.status_code == 200 else str(r.json().get("Code") or r.json().get("errCode"))


Start = Callable[..., str]


@pytest.fixture
def start(fixture_file: Path, cli_processes: list[subprocess.Popen[str]]) -> Iterator[Start]:
    """start(kind, trusted=None) -> the URL of an emulator on the fixture file: `in-process`,
    `cli` or `cli-workers`; every one is stopped at the end."""
    running: list[Emulator] = []

    def started(kind: str, trusted: str | None = None) -> str:
        if kind == "in-process":
            settings: dict[str, Any] = {"fixtures": str(fixture_file)}
            if trusted:
                settings["trusted_proxies"] = trusted
            emu = Emulator(**settings).start()
            running.append(emu)
            return emu.url
        args = ["--fixtures", str(fixture_file), *(["--workers", "2"] if kind == "cli-workers" else []),
                *(["--trusted-proxies", trusted] if trusted else [])]
        proc, url = start_cli(*args)
        cli_processes.append(proc)
        return url

    yield started
    for emu in running:
        emu.stop()


KINDS = ["in-process", "cli", "cli-workers"]


def several(send: Callable[[], httpx.Response], times: int) -> list[httpx.Response]:
    """The same request on new connections (with workers, each may land on either)."""
    return [send() for _ in range(times)]


@pytest.mark.parametrize("kind", KINDS)
def test_forwarded_headers_are_not_trusted_by_default(start: Start, kind: str) -> None:
    url = start(kind)
    times = 6 if kind == "cli-workers" else 1
    # The fixture works: from 127.0.0.1 the accounts are denied, and an admin is not.
    assert code(unsigned(url, {})) == DENIED
    assert code(signed(url, ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production"), XFF)) is None
    for r in several(lambda: unsigned(url, XFF), times):
        assert code(r) == DENIED, r.text[:300]
    for r in several(lambda: signed(url, LAN, XFF), times):
        assert code(r) == DENIED, r.text[:300]
    for r in several(lambda: signed(url, TLS, XFP), times):
        assert code(r) == DENIED, r.text[:300]
    for r in several(lambda: signed(url, LAN, {**XFF, **XFP, "forwarded": "for=10.1.2.3;proto=https"}), times):
        assert code(r) == DENIED, r.text[:300]
    journal = httpx.get(url + "/_emulator/requests", timeout=10).json()["requests"]
    assert journal and all(e["status"] == 403 for e in journal if e["accessKeyId"] in (LAN[0], TLS[0]))


@pytest.mark.parametrize("kind", KINDS)
def test_forwarded_headers_are_honoured_from_a_trusted_proxy(start: Start, kind: str) -> None:
    url = start(kind, trusted="127.0.0.1")
    times = 6 if kind == "cli-workers" else 1
    assert httpx.get(url + "/_emulator/config", timeout=10).json()["trusted_proxies"] == "127.0.0.1"
    # Without the headers the accounts are still denied: what follows is the headers' doing.
    assert code(unsigned(url, {})) == DENIED
    assert code(signed(url, TLS, {})) == DENIED
    for r in several(lambda: unsigned(url, XFF), times):
        assert code(r) is None, r.text[:300]
        assert r.json()["data"]["total"] == 24
    for r in several(lambda: signed(url, LAN, XFF), times):
        assert code(r) is None, r.text[:300]
    for r in several(lambda: signed(url, TLS, XFP), times):
        assert code(r) is None, r.text[:300]
    assert code(signed(url, LAN, {"x-forwarded-for": "192.168.1.1"})) == DENIED  # a source outside 10/8


def test_a_trusted_network_that_does_not_hold_the_client_is_not_trusted(start: Start) -> None:
    url = start("in-process", trusted="10.0.0.0/8")  # the client is 127.0.0.1: not a proxy of that network
    assert code(unsigned(url, XFF)) == DENIED
    assert code(signed(url, TLS, XFP)) == DENIED


@pytest.mark.parametrize("value", ["localhost", "10.0.0.0/33", "10.0.0.1-10.0.0.9", "*/8"])
def test_a_malformed_trusted_proxies_is_refused_at_start(value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "emulator", "--port", "0", f"--trusted-proxies={value}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == "", (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "trusted_proxies" in lines[0] and repr(value) in lines[0], done.stderr
