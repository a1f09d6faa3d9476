"""The form `exhaustion`: a wallet that runs out goes below zero while usage goes on
(`negative`), or stops its keys from the whole hour after it reaches 0 until the whole hour after
a credit (`throttle`), and then every figure agrees with the ledger."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from emulator.server import Emulator

API = "/api/v1/modelRouter/open/"
NOON = 1773115200  # 2026-03-10 12:00 Beijing time
HOUR = 3600
WALLET = API + "clients/2/members/1001/"


@pytest.fixture
def http(request: pytest.FixtureRequest) -> Iterator[tuple[Emulator, httpx.Client]]:
    with Emulator(now="2026-03-10T12:20:00+08:00", exhaustion=request.param) as emu, \
            httpx.Client(base_url=emu.url, headers={"accept": "application/json"}, timeout=30) as client:
        yield emu, client


def minor(x: float) -> int:
    return round(x * 10_000)


def spend(client: httpx.Client, start: int, hours: int) -> list[int]:
    """Member 1001's amount hour by hour, from the breakdown (its keys 5101 and 5105)."""
    rows = client.get(API + "billing/cost/breakdown", params={
        "startTime": start, "endTime": start + hours * HOUR, "granularity": "hourly", "clientId": 2,
        "memberUserIds": "1001", "pageSize": 500}).json()["data"]["rows"]
    per = [0] * hours
    for r in rows:
        per[(r["summaryTime"] - start) // HOUR] += minor(r["payableAmount"])
    return per


def overview(client: httpx.Client, start: int, end: int) -> int:
    data = client.get(API + "billing/cost/overview", params={"startTime": start, "endTime": end, "clientId": 2,
                                                            "memberUserIds": "1001"}).json()["data"]
    return minor(next(m["value"] for m in data if m["key"] == "total_amount"))


def logs(client: httpx.Client) -> list[dict]:
    return client.get(WALLET + "balance/logs", params={"size": 100}).json()["data"]["list"]


def drain(client: httpx.Client) -> None:
    """Leave 30 元 at 12:20: the 12:00 hour (about 37 元) then takes the wallet below 0."""
    balance = client.get(WALLET + "balance").json()["data"]["balance"]
    r = client.post(WALLET + "balance/transactions", json={"amount": round(balance - 30, 4), "type": "deduct"})
    assert r.status_code == 200 and r.json()["data"]["balance"] == 30.0


@pytest.mark.parametrize("http", ["throttle"], indirect=True)
def test_throttle_stops_the_keys_until_a_recharge(http: tuple[Emulator, httpx.Client]) -> None:
    emu, client = http
    drain(client)
    emu.clock.set("2026-03-10T17:20:00+08:00")
    hours = spend(client, NOON, 5)
    assert hours[0] > 300_000 and hours[1:] == [0, 0, 0, 0]  # 12:00 debited in full, then stopped
    assert client.get(WALLET + "balance").json()["data"]["balance"] == round(30 - hours[0] / 10_000, 4)
    detail = client.get(API + "billing/cost/model-detail", params={
        "modelId": 1, "startTime": NOON + HOUR, "endTime": NOON + 2 * HOUR, "clientId": 2, "apiKeyId": 5101}).json()
    assert '"total_amount":0' in detail["data"]["rows"][0]["values"].replace(" ", "")
    r = client.post(WALLET + "balance/transactions", json={"amount": 1000, "type": "recharge"})  # at 17:20
    assert r.status_code == 200
    emu.clock.set("2026-03-10T21:00:00+08:00")
    hours = spend(client, NOON, 9)
    assert hours[1:6] == [0] * 5 and all(h > 0 for h in hours[6:])  # back from 18:00, the hour after it
    debits = [row for row in logs(client) if row["changeType"] == "auto_deduct" and row["gmtCreate"] >= "2026-03-10T05"]
    assert sum(minor(row["changeAmount"]) for row in debits) == -overview(client, NOON, NOON + 9 * HOUR)
    assert len(debits) == 1 + 3  # 12:00, then 18:00, 19:00 and 20:00


@pytest.mark.parametrize("http", ["negative"], indirect=True)
def test_negative_lets_usage_go_on(http: tuple[Emulator, httpx.Client]) -> None:
    emu, client = http
    drain(client)
    emu.clock.set("2026-03-10T17:00:00+08:00")
    hours = spend(client, NOON, 5)
    assert all(h > 0 for h in hours)
    balance = client.get(WALLET + "balance").json()["data"]["balance"]
    assert minor(balance) == 300_000 - sum(hours) < 0


@pytest.mark.parametrize("http", ["negative"], indirect=True)
def test_the_form_switches_at_run_time(http: tuple[Emulator, httpx.Client]) -> None:
    emu, client = http
    drain(client)
    emu.clock.set("2026-03-10T15:00:00+08:00")
    going_on = spend(client, NOON, 3)
    assert client.patch("/_emulator/config", json={"exhaustion": "throttle"}).status_code == 200
    stopped = spend(client, NOON, 3)
    assert stopped[0] == going_on[0] and stopped[1:] == [0, 0] and going_on[1] > 0
    emu.reset()  # the started form, and no deduction
    emu.clock.set("2026-03-10T15:00:00+08:00")
    assert client.get("/_emulator/config").json()["exhaustion"] == "negative"
    assert spend(client, NOON, 3) == going_on
