"""Shared helpers for the tests of the money actions (tests/actions/test_money_*.py,
tests/properties/test_money_properties.py): every log row and order of a wallet (page by page,
raw HTTP), balances in integers (0.0001 元 or 0.0001 token), what the overview says the keys
charged to a wallet cost over a span, and the identities README "Money" states, checked from the
answers alone: rows chain, balance = first row's balanceAfter, debits = − cost, orders are the
non-usage rows with their pool's balances, and the pools (replayed from rows and orders: a debit
takes monthly first) are ListDeptMembers' and GetDeptBalanceSummary's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from chargeback_helpers import get, ok
from helpers import ts

from emulator.server import Emulator

HOUR, DAY = 3600, 86400
MARCH = ts(2026, 3, 1)  # the fixture's wallets are enabled then
APRIL, MAY = ts(2026, 4, 1), ts(2026, 5, 1)
FIXTURE_MEMBERS = {2: {1001: MARCH}}  # member wallets of the fixture: first hour charged to each
DEPT_MEMBERS = {2: (1001, 1002, 1003), 3: (1004, 1005), 4: (1006,)}


def minor(value: float) -> int:
    """A JSON number → integer 0.0001 of its unit, exactly (from its shortest repr, as written:
    1000000046778.3259 times 10000 in binary floats is off by one)."""
    scaled = Decimal(repr(value)) * 10_000
    assert scaled == scaled.to_integral_value(), value
    return int(scaled)


def hour_ceil(t: int) -> int:
    return -(-t // HOUR) * HOUR


def utc_instant(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def where(dep: int, member: int | None) -> tuple[int, ...]:
    return (dep,) if member is None else (dep, member)


def balance(emu: Emulator, dep: int, member: int | None = None, account: str | None = None) -> dict[str, Any]:
    name = "GetClientBalance" if member is None else "GetMemberBalance"
    data: dict[str, Any] = ok(get(emu, name, *where(dep, member), account=account))["data"]
    return data


def balance_of(emu: Emulator, dep: int, member: int | None = None) -> int:
    return minor(balance(emu, dep, member)["balance"])


def logs(emu: Emulator, dep: int, member: int | None = None, **query: Any) -> list[dict[str, Any]]:
    """Every log row of the wallet, newest first, by pages of 100."""
    name = "GetClientBalanceLogs" if member is None else "GetMemberBalanceLogs"
    out: list[dict[str, Any]] = []
    for page in range(1, 10_000):
        data = ok(get(emu, name, *where(dep, member), page=page, size=100, **query))["data"]
        out += data["list"]
        if len(data["list"]) < 100:
            assert len(out) == data["total"], (len(out), data["total"])
            return out
    raise AssertionError("the pages never ended")


def orders(emu: Emulator, dep: int, member: int | None = None, **query: Any) -> list[dict[str, Any]]:
    """Every order of the wallet, newest first, by pages of 100."""
    name = "ListBalanceOrders" if member is None else "ListMemberBalanceOrders"
    out: list[dict[str, Any]] = []
    for page in range(1, 10_000):
        data = ok(get(emu, name, *where(dep, member), page=page, pageSize=100, **query))["data"]
        out += data["list"]
        if len(data["list"]) < 100:
            assert len(out) == data["total"], (len(out), data["total"])
            return out
    raise AssertionError("the pages never ended")


def overview(emu: Emulator, start: int, end: int, metric: str = "total_amount", **filters: Any) -> int:
    """The overview's figure in 0.0001 of its unit over whole hours (0 for an empty span), asked
    six days at a time: a span of more than hourly_max_days (7) is answered by whole days."""
    total = 0
    for a in range(start, end, 6 * DAY):
        b = min(end, a + 6 * DAY)
        items = ok(get(emu, "QueryCostOverviewMetrics", startTime=a, endTime=b, **filters))["data"]
        total += minor(next(i["value"] for i in items if i["key"] == metric))
    return total


def cost(emu: Emulator, dep: int, member: int | None, start: int, end: int, wallets: dict[int, int] | None = None,
         metric: str = "total_amount") -> int:
    """What the overview says the keys charged to the wallet cost over [start, end), in 0.0001:
    a member's its keys' (from `wallets[member]`, the first hour charged to it); a department's
    all its keys' but its members' with wallets from their first hour on. `wallets`: member → that
    hour (default: the fixture's)."""
    wallets = FIXTURE_MEMBERS.get(dep, {}) if wallets is None else wallets
    if member is not None:
        return overview(emu, max(start, wallets[member]), end, metric, clientId=dep, memberUserIds=str(member))
    total = overview(emu, start, end, metric, clientId=dep)
    for m, first in wallets.items():
        total -= overview(emu, max(start, first), end, metric, clientId=dep, memberUserIds=str(m))
    return total


def debited(rows: list[dict[str, Any]], start: int, end: int) -> int:
    """Σ changeAmount of the usage debits of the hours in [start, end) (a debit is written at its hour's end)."""
    return sum(minor(r["changeAmount"]) for r in rows
               if r["changeType"] == "auto_deduct" and start < utc_instant(r["gmtCreate"]) <= end)


def assert_chained(rows: list[dict[str, Any]], balance_now: int) -> None:
    """balanceAfter = balanceBefore + changeAmount on every row; each row's balanceBefore the
    next (older) row's balanceAfter; the newest row's balanceAfter the balance; the oldest starts at 0."""
    for i, r in enumerate(rows):
        assert minor(r["balanceAfter"]) == minor(r["balanceBefore"]) + minor(r["changeAmount"]), (i, r)
        if i + 1 < len(rows):
            assert r["balanceBefore"] == rows[i + 1]["balanceAfter"], (i, r, rows[i + 1])
            assert utc_instant(r["gmtCreate"]) >= utc_instant(rows[i + 1]["gmtCreate"]), (i, r, rows[i + 1])
    assert minor(rows[0]["balanceAfter"]) == balance_now if rows else balance_now == 0
    if rows:
        assert rows[-1]["balanceBefore"] == 0


def replay_pools(rows: list[dict[str, Any]], orders_: list[dict[str, Any]]) -> tuple[int, int]:
    """(permanent, monthly) at the end, replayed oldest first: a debit takes the monthly pool first;
    every non-usage row is the next order (same amount, time, direction), whose pool it moves and
    whose balances it states."""
    pools = {"permanent": 0, "monthly": 0}
    written = [r for r in rows if r["changeType"] != "auto_deduct"]
    assert len(written) == len(orders_), (len(written), len(orders_))
    pending = list(reversed(orders_))
    for r in reversed(rows):
        change = minor(r["changeAmount"])
        before = pools["permanent"] + pools["monthly"]
        assert minor(r["balanceBefore"]) == before, r
        if r["changeType"] == "auto_deduct":
            assert change < 0, r
            taken = min(-change, max(pools["monthly"], 0))
            pools["monthly"] -= taken
            pools["permanent"] += change + taken
        else:
            o = pending.pop(0)
            assert (o["direction"] == "in") == (change > 0) and minor(o["amount"]) == abs(change), (r, o)
            assert r["changeType"] == ("recharge" if change > 0 else "deduct"), (r, o)
            assert utc_instant(o["createTime"]) == utc_instant(r["gmtCreate"]), (r, o)
            pool = o["balanceType"]
            assert (minor(o["balanceBefore"]), minor(o["totalBefore"])) == (pools[pool], before), o
            pools[pool] += change
            assert (minor(o["balanceAfter"]), minor(o["totalAfter"])) == (pools[pool], before + change), o
        assert minor(r["balanceAfter"]) == pools["permanent"] + pools["monthly"], r
    return pools["permanent"], pools["monthly"]


def member_pools(emu: Emulator, dep: int) -> dict[int, tuple[int, int]]:
    """ListDeptMembers?includeBalance=true: (permanent, monthly) of each member."""
    data = ok(get(emu, "ListDeptMembers", dep, includeBalance="true", pageSize=100))["data"]
    return {m["id"]: (minor(m["permanentBalance"]), minor(m["monthlyBalance"])) for m in data["list"]}


def summary(emu: Emulator, dep: int) -> dict[str, tuple[int, int, int]]:
    """GetDeptBalanceSummary: (allocated, available, total) of each pool."""
    data = ok(get(emu, "GetDeptBalanceSummary", dep))["data"]
    return {p: (minor(data[p]["allocated"]), minor(data[p]["available"]), minor(data[p]["total"]))
            for p in ("permanent", "monthly")}


def check_wallet(emu: Emulator, dep: int, member: int | None = None) -> tuple[list[dict[str, Any]], tuple[int, int]]:
    """Every identity of one enabled wallet that its own answers carry: the rows chain to the
    balance, the orders are the non-usage rows, the pools replayed from them are the ones
    ListDeptMembers (a member) or GetDeptBalanceSummary (a department) answers. Returns the rows
    and the pools."""
    now = balance(emu, dep, member)
    assert now["enableBalance"] is True
    rows = logs(emu, dep, member)
    assert_chained(rows, minor(now["balance"]))
    os = orders(emu, dep, member)
    pools = replay_pools(rows, os)
    assert sum(pools) == minor(now["balance"])
    if member is not None:
        assert member_pools(emu, dep)[member] == pools
    else:
        got = summary(emu, dep)
        for i, pool in enumerate(("permanent", "monthly")):
            allocated = sum(minor(o["amount"]) for o in os if o["orderType"] == "transfer_out" and
                            o["balanceType"] == pool)
            assert got[pool] == (allocated, pools[i], allocated + pools[i]), (pool, got[pool])
    return rows, pools


def check_debits(emu: Emulator, dep: int, member: int | None, start: int, end: int,
                 wallets: dict[int, int] | None = None, metric: str = "total_amount",
                 rows: list[dict[str, Any]] | None = None) -> int:
    """Σ debits of the hours in [start, end) = − the overview's cost of the wallet's keys. Returns it."""
    rows = logs(emu, dep, member) if rows is None else rows
    spent = cost(emu, dep, member, start, end, wallets, metric)
    assert debited(rows, start, end) == -spent, (dep, member, start, end)
    return spent
