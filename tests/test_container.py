"""The container image, built and called through the official SDK (marker `container`).

Not in the default run (it needs a container engine and a minute or two); `.ci/run` runs it
with `pytest -m container` after the main suite. scripts/build-image.sh installs what it needs.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi.models import Config
from helpers import DAY, MARCH_1, get, without_request_id

from emulator.server import Emulator

pytestmark = pytest.mark.container
ROOT = Path(__file__).resolve().parent.parent
IMAGE = "aicontent-emulator:test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def engine() -> str:
    built = subprocess.run(["bash", str(ROOT / "scripts" / "build-image.sh"), IMAGE], capture_output=True, text=True,
                           timeout=900)
    assert built.returncode == 0, built.stderr[-4000:]
    name = built.stdout.strip().splitlines()[-1]
    assert shutil.which(name), name
    return name


@pytest.fixture(scope="module")
def container(engine: str) -> Iterator[tuple[str, int]]:
    port = free_port()
    cid = subprocess.run([engine, "run", "-d", "-p", f"127.0.0.1:{port}:8080", "-e", "AICONTENT_EMULATOR_SEED=5",
                          "-e", "AICONTENT_EMULATOR_AUTH=required", IMAGE],
                         capture_output=True, text=True, check=True).stdout.strip()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            logs = subprocess.run([engine, "logs", cid], capture_output=True, text=True)
            assert time.monotonic() < deadline, logs.stderr
            time.sleep(0.2)
        yield cid, port
    finally:
        subprocess.run([engine, "rm", "-f", "-t", "0", cid], capture_output=True)


def test_the_image_answers_the_sdk(container: tuple[str, int]) -> None:
    _, port = container
    cfg = Config(endpoint=f"127.0.0.1:{port}", protocol="http", access_key_id="LTAIEMULATORADMIN0000001",
                 access_key_secret="emulator-admin-secret-not-for-production")
    body = Client(cfg).model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)).body
    assert body.success and body.data.total == 24
    config = httpx.get(f"http://127.0.0.1:{port}/_emulator/config").json()
    assert (config["host"], config["port"], config["seed"], config["auth"]) == ("0.0.0.0", 8080, 5, "required")


def test_the_image_serves_the_same_bytes_as_the_package(container: tuple[str, int]) -> None:
    _, port = container
    q = {"modelId": 2, "startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY, "clientIds": "2,3"}
    with Emulator(seed=5, auth="off") as emu, httpx.Client(base_url=emu.url) as local:
        expected = without_request_id(get(local, **q).content)
    from helpers import API
    from signer import acs3_headers, url

    query = {k: str(v) for k, v in q.items()}
    headers = acs3_headers("GET", f"127.0.0.1:{port}", API, query, "LTAIEMULATORADMIN0000001",
                           "emulator-admin-secret-not-for-production")
    got = httpx.get(url(f"http://127.0.0.1:{port}", API, query), headers=headers)
    assert got.status_code == 200 and without_request_id(got.content) == expected


def test_non_root_healthy_and_stops_cleanly(engine: str, container: tuple[str, int]) -> None:
    cid, _ = container
    uid = subprocess.run([engine, "exec", cid, "id", "-u"], capture_output=True, text=True, check=True).stdout.strip()
    assert uid == "10001"
    if engine == "podman":
        assert subprocess.run([engine, "healthcheck", "run", cid], capture_output=True).returncode == 0
    started = time.monotonic()
    subprocess.run([engine, "stop", "-t", "10", cid], capture_output=True, check=True)
    assert time.monotonic() - started < 5
    code = subprocess.run([engine, "inspect", cid, "--format", "{{.State.ExitCode}}"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert code == "0"
