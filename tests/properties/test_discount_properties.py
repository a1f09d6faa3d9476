"""Random sequences of department discounts (UpdateClient), clock moves, usage events and
recharges, under both forms of `discounted_amounts`, beside a reference emulator that is given
everything but the discounts. After each step, over random spans that may hold the clock's own
hour: under `payable` the cost reads are the reference's (list price); under `all` they are the
reference's before the first discount; under either, key-hour by key-hour, `payableAmount` is
within a unit of the list amount times the discount in force (recorded by the test, from the
first whole hour at or after each change); every wallet's identities hold and its debits are
minus the discounted cost (the overview under `all`); a day of model-detail is the sum of its
hours. Seeded: a failure names its sequence."""

from __future__ import annotations

import random
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import pytest
from chargeback_helpers import rows
from family_helpers import detail_rows
from money_helpers import DAY, HOUR, check_debits, check_wallet, hour_ceil, minor, overview
from writes_helpers import NOW, NOW_ISO, figures, made

from emulator.server import Emulator

SEQUENCES, STEPS = 6, 6
DEPS = (2, 4)
WALLETS = ((2, None), (2, 1001), (4, None))


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[Emulator, Emulator]]:
    with Emulator(now=NOW_ISO) as emu, Emulator(now=NOW_ISO) as ref:
        yield emu, ref


def discount_at(epochs: list[tuple[int, Fraction]], t: int) -> Fraction:
    found = Fraction(1)
    for start, value in epochs:
        if start <= t:
            found = value
    return found


def cells(emu: Emulator, dep: int, a: int, b: int) -> dict[tuple[int, int, int], tuple[int, int]]:
    return {(r["summaryTime"], r["modelId"], r["apiKeyId"]): (figures(r["values"])["total_amount"],
                                                              minor(r["payableAmount"]))
            for r in rows(emu, "QueryBillingCostBreakdown", startTime=a, endTime=b, granularity="hourly",
                          clientId=dep)}


def step(emu: Emulator, ref: Emulator, now: list[int], epochs: dict[int, list[tuple[int, Fraction]]],
         rng: random.Random) -> str:
    kind = rng.choice(["clock", "clock", "discount", "discount", "discount", "event", "recharge"])
    if kind == "clock":
        now[0] += rng.randint(1, 30) * HOUR + rng.randint(-1800, 1800)
        for e in (emu, ref):
            e.clock.set(now[0])
    elif kind == "discount":
        dep = rng.choice(DEPS)
        value = rng.choice([Fraction(1), Fraction(rng.randint(1, 999), 1000), Fraction(rng.randint(50, 100), 100)])
        made(emu.client("admin"), "UpdateClient", dep, discount=float(value))
        got = epochs.setdefault(dep, [])
        start = hour_ceil(now[0])
        got[:] = [(t, v) for t, v in got if t != start] + [(start, value)]
        return f"discount {dep} {value}"
    elif kind == "event":
        hours = rng.randint(1, 5)
        start = now[0] // HOUR * HOUR - rng.randint(0, 10) * HOUR
        spec: dict[str, Any] = {"startTime": start, "endTime": start + hours * HOUR,
                                "clientId": rng.choice(DEPS), "factor": rng.choice([0, 0.5, 3])}
        for e in (emu, ref):
            e.usage_events.add(spec)
    else:
        dep, member = rng.choice(WALLETS)
        name = "CreateBalanceTransaction" if member is None else "CreateMemberBalanceTransaction"
        path = (dep,) if member is None else (dep, member)
        value = rng.randint(1, 10**8) / 10_000
        made(emu.client("admin"), name, *path, amount=value, type="recharge", idempotencyKey=f"k{rng.random():.12f}")
    return kind


def check(emu: Emulator, ref: Emulator, now: int, epochs: dict[int, list[tuple[int, Fraction]]],
          enabled: int, rng: random.Random) -> None:
    cutoff = now // HOUR * HOUR
    dep = rng.choice(DEPS)
    a = cutoff - rng.randint(0, 4) * HOUR
    b = min(hour_ceil(now), a + rng.randint(1, 3) * HOUR)  # the clock's hour too: its share so far
    form = emu.forms.discounted_amounts
    listed, got = cells(ref, dep, a, b), cells(emu, dep, a, b)
    assert got.keys() == listed.keys()
    for cell, (value, paid) in got.items():
        full, d = listed[cell][0], discount_at(epochs.get(dep, []), cell[0])
        assert abs(paid - full * d) < 2, (cell, full, d, paid)  # a floor of the day's running cost
        assert value == (full if form == "payable" else paid), (cell, form)
    if form == "payable":
        span = (cutoff - rng.randint(1, 72) * HOUR, cutoff)
        assert overview(emu, *span, clientId=dep) == overview(ref, *span, clientId=dep)
    else:
        assert sum(p for _, p in got.values()) == overview(emu, a, b, clientId=dep)
        first = min((t for t, _ in epochs.get(dep, [])), default=cutoff)
        if first > cutoff - 72 * HOUR:
            span = (cutoff - 72 * HOUR, first)
            assert overview(emu, *span, clientId=dep) == overview(ref, *span, clientId=dep)  # history stays
        day = (cutoff - DAY) - (cutoff - DAY + 8 * HOUR) % DAY  # a whole Beijing day before the clock
        hourly = detail_rows(emu.url, 1, {"startTime": day, "endTime": day + DAY, "clientId": dep})
        daily = detail_rows(emu.url, 1, {"startTime": day - 7 * DAY, "endTime": day + DAY, "clientId": dep})
        assert daily[-1]["timestamp"] == day and len(hourly) == 24
        assert daily[-1]["total_amount"] == sum(r["total_amount"] for r in hourly)
    emu.set_forms(discounted_amounts="all")  # the debits do not depend on the form: checked against the overview
    try:
        for d, member in WALLETS:
            wallet_rows, _ = check_wallet(emu, d, member)
            span = (max(enabled if d == 4 else 0, cutoff - 48 * HOUR), cutoff)
            check_debits(emu, d, member, *span, rows=wallet_rows)
    finally:
        emu.set_forms(discounted_amounts=form)


@pytest.mark.parametrize("form", ["payable", "all"])
@pytest.mark.parametrize("seed", range(SEQUENCES // 2))
def test_every_figure_after_every_discount(pair: tuple[Emulator, Emulator], form: str, seed: int) -> None:
    emu, ref = pair
    for e in (emu, ref):
        e.usage_events.clear()
        e.reset()
    rng = random.Random(seed * 104729 + (form == "all"))
    emu.set_forms(discounted_amounts=form)
    now = [NOW + rng.randint(0, 10) * HOUR]
    for e in (emu, ref):
        e.clock.set(now[0])
    made(emu.client("admin"), "ConfigureClientBalance", 4, enableBalance=True, balanceType="amount",
         initialBalance=100_000)
    enabled = hour_ceil(now[0])  # its first hour debited
    epochs: dict[int, list[tuple[int, Fraction]]] = {}
    done = []
    try:
        for _ in range(STEPS):
            done.append(step(emu, ref, now, epochs, rng))
            check(emu, ref, now[0], epochs, enabled, rng)
        emu.check()
        ref.check()
    except AssertionError as exc:
        raise AssertionError(f"{form}, seed {seed}, after {done}: {exc}") from exc
    finally:
        for e in (emu, ref):
            e.usage_events.clear()
            e.reset()
