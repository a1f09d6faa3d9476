"""What the world keeps is bounded: past MAX_OPERATIONS writes, a write is refused with a clear
error and changes nothing; a reset makes room again."""

from __future__ import annotations

import httpx
import pytest

import emulator.service
from emulator.server import Emulator

API = "/api/v1/modelRouter/open/"


def test_writes_past_the_bound_are_refused_until_a_reset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator.service, "MAX_OPERATIONS", 3)
    with Emulator(now="2026-03-10T12:20:00+08:00") as emu, \
            httpx.Client(base_url=emu.url, headers={"accept": "application/json"}, timeout=10) as http:
        for i in range(3):
            assert http.post(API + "clients", json={"name": f"部门{i}"}).status_code == 200
        before = emu.export_state()
        r = http.post(API + "clients", json={"name": "one too many"})
        assert r.status_code == 400, r.text
        body = r.json()
        assert body["Code"] == "QuotaExceeded.Changes" and "holds 3 writes" in emu.requests[-1].reason
        assert emu.export_state() == before and len(before["operations"]) == 3
        emu.reset()
        assert http.post(API + "clients", json={"name": "after the reset"}).status_code == 200
