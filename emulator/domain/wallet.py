"""Wallets: a department's, and a member's within a department, each with two pools (permanent,
monthly) in one unit (amount, in 0.0001 元, or tokens, in 0.0001 token), fixed once set [sdk].

What a write does to a wallet is a `Movement` at the data clock's now (a recharge, a manual
deduction, one side of a transfer) or a `Subscription` (a monthly recharge); what usage does is
derived, never stored: `emulator.domain.ledger` debits each closed hour's cost from the figures.
So a wallet keeps only what was written, and its balance is an exact sum at any instant.

The operations that change wallets are in `emulator.domain.ops_money`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from emulator.domain.clock import parse_instant
from emulator.domain.timeline import DAY, SHANGHAI_OFFSET, in_force, shanghai_midnight
from emulator.validation import FieldError

POOLS = ("permanent", "monthly")
UNITS = ("amount", "tokens")
MINOR = 10_000  # a wallet's figures are kept in 0.0001 of its unit
WalletKey = tuple[int, int]  # (department, member; 0 for the department's own wallet)


@dataclass(frozen=True)
class Movement:
    """Money (or tokens) a write moved into (+) or out of (−) one pool of a wallet."""

    serial: int  # the wallet's order number, 1, 2, ... (its orderId derives from it)
    at: int
    pool: str
    change: int  # minor units, signed
    kind: str  # the order type: recharge, manual_deduct, transfer_in, transfer_out
    remark: str
    operator: str  # the caller's AccessKey id


@dataclass(frozen=True)
class Subscription:
    """A monthly recharge of one pool: at its start, then at 00:00 Asia/Shanghai on every 1st."""

    id: int
    pool: str
    amount: int  # minor units
    valid_from: int
    created_at: int
    stopped_at: int | None = None
    updated_at: int | None = None
    after: int = 0  # the wallet's movements made before it (its first recharge comes after those)


@dataclass(frozen=True)
class Wallet:
    key: WalletKey
    id: int
    unit: str
    enabled_at: int  # usage is debited from the first whole hour at or after it
    movements: tuple[Movement, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    quotas: tuple[tuple[int, int], ...] = ()  # a member's monthly quota: (set at, minor units; 0 none) of each change
    created_at: int | None = None  # None: the fixture's
    modified_at: int | None = None

    def subscription(self, pool: str) -> Subscription | None:
        """The pool's active subscription, if any (at most one a pool)."""
        for s in self.subscriptions:
            if s.pool == pool and s.stopped_at is None:
                return s
        return None


@functools.cache
def _months() -> tuple[int, ...]:
    """00:00 Asia/Shanghai of every 1st from 1970 to 2199, for `month_starts` to bisect."""
    return tuple(shanghai_midnight(dt.date(y, m, 1)) for y in range(1970, 2200) for m in range(1, 13))


def month_starts(first: int, last: int) -> list[int]:
    """00:00 Asia/Shanghai of every 1st in (first, last]: when monthly pools expire and
    subscriptions recharge (every request's ledger asks, so the common years are a table)."""
    table = _months()
    if table[0] <= first and last < table[-1]:
        return list(table[bisect.bisect_right(table, first): bisect.bisect_right(table, last)])
    out: list[int] = []
    day = dt.date.fromtimestamp(0) + dt.timedelta(days=(first + SHANGHAI_OFFSET) // DAY)
    month = dt.date(day.year, day.month, 1)
    while True:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        t = shanghai_midnight(month)
        if t > last:
            return out
        if t > first:
            out.append(t)


def refreshes(w: Wallet, now: int, until: int | None = None) -> list[tuple[int, int]]:
    """(when, amount) of each refresh of a member's monthly quota up to `now` (and `until`, when
    the member was deleted): at 00:00 Asia/Shanghai of every 1st after the quota was set, the
    quota set last before it."""
    if not w.quotas:
        return []
    out = []
    for t in month_starts(w.quotas[0][0], now if until is None else min(now, until)):
        quota = in_force(w.quotas, t - 1, 0)  # set before the 1st
        if quota:
            out.append((t, quota))
    return out


def order_id(seed: int, key: WalletKey, serial: int, at: int) -> str:
    """ord_YYYYMMDD_xxxxxx, as the SDK's example: the Beijing date and six hex digits."""
    day = dt.datetime.fromtimestamp(at + SHANGHAI_OFFSET, dt.UTC).strftime("%Y%m%d")
    tail = hashlib.blake2b(b"%d|%d|%d|%d" % (seed, key[0], key[1], serial), digest_size=3,
                           person=b"order").hexdigest()
    return f"ord_{day}_{tail}"




def seeded_opening(seed: int, key: WalletKey) -> int:
    """An opening balance the fixture leaves open: 5,000 to 50,000 in steps of 100, from the seed."""
    digest = hashlib.blake2b(b"%d|%d|%d" % (seed, key[0], key[1]), digest_size=4, person=b"opening").digest()
    return (50 + int.from_bytes(digest, "big") % 451) * 100 * MINOR


def _opening(raw: Any, what: str, fail: Callable[[str], Exception]) -> int:
    try:
        value = Decimal(str(raw)) * MINOR
    except InvalidOperation:
        raise fail(f"the balance of {what}: initialBalance must be a number, got {str(raw)[:40]!r}") from None
    if not value.is_finite() or value < 0 or value > 10**12 * MINOR or value != value.to_integral_value():
        raise fail(f"the balance of {what}: initialBalance must be 0 to 10^12 with at most 4 decimals, got {raw}")
    return int(value)


def fixture_wallets(spec: Any, seed: int, fail: Callable[[str], Exception]) -> dict[WalletKey, Wallet]:
    """The wallets the fixture enables (`balance` of a department or a member): each with its
    opening balance as a recharge of the permanent pool when it is enabled."""
    wallets: dict[WalletKey, Wallet] = {}
    owners = [((d.id, 0), d.balance) for o in spec.organizations for d in o.departments] + \
             [((d.id, m.id), m.balance) for o in spec.organizations for d in o.departments for m in d.members]
    for key, b in owners:
        if b is None:
            continue
        what = f"member {key[1]}" if key[1] else f"department {key[0]}"
        try:
            at = parse_instant(b.enabledAt, "enabledAt")
        except FieldError as exc:
            raise fail(f"the balance of {what}: {exc.reason}") from None
        opening = seeded_opening(seed, key) if b.initialBalance is None else _opening(b.initialBalance, what, fail)
        moves = (Movement(1, at, "permanent", opening, "recharge", "initial balance", ""),) if opening else ()
        wallets[key] = Wallet(key, len(wallets) + 1, b.balanceType, at, moves, created_at=at, modified_at=at)
    return wallets
