"""UpdateClient's `discount` as the figures apply it (README "Money", the form
`discounted_amounts`): from the first whole hour at or after the write, every key of the
department (a key created later too) is priced after it. Under `payable` (the default) the cost
reads stay at list price and only the breakdown's `payableAmount` and the wallet debits are after
discount; under `all` every amount is. History never moves, and the debits are the same under
both forms: − Σ payableAmount."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from chargeback_helpers import get, ok, rows
from family_helpers import detail_rows
from money_helpers import DAY, HOUR, balance_of, debited, hour_ceil, logs, minor, overview, utc_instant
from writes_helpers import D0, NOW, NOW_ISO, TIERS, figures, made, started, write

from emulator.server import Emulator

DEP = 4  # a department of the fixture whose keys spend, its wallet disabled until a test enables it
AT = NOW + 25 * 60  # 12:45 Beijing time: the discount is priced from 13:00
FROM = hour_ceil(AT)
LATER = FROM + 10 * HOUR + 1234  # the clock the tests read at


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    yield from started()


@pytest.fixture
def fresh(emu: Emulator) -> Iterator[Emulator]:
    emu.usage_events.clear()
    emu.reset()
    yield emu
    try:
        emu.check()
    finally:
        emu.usage_events.clear()
        emu.reset()


def discounted(emu: Emulator, value: float, at: int = AT, dep: int = DEP) -> None:
    emu.clock.set(at)
    made(emu.client("admin"), "UpdateClient", dep, discount=value)


def payables(emu: Emulator, a: int, b: int, **filters: Any) -> dict[tuple[int, int, int], tuple[int, int]]:
    """The hourly breakdown's (values' total_amount, payableAmount) of each (hour, model, key)."""
    return {(r["summaryTime"], r["modelId"], r["apiKeyId"]): (figures(r["values"])["total_amount"],
                                                              minor(r["payableAmount"]))
            for r in rows(emu, "QueryBillingCostBreakdown", startTime=a, endTime=b, granularity="hourly",
                          clientId=DEP, **filters)}


def list_amounts(emu: Emulator, a: int, b: int) -> int:
    """The department's overview over [a, b) with no discount ever given (the world reset)."""
    emu.reset()
    emu.clock.set(LATER)
    return overview(emu, a, b, clientId=DEP)


def test_payable_keeps_the_cost_reads_at_list_price_and_discounts_the_payable_amounts(fresh: Emulator) -> None:
    before = list_amounts(fresh, FROM - 3 * HOUR, FROM + 6 * HOUR)
    fresh.reset()
    discounted(fresh, 0.8)
    fresh.clock.set(LATER)
    assert overview(fresh, FROM - 3 * HOUR, FROM + 6 * HOUR, clientId=DEP) == before
    cells = payables(fresh, FROM - 2 * HOUR, FROM + 3 * HOUR, modelId=1)
    assert cells and any(listed for listed, _ in cells.values())
    for (t, _, _), (listed, paid) in cells.items():
        if t < FROM:
            assert paid == listed  # history does not move
        else:
            assert abs(paid - listed * Fraction(4, 5)) < 2, (t, listed, paid)  # each hour's floor of the running cost
    assert sum(p for (t, _, _), (_, p) in cells.items() if t >= FROM) < \
        sum(v for (t, _, _), (v, _) in cells.items() if t >= FROM)


def test_all_discounts_every_amount_from_the_next_whole_hour(fresh: Emulator) -> None:
    listed = list_amounts(fresh, FROM, FROM + 6 * HOUR)
    earlier = overview(fresh, FROM - 3 * HOUR, FROM, clientId=DEP)
    fresh.reset()
    fresh.set_forms(discounted_amounts="all")
    discounted(fresh, 0.5)
    fresh.clock.set(LATER)
    assert overview(fresh, FROM - 3 * HOUR, FROM, clientId=DEP) == earlier
    half = overview(fresh, FROM, FROM + 6 * HOUR, clientId=DEP)
    assert listed // 2 - 6 * 20 <= half <= listed // 2 + 1  # a floor per key-hour at most
    cells = payables(fresh, FROM, FROM + 6 * HOUR)
    assert all(v == p for v, p in cells.values())  # under all the values are after discount too
    assert sum(p for _, p in cells.values()) == half


