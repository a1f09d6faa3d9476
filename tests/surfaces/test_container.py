"""The container image, built and called through the official SDK (marker `container`).

Not in the default run (it needs a container engine and a minute or two); `.ci/run` runs it
with `pytest -m container` after the main suite. scripts/build-image.sh builds the image (and
installs podman where no Docker engine runs); at the end of the module `build-image.sh --clean`
removes the image, the base image it made and its files under build/.

To add a test of the running image, take `base_url` (the module's container, started with seed 5
and auth "required"); `engine` runs the engine's CLI and `running` starts a container of your own.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alibabacloud_aicontent20240611 import models
from alibabacloud_aicontent20240611.client import Client
from alibabacloud_tea_openapi.models import Config
from helpers import API, DAY, MARCH_1, get, without_request_id
from signer import acs3_headers, url

from emulator.server import Emulator

pytestmark = pytest.mark.container
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build-image.sh"
IMAGE = "aicontent-emulator:test"
LABEL = "aicontent-emulator.stage"  # the Dockerfile labels both stages' images with it
ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")


@dataclass(frozen=True)
class Engine:
    """The CLI the build script named: `docker`, or `podman` with the script's CONTAINERS_CONF."""

    name: str
    env: dict[str, str]

    def __call__(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.name, *args], capture_output=True, text=True, env=self.env, check=check,
                              timeout=timeout)


@dataclass(frozen=True)
class Container:
    cid: str
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=900,
                          env=os.environ | {"PYTHON": sys.executable})


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    """Builds IMAGE once for the module; removes it and everything the build made afterwards."""
    try:
        built = script(IMAGE)
        assert built.returncode == 0, built.stderr[-4000:]
        *assignments, name = shlex.split(built.stdout.strip().splitlines()[-1])
        assert name in ("docker", "podman") and shutil.which(name), built.stdout
        eng = Engine(name, os.environ | dict(a.split("=", 1) for a in assignments))
        eng("image", "inspect", IMAGE)
        yield eng
    finally:
        cleaned = script("--clean", IMAGE)
        assert cleaned.returncode == 0, cleaned.stderr[-4000:]
        assert not (ROOT / "build" / "container").exists()
    # Nothing of the build is left. build/container/containers.conf is gone: list with a throwaway
    # one that keeps podman's network state (a lock file) out of /etc.
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "containers.conf"
        conf.write_text(f'[network]\nnetwork_config_dir = "{tmp}"\n')
        after = Engine(eng.name, os.environ | {"CONTAINERS_CONF": str(conf)})
        assert after("image", "inspect", IMAGE, check=False).returncode != 0
        assert after("images", "-a", "-q", "--filter", "dangling=true", "--filter", f"label={LABEL}").stdout == ""


@contextmanager
def running(engine: Engine, *env: str) -> Iterator[Container]:
    """A container of IMAGE with `-e` settings `env`, once its health endpoint answers; removed after."""
    port = free_port()
    settings = [arg for e in env for arg in ("-e", e)]
    cid = engine("run", "-d", "-p", f"127.0.0.1:{port}:8080", *settings, IMAGE).stdout.strip()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, engine("logs", cid, check=False).stderr
            time.sleep(0.2)
        yield Container(cid, port)
    finally:
        engine("rm", "-f", "-t", "0", cid, check=False)


@pytest.fixture(scope="module")
def container(engine: Engine) -> Iterator[Container]:
    with running(engine, "AICONTENT_EMULATOR_SEED=5", "AICONTENT_EMULATOR_AUTH=required") as c:
        yield c


@pytest.fixture
def base_url(container: Container) -> str:
    """`http://127.0.0.1:PORT` of the module's container (seed 5, auth required)."""
    return container.base_url


def test_the_image_answers_the_sdk(base_url: str) -> None:
    cfg = Config(endpoint=base_url.removeprefix("http://"), protocol="http", access_key_id=ADMIN[0],
                 access_key_secret=ADMIN[1])
    body = Client(cfg).model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
        model_id=1, start_time=MARCH_1, end_time=MARCH_1 + DAY)).body
    assert body.success and body.data.total == 24
    config = httpx.get(f"{base_url}/_emulator/config").json()
    assert (config["host"], config["port"], config["seed"], config["auth"]) == ("0.0.0.0", 8080, 5, "required")


def test_the_image_serves_the_same_bytes_as_the_package(base_url: str) -> None:
    q = {"modelId": 2, "startTime": MARCH_1, "endTime": MARCH_1 + 30 * DAY, "clientIds": "2,3"}
    with Emulator(seed=5, auth="off") as emu, httpx.Client(base_url=emu.url) as local:
        expected = without_request_id(get(local, **q).content)
    query = {k: str(v) for k, v in q.items()}
    headers = acs3_headers("GET", base_url.removeprefix("http://"), API, query, *ADMIN)
    got = httpx.get(url(base_url, API, query), headers=headers)
    assert got.status_code == 200 and without_request_id(got.content) == expected


def test_non_root_and_healthy(engine: Engine, container: Container) -> None:
    assert engine("exec", container.cid, "id", "-u").stdout.strip() == "10001"
    if engine.name == "podman":  # podman runs HEALTHCHECK from systemd timers, absent here: run it once
        assert engine("healthcheck", "run", container.cid, check=False).returncode == 0
    else:
        deadline = time.monotonic() + 30
        while (status := engine("inspect", container.cid, "--format", "{{.State.Health.Status}}").stdout.strip()) \
                != "healthy":
            assert status == "starting" and time.monotonic() < deadline, status
            time.sleep(1)


def test_exits_0_soon_after_sigterm(engine: Engine) -> None:
    with running(engine) as c:
        started = time.monotonic()
        engine("stop", "-t", "10", c.cid)
        assert time.monotonic() - started < 5
        assert engine("inspect", c.cid, "--format", "{{.State.ExitCode}}").stdout.strip() == "0"


def test_the_dashboard_works_from_the_image(base_url: str) -> None:
    """The page and its files are served by the image, and in a real browser (when there is one;
    CI requires it) a 7-day chart has one point per row the endpoint counts."""
    page = httpx.get(f"{base_url}/_emulator/ui")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html;charset=utf-8"
    for asset in ("app.js", "sign.js", "chart.js", "style.css"):
        assert httpx.get(f"{base_url}/_emulator/ui/{asset}").status_code == 200, asset
    from browser_kit import expect, launch
    from test_ui import query_usage

    netloc = base_url.removeprefix("http://")
    q = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 7 * DAY), "maxResults": "100"}
    answer = httpx.get(url(base_url, API, q), headers=acs3_headers("GET", netloc, API, q, *ADMIN)).json()
    total = answer["data"]["total"]
    with launch() as browser:  # skips without a browser (fails under AICONTENT_REQUIRE_BROWSER=1)
        pg = browser.new_page()
        pg.goto(f"{base_url}/_emulator/ui")
        pg.wait_for_selector("body[data-ready=true]")
        query_usage(pg, 1, "2024-03-01T00:00", "2024-03-08T00:00")
        expect(pg.locator("[data-testid=chart-point]")).to_have_count(total)
