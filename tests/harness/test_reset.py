"""Reset (POST /_emulator/reset, `Emulator.reset`, and the plugin before each test): fault rules
and the journal are gone, and each test starts clean."""

from __future__ import annotations

import httpx
from helpers import DAY, MARCH_1, error_of, get

from emulator.server import Emulator

Q = {"modelId": 1, "startTime": MARCH_1, "endTime": MARCH_1 + DAY}


def test_reset_clears_faults_and_journal(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    aicontent_emulator.faults.add({"code": "Throttling.User"})
    get(http, **Q)
    assert http.post("/_emulator/reset").json() == {"reset": True}
    assert aicontent_emulator.requests == [] and aicontent_emulator.faults.rules() == []
    assert get(http, **Q).status_code == 200


def test_each_test_starts_clean_part_one(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    """Leaves an active rule behind for part two to find gone."""
    aicontent_emulator.faults.add({"code": "Throttling.User"})
    assert [r.spec.code for r in aicontent_emulator.faults.rules()] == ["Throttling.User"]
    r = get(http, **Q)
    assert (r.status_code, error_of(r)["Code"]) == (400, "Throttling.User")


def test_each_test_starts_clean_part_two(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    assert aicontent_emulator.faults.rules() == [] and get(http, **Q).status_code == 200