def test_the_debits_are_minus_the_payable_amounts_under_either_form(fresh: Emulator) -> None:
    discounted(fresh, 0.75)
    write(fresh.client("admin"), "ConfigureClientBalance", DEP, enableBalance=True, balanceType="amount",
          initialBalance=1000)
    fresh.clock.set(LATER)
    a, b = FROM, FROM + 8 * HOUR  # the wallet is debited from the whole hour after it was enabled
    paid = sum(p for _, p in payables(fresh, a, b).values())
    spent = debited(logs(fresh, DEP), a, b)
    assert spent == -paid and paid > 0
    assert overview(fresh, a, b, clientId=DEP) > paid  # payable: the cost read is the list price
    balance = balance_of(fresh, DEP)
    fresh.set_forms(discounted_amounts="all")  # the same world: the debits do not depend on the form
    assert overview(fresh, a, b, clientId=DEP) == paid
    assert debited(logs(fresh, DEP), a, b) == spent and balance_of(fresh, DEP) == balance


def test_a_change_within_the_hour_replaces_the_one_before_and_one_back_to_1_ends_it(fresh: Emulator) -> None:
    fresh.clock.set(LATER)
    listed = payables(fresh, FROM, FROM + 6 * HOUR)
    fresh.reset()
    fresh.set_forms(discounted_amounts="all")
    discounted(fresh, 0.5)
    discounted(fresh, 0.9, at=AT + 60)  # the same hour: 0.9 from 13:00, 0.5 never priced
    discounted(fresh, 1, at=FROM + 2 * HOUR + 5)  # from 16:00 on, no discount
    fresh.clock.set(LATER)
    cells = payables(fresh, FROM, FROM + 6 * HOUR)
    assert cells.keys() == listed.keys() and any(v for v, _ in listed.values())
    for cell, (value, paid) in cells.items():
        full = listed[cell][0]
        assert value == paid
        # each hour is the floor of the day's running cost less the one before: within a unit of its cost
        assert abs(paid - full * (Fraction(9, 10) if cell[0] < FROM + 3 * HOUR else 1)) < 2, (cell, full, paid)
    assert sum(p for _, p in cells.values()) == overview(fresh, FROM, FROM + 6 * HOUR, clientId=DEP)
    changes = ok(get(fresh, "QueryClientDiscountLogs", DEP))["data"]
    assert [x["discount"] for x in changes] == [1.0, 0.9, 0.5]  # newest first: each change listed


