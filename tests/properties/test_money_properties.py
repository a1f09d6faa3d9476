"""Random sequences of what changes wallets (README "Money"), under either form of
`exhaustion`: the data clock moving forward (March to early May 2026), usage events, enabling,
recharges and deductions, transfers (a member's monthly quota among them), subscriptions and
their stops, repeated idempotency keys. After each step every enabled wallet keeps every
identity: its rows chain to its balance, its orders are its non-usage rows with their pools'
balances, its pools (monthly first) are ListDeptMembers' / GetDeptBalanceSummary's, its debits
over the hours since the last step (and a random recent span) are exactly minus the overview's
cost of its keys, and its orders are what the writes, the subscriptions and the quotas made.
Seeded (hypothesis is not installed): a failure names its sequence."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from money_helpers import APRIL, HOUR, MARCH, MAY, check_debits, check_wallet, hour_ceil, minor, orders, utc_instant
from writes_helpers import NOW, made, started, write

from emulator.server import Emulator

SEQUENCES, STEPS = 12, 8
FORMS = ("negative", "throttle")
END = MAY + 2 * 86400  # the clock stays before 2026-05-03
ENABLE = {"enableBalance": True}
UNITS = {(2, None): "amount", (2, 1001): "amount", (3, None): "tokens"}
OPTIONAL = [(4, None), (2, 1002), (4, 1006), (3, 1004)]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    yield from started()


@dataclass
class World:
    """What the test made, to know what each wallet's orders must be."""

    now: int = NOW
    first: dict[tuple[int, int | None], int] = field(default_factory=lambda: {k: MARCH for k in UNITS})
    units: dict[tuple[int, int | None], str] = field(default_factory=lambda: dict(UNITS))
    made: dict[tuple[int, int | None], Counter[tuple[str, str, int, int]]] = field(default_factory=dict)
    subs: list[dict[str, Any]] = field(default_factory=list)
    keys: list[tuple[str, tuple[Any, ...], dict[str, Any], dict[str, Any], int]] = field(default_factory=list)
    checked: int = NOW // HOUR * HOUR  # debits checked up to this hour
    quotas: dict[tuple[int, int | None], list[tuple[int, int]]] = field(default_factory=dict)  # (set at, quota)

    def wallets(self, dep: int) -> dict[int, int]:
        return {m: hour_ceil(t) for (d, m), t in self.first.items() if d == dep and m is not None}

    def add(self, key: tuple[int, int | None], kind: str, pool: str, amount: int) -> None:
        self.made.setdefault(key, Counter())[(kind, pool, amount, self.now)] += 1


def path(key: tuple[int, int | None]) -> tuple[int, ...]:
    return (key[0],) if key[1] is None else (key[0], key[1])


def amount(rng: random.Random) -> float:
    """Up to 500 or (a third of the time) 200,000, with up to 4 decimals."""
    return rng.randint(1, rng.choice([5_000_000, 5_000_000, 2_000_000_000])) / 10_000


def expected_orders(w: World, key: tuple[int, int | None]) -> Counter[tuple[str, str, int, int]]:
    """The writes' orders and each subscription's recharges up to now (the expiries aside)."""
    out = Counter(w.made.get(key, Counter()))
    for s in w.subs:
        if s["key"] != key:
            continue
        # the first recharge is kept by a stop at its instant; the later ones come before the stop
        if s["from"] <= (w.now if s["stopped"] is None else min(w.now, s["stopped"])):
            out[("periodic_recharge", s["pool"], s["amount"], s["from"])] += 1
        end = w.now if s["stopped"] is None else min(w.now, s["stopped"] - 1)
        for t in (APRIL, MAY):
            if s["from"] < t <= end:
                out[("periodic_recharge", s["pool"], s["amount"], t)] += 1
    for member, quotas in w.quotas.items():  # each 1st, the quota set last before it
        if key not in (member, (member[0], None)):
            continue
        for t in (APRIL, MAY):
            quota = ([q for at, q in quotas if at < t] or [0])[-1]
            if quota and t <= w.now:
                out[("transfer_in" if key == member else "transfer_out", "monthly", quota, t)] += 1
    return out


