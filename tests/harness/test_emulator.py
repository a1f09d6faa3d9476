"""The `Emulator` helper (emulator.server): its endpoint, URL and accounts, the bugs it keeps for
the plugin (the newest few), and nothing process-wide keeping a stopped one alive."""

from __future__ import annotations

import gc
import weakref

import httpx
import pytest
from helpers import DAY, MARCH_1

from emulator.server import Emulator

JSON = {"accept": "application/json"}
PREFIX = "/api/v1/modelRouter/open/"


def test_emulator_helper_properties() -> None:
    with Emulator(seed=3, auth="off") as emu:
        host, port = emu.endpoint.split(":")
        assert host == "127.0.0.1" and int(port) == emu.port > 0 and emu.url == f"http://{emu.endpoint}"
        assert emu.accounts["readonly"].access_key_id == "LTAIEMULATORREADONLY0001"
        assert httpx.get(f"{emu.url}/_emulator/config").json()["seed"] == 3
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emu.url}/_emulator/health")


def test_the_list_of_our_bugs_is_bounded() -> None:
    """Each bug's traceback is kept for the pytest plugin, but only the newest few."""
    from emulator.server import EmulatorError

    emu = Emulator()  # not started: only its service is used
    for i in range(1_000):
        emu.service.unexpected.append(f"bug {i}")
    assert 0 < len(emu.service.unexpected) <= 20
    assert list(emu.service.unexpected)[-1] == "bug 999"
    with pytest.raises(EmulatorError, match="bug 999"):
        emu.check()


def test_a_stopped_emulator_is_not_kept_alive() -> None:
    """Nothing process-wide holds on to a service after its emulator stops (the trend texts
    are kept by the service itself)."""
    with Emulator() as emu:
        assert httpx.get(emu.url + PREFIX + "billing/cost/trend", headers=JSON,
                         params={"startTime": MARCH_1, "endTime": MARCH_1 + DAY}).status_code == 200
        ref = weakref.ref(emu.service)
    del emu
    gc.collect()
    assert ref() is None