def test_a_key_created_after_the_discount_is_priced_after_it(fresh: Emulator) -> None:
    discounted(fresh, 0.6)
    key_id = made(fresh.client("admin"), "CreateApiKey", clientId=DEP)["id"]
    fresh.usage_events.add({"startTime": FROM + HOUR, "endTime": FROM + 3 * HOUR, "apiKeyId": key_id, "modelId": 1,
                            "set": {"total_calls": 10, "input_tokens": 1000, "output_tokens": 100,
                                    "total_amount": 12.3456}})
    fresh.clock.set(LATER)
    mine = {t: v for (t, _, k), v in payables(fresh, FROM, FROM + 4 * HOUR, modelId=1).items() if k == key_id}
    assert mine[FROM + HOUR] == (123456, 123456 * 3 // 5) == mine[FROM + 2 * HOUR]
    assert mine[FROM] == mine[FROM + 3 * HOUR] == (0, 0)


def test_a_saved_state_keeps_the_discount(fresh: Emulator) -> None:
    discounted(fresh, 0.85)
    fresh.clock.set(LATER)
    before = payables(fresh, FROM - HOUR, FROM + 2 * HOUR, modelId=1)
    state = fresh.export_state()
    fresh.reset()
    assert payables(fresh, FROM - HOUR, FROM + 2 * HOUR, modelId=1) != before
    fresh.import_state(state)
    assert payables(fresh, FROM - HOUR, FROM + 2 * HOUR, modelId=1) == before


def test_a_price_change_and_a_discount_on_one_day_keep_each_day_the_sum_of_its_hours(fresh: Emulator) -> None:
    fresh.set_forms(discounted_amounts="all")
    write(fresh.client("admin"), "UpdateBillingRule", 1, pricingConfig=TIERS)  # model 1's price from 13:00
    discounted(fresh, 0.7, at=NOW + 3 * HOUR)  # 15:20: priced after it from 16:00
    fresh.clock.set(D0 + DAY + HOUR)
    for dep in (DEP, 2):
        query = {"clientId": dep, "memberUserIds": ""} if dep == 2 else {"clientId": dep}
        hourly = detail_rows(fresh.url, 1, {"startTime": D0, "endTime": D0 + DAY, **query})
        daily = detail_rows(fresh.url, 1, {"startTime": D0 - 7 * DAY, "endTime": D0 + DAY, **query})
        assert daily[-1]["timestamp"] == D0 and len(hourly) == 24
        assert daily[-1]["total_amount"] == sum(r["total_amount"] for r in hourly) > 0, dep
    cells = payables(fresh, D0, D0 + DAY, modelId=1)
    assert sum(p for _, p in cells.values()) == sum(r["total_amount"] for r in detail_rows(
        fresh.url, 1, {"startTime": D0, "endTime": D0 + DAY, "clientId": DEP}))


def test_a_form_switch_changes_a_kept_breakdown_page(fresh: Emulator) -> None:
    discounted(fresh, 0.5)
    fresh.clock.set(LATER)
    span = {"startTime": FROM, "endTime": FROM + 2 * HOUR, "granularity": "hourly", "clientId": DEP}
    first = ok(get(fresh, "QueryBillingCostBreakdown", **span))["data"]["rows"]  # a settled span: kept
    assert any(figures(r["values"])["total_amount"] != minor(r["payableAmount"]) for r in first)
    fresh.set_forms(discounted_amounts="all")
    after = ok(get(fresh, "QueryBillingCostBreakdown", **span))["data"]["rows"]
    assert all(figures(r["values"])["total_amount"] == minor(r["payableAmount"]) for r in after)
    assert [r["payableAmount"] for r in after] == [r["payableAmount"] for r in first]


def test_under_throttle_a_wallet_drains_at_the_discounted_rate_and_every_figure_agrees() -> None:
    with Emulator(now=NOW_ISO, exhaustion="throttle") as throttled:
        discounted(throttled, 0.5)
        write(throttled.client("admin"), "ConfigureClientBalance", DEP, enableBalance=True, balanceType="amount",
              initialBalance=20)
        throttled.clock.set(LATER)
        rows = logs(throttled, DEP)
        debits = [r for r in rows if r["changeType"] == "auto_deduct"]
        stop = max(utc_instant(r["gmtCreate"]) for r in debits)  # the hour it ran out in was debited in full
        assert balance_of(throttled, DEP) <= 0 < minor(debits[0]["balanceBefore"])
        cells = payables(throttled, FROM, LATER // HOUR * HOUR)
        assert all(p == 0 for (t, _, _), (_, p) in cells.items() if t >= stop)  # its keys stopped
        assert sum(p for _, p in cells.values()) == -debited(rows, FROM, LATER) > 0
        throttled.set_forms(discounted_amounts="all")
        assert overview(throttled, FROM, LATER // HOUR * HOUR, clientId=DEP) == -debited(rows, FROM, LATER)
        throttled.check()