def step(emu: Emulator, w: World, rng: random.Random) -> str:
    c = emu.client("admin")
    kind = rng.choice(["clock", "leap", "leap", "event", "transaction", "transaction", "transfer", "transfer", "enable",
                       "subscribe", "subscribe", "stop", "stop", "repeat"])
    enabled = sorted(w.first, key=str)
    if kind in ("clock", "leap"):  # a leap: to a 1st and over it
        days = rng.randint(3, 12) * 86400 if kind == "leap" else 0
        w.now = min(END, w.now + days + rng.randint(1, 72) * HOUR + rng.randint(-1800, 1800))
        emu.clock.set(w.now)
    elif kind == "event":
        hours = rng.randint(1, 6)
        start = w.now // HOUR * HOUR - rng.randint(hours, 48) * HOUR
        scope = rng.choice([{"clientId": 2}, {"clientId": 3}, {"clientId": 4}, {"memberUserId": 1001},
                            {"memberUserId": 1002}, {"memberUserId": 1006}, {"apiKeyId": 5104}])
        emu.usage_events.add(startTime=start, endTime=start + hours * HOUR, factor=rng.choice([0, 0.5, 3]), **scope)
        w.checked = min(w.checked, start)
    elif kind == "transaction":
        key = rng.choice(enabled)
        value, pool, how = amount(rng), rng.choice(["permanent", "monthly"]), rng.choice(["recharge", "deduct"])
        fields = {"amount": value, "balanceType": pool, "type": how, "idempotencyKey": f"k{rng.random():.12f}"}
        name = "CreateBalanceTransaction" if key[1] is None else "CreateMemberBalanceTransaction"
        answer = made(c, name, *path(key), **fields)
        w.keys.append((name, path(key), fields, answer, len(emu.usage_events.events)))
        w.add(key, "recharge" if how == "recharge" else "manual_deduct", pool, minor(value))
    elif kind == "transfer":
        pairs = [k for k in enabled if k[1] is not None and (k[0], None) in w.first and w.units[k] ==
                 w.units[(k[0], None)]]
        if not pairs:
            return "transfer: none possible"
        key, value, pool = rng.choice(pairs), amount(rng), rng.choice(["permanent", "monthly"])
        if pool == "monthly" and rng.random() < 0.75:  # a monthly quota too (0: none from now on)
            quota = rng.choice([0, amount(rng), amount(rng), amount(rng)])
            made(c, "TransferToMember", *path(key), amount=value, balanceType=pool, monthlyQuota=quota)
            w.quotas.setdefault(key, []).append((w.now, minor(quota) if quota else 0))
        elif rng.random() < 0.5:
            made(c, "TransferToMember", *path(key), amount=value, balanceType=pool)
        else:
            made(c, "CreateMemberBalanceTransaction", *path(key), amount=value, balanceType=pool, type="transfer")
        w.add((key[0], None), "transfer_out", pool, minor(value))
        w.add(key, "transfer_in", pool, minor(value))
    elif kind == "enable":
        left = [k for k in OPTIONAL if k not in w.first]
        if not left:
            return "enable: all enabled"
        key, unit = rng.choice(left), rng.choice(["amount", "amount", "tokens"])
        value = amount(rng)
        name = "ConfigureClientBalance" if key[1] is None else "ConfigureMemberBalance"
        made(c, name, *path(key), **ENABLE, balanceType=unit, initialBalance=value)
        w.first[key], w.units[key] = w.now, unit
        w.add(key, "recharge", "permanent", minor(value))
    elif kind == "subscribe":
        key, pool = rng.choice(enabled), rng.choice(["permanent", "monthly"])
        if any(s["key"] == key and s["pool"] == pool and s["stopped"] is None for s in w.subs):
            return "subscribe: one active already"
        nxt = APRIL if w.now < APRIL else MAY
        start = rng.choice([None, w.now, nxt]) if w.now < MAY else None
        value = rng.randint(1, rng.choice([50_000_000, 2_000_000_000])) / 10_000  # up to 5,000 or 200,000
        fields: dict[str, Any] = {"balanceType": pool, **({} if start is None else {"effectiveTime": start})}
        if key[1] is None:
            made(c, "CreateSubscription", *path(key), subscriptionAmount=value, **fields)
        else:
            made(c, "CreateMemberSubscription", *path(key), amount=value, **fields)
        w.subs.append({"key": key, "pool": pool, "amount": minor(value), "from": w.now if start is None else start,
                       "stopped": None, "made": w.now})
    elif kind == "stop":
        active = [s for s in w.subs if s["stopped"] is None]
        if not active:
            return "stop: none active"
        s = rng.choice(active)
        name = "StopSubscription" if s["key"][1] is None else "StopMemberSubscription"
        write(c, name, *path(s["key"]), balanceType=s["pool"])
        s["stopped"] = w.now
    elif kind == "repeat":
        if not w.keys:
            return "repeat: no key yet"
        name, where, fields, answer, events = rng.choice(w.keys)
        again = made(c, name, *where, **fields)  # no new order: checked with the others
        if events == len(emu.usage_events.events):  # (an event since may change the usage before it)
            assert again["balance"] == answer["balance"], "a repeated idempotency key answered another balance"
    return kind


def check(emu: Emulator, w: World, rng: random.Random) -> None:
    cutoff = w.now // HOUR * HOUR
    for key in sorted(w.first, key=str):
        rows, _ = check_wallet(emu, *path(key))
        got = Counter((o["orderType"], o["balanceType"], minor(o["amount"]), utc_instant(o["createTime"]))
                      for o in orders(emu, *path(key)) if o["orderType"] != "monthly_expire")
        assert got == expected_orders(w, key), key
        metric = "total_tokens" if w.units[key] == "tokens" else "total_amount"
        first = hour_ceil(w.first[key])
        spans = [(max(first, w.checked), cutoff)]
        a = rng.randrange(max(first, cutoff - 6 * 86400), cutoff, HOUR) if cutoff > first else cutoff
        spans.append((a, min(cutoff, a + rng.randint(1, 72) * HOUR)))
        for start, end in spans:
            if start < end:
                check_debits(emu, key[0], key[1], start, end, w.wallets(key[0]), metric, rows=rows)
    w.checked = cutoff


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_every_identity_after_every_step(emu: Emulator, seed: int) -> None:
    emu.usage_events.clear()
    emu.reset()
    rng, w = random.Random(seed * 7919 + 21), World()
    drawn = minor(orders(emu, 2, 1001)[-1]["amount"])  # the seed's (tests/actions/test_money_balances.py)
    for key, opening in (((2, None), 500_000_000), ((3, None), 200_000_000_000_000), ((2, 1001), drawn)):
        w.made[key] = Counter({("recharge", "permanent", opening, MARCH): 1})
    w.now = NOW + rng.randint(0, 18 * 24) * HOUR + rng.randint(0, 3599)  # 3-10 to 3-28
    emu.clock.set(w.now)
    emu.set_forms(exhaustion=FORMS[seed // 2 % 2])  # each form with a quota and without (seed % 2)
    done = []
    if seed % 2:  # a member's monthly quota from the start, so that the leaps reach its refreshes
        quota = amount(rng)
        made(emu.client("admin"), "TransferToMember", 2, 1001, amount=1.0, balanceType="monthly", monthlyQuota=quota)
        w.add((2, None), "transfer_out", "monthly", 10_000)
        w.add((2, 1001), "transfer_in", "monthly", 10_000)
        w.quotas[(2, 1001)] = [(w.now, minor(quota))]
    try:
        for _ in range(STEPS):
            done.append(step(emu, w, rng))
            check(emu, w, rng)
        emu.check()
    except AssertionError as exc:
        raise AssertionError(f"seed {seed} ({emu.forms.exhaustion}), after {done}: {exc}") from exc
    finally:
        emu.usage_events.clear()
        emu.reset()
