"""A wallet's ledger: what was written to it (movements, subscriptions) and what usage took from
it, in time order, with both pools' balances after each entry.

Usage is debited once per closed hour with cost (one `auto_deduct` entry): minus that hour's
amount (or total tokens, for a tokens wallet) over the keys charged to the wallet. A key is
charged to exactly one wallet in each hour: a member's key to its member's wallet from the first
whole hour after that wallet was enabled, else to its department's; a department's own key to
the department's. The amounts are the figures' own (`Aggregator.combined`), so Σ debits over a
span is exactly minus the overview's total for those keys and hours, and every balance is the
opening plus the credits minus the debits before it. Only hours closed before the data clock
count; advancing the clock an hour adds one entry for each wallet that spent in it.

A debit takes from the monthly pool first, then the permanent one (which may go below zero:
the `negative` form). At 00:00 Asia/Shanghai on every 1st what is left in the monthly pool
expires (`monthly_expire`), then each active subscription recharges its pool.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.domain.aggregate import AMOUNT, LANES, UNION, Aggregator, Kept
from emulator.domain.keyset import Once
from emulator.domain.life import NEVER, hour_ceil
from emulator.domain.query import DataState
from emulator.domain.scenario import ApiKey, Scenario
from emulator.domain.timeline import DAY, HOUR, Timeline
from emulator.domain.wallet import MINOR, POOLS, Wallet, WalletKey, month_starts, refreshes

TOKENS = UNION.index("total_tokens")
LOG_KINDS = {"auto_deduct": "auto_deduct", "recharge": "recharge", "periodic_recharge": "recharge",
             "transfer_in": "recharge", "manual_deduct": "deduct", "transfer_out": "deduct",
             "monthly_expire": "deduct"}
# entries at one instant: the hour's debit first, then the month's expiry and recharges, then writes
_RANK = {"auto_deduct": 0, "monthly_expire": 1, "periodic_recharge": 2}


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a wallet's ledger. `order`: its order type (None for a usage debit, which is a
    log row only); `pool` the pool an order moved (a debit may take from both)."""

    at: int
    order: str | None
    pool: str | None
    change: int  # minor units, signed, over both pools
    before: tuple[int, int]  # (permanent, monthly) before
    after: tuple[int, int]
    remark: str = ""
    serial: int = 0  # the movement's serial (0: not a movement)
    operator: str = ""
    source: int = 0  # what a system credit comes from: a periodic recharge's subscription, a quota's member

    @property
    def ident(self) -> tuple[int, int]:
        """What names the entry whatever else the ledger holds: its kind and its movement's
        serial, or its hour (and source); log row ids and order ids derive from it."""
        if self.serial:
            return (2, self.serial)
        hour = self.at // HOUR
        if self.order is None:
            return (1, hour)
        if self.order == "monthly_expire":
            return (3, hour)
        # a periodic recharge: its subscription's; a monthly quota's refresh: its member's
        return (4 if self.order == "periodic_recharge" else 5, self.source * 10**7 + hour)

    @property
    def kind(self) -> str:
        """The log's changeType: auto_deduct, deduct or recharge."""
        return LOG_KINDS[self.order or "auto_deduct"]


@dataclass(frozen=True)
class Ledger:
    wallet: Wallet
    entries: tuple[Entry, ...]  # oldest first
    throttled: tuple[tuple[int, int], ...] = ()  # exhaustion=throttle: hours [from, to) its keys accrue nothing
    memo: dict[Any, list[int]] = field(default_factory=dict, compare=False, repr=False)  # chosen rows, by filter

    def chosen(self, wanted: Any, keep: Callable[[Entry], bool]) -> list[int]:
        """The indices of the entries `keep` keeps, newest first; remembered by `wanted`, the
        filter it stands for (so that paging through a year of entries is not a scan a page)."""
        found = self.memo.get(wanted)
        if found is None:
            entries = self.entries
            found = self.memo[wanted] = [i for i in range(len(entries) - 1, -1, -1) if keep(entries[i])]
        return found

    @property
    def pools(self) -> tuple[int, int]:
        """(permanent, monthly) now."""
        return self.entries[-1].after if self.entries else (0, 0)

    @property
    def balance(self) -> int:
        return sum(self.pools)

    def allocated(self, pool: str) -> int:
        """What the department moved to its members' same pool (transfers out)."""
        return -sum(e.change for e in self.entries if e.order == "transfer_out" and e.pool == pool)

    def after_movement(self, serial: int) -> int:
        """The balance right after the movement `serial` (what its write answered)."""
        for e in self.entries:
            if e.serial == serial:
                return sum(e.after)
        return self.balance


def charged_keys(scenario: Scenario, key: WalletKey) -> list[tuple[Once, int, int]]:
    """The key sets charged to a wallet, each with the hours [from, to) it is charged for;
    remembered for the directory they are of."""
    memo = ("wallet keys", key)
    found = scenario.selections.get(memo)
    if found is None:
        found = scenario.selections[memo] = [(Once(ks), a, b) for ks, a, b in _charged(scenario, key)]
    return found


def _charged(scenario: Scenario, key: WalletKey) -> list[tuple[tuple[ApiKey, ...], int, int]]:
    dep, member = key
    keys = scenario.keys_of_wallets().get(dep, ())
    if member:
        own = scenario.wallets.get(key)
        mine = tuple(k for k in keys if k.member_id == member)
        return [(mine, hour_ceil(own.enabled_at), 2**62)] if own is not None and mine else []
    groups: list[tuple[tuple[ApiKey, ...], int, int]] = []
    shared = tuple(k for k in keys if k.member_id is None or (dep, k.member_id) not in scenario.wallets)
    if shared:
        groups.append((shared, -2**62, 2**62))
    by_member: dict[int, list[ApiKey]] = {}
    for k in keys:
        if k.member_id is not None and (dep, k.member_id) in scenario.wallets:
            by_member.setdefault(k.member_id, []).append(k)
    for m, ks in sorted(by_member.items()):
        groups.append((tuple(ks), -2**62, hour_ceil(scenario.wallets[(dep, m)].enabled_at)))
    return groups


def debits(ledgers: Ledgers, scenario: Scenario, w: Wallet, state: DataState) -> list[tuple[int, int]]:
    """(hour end, minor units) of every closed hour with cost since the wallet was enabled."""
    first = hour_ceil(w.enabled_at)
    last = state.cutoff // HOUR * HOUR
    if last <= first:
        return []
    memo = ("models",)
    models = scenario.selections.get(memo)
    if models is None:
        models = scenario.selections[memo] = Once(scenario.models.values())
    per_hour: dict[int, int] = {}
    for keys, start, end in charged_keys(scenario, w.key):
        a, b = max(first, start), min(last, end)
        day = a // DAY * DAY
        while day < b:  # day by day: a whole day's debits are kept, whoever asks and until when
            lo, hi = max(a, day), min(b, day + DAY)
            for t, value in ledgers.day(models, keys, w.unit, lo, hi, state):
                per_hour[t] = per_hour.get(t, 0) + value
            day += DAY
    return sorted(per_hour.items())


def day_debits(agg: Aggregator, models: Once, keys: Once, unit: str, a: int, b: int,
               state: DataState) -> tuple[tuple[int, int], ...]:
    """(hour end, minor units) of the hours in [a, b) with cost, over `keys`."""
    lane, scale = (TOKENS, MINOR) if unit == "tokens" else (AMOUNT, 1)  # amounts are kept in minor units
    flat = agg.combined(models, keys, Timeline("hourly", a, HOUR, (b - a) // HOUR), state)
    return tuple((a + (i + 1) * HOUR, value * scale) for i, value in enumerate(flat[lane::LANES]) if value)


def _scheduled(scenario: Scenario, w: Wallet, now: int) -> list[tuple[Any, ...]]:
    """Movements, month starts, subscription recharges and monthly quotas' refreshes up to now,
    as sortable tuples (at, rank, order, pool, change, remark, serial, operator, source)."""
    out: list[tuple[Any, ...]] = [(m.at, 3, m.kind, m.pool, m.change, m.remark, m.serial, m.operator, 0)
                                  for m in w.movements if m.at <= now]
    for t in month_starts(w.enabled_at, now):
        out.append((t, 1, "monthly_expire", "monthly", 0, "monthly balance expired", 0, "", 0))
    for s in w.subscriptions:
        if s.valid_from > now or (s.stopped_at is not None and s.valid_from > s.stopped_at):
            continue
        # the first recharge: at its start (made with the write, in its place among the wallet's
        # writes when it starts at once), kept by a stop at that instant; then every 1st before the stop
        first = (s.valid_from, 3, "periodic_recharge", s.pool, s.amount, f"subscription {s.id}", s.after + 0.5, "",
                 s.id) if s.valid_from == s.created_at else \
            (s.valid_from, 2, "periodic_recharge", s.pool, s.amount, f"subscription {s.id}", 0, "", s.id)
        out.append(first)
        end = min(now, s.stopped_at) if s.stopped_at is not None else now  # one at the stop's instant was made
        for t in month_starts(s.valid_from, end):
            out.append((t, 2, "periodic_recharge", s.pool, s.amount, f"subscription {s.id}", 0, "", s.id))
    dep, member = w.key
    # after the month's remainder expired (and the month's subscriptions recharged), each quota
    # moves from the department's monthly pool, as a transfer may, below zero too; none after
    # the member was deleted
    if member:
        gone = scenario.members[member].deleted_at if member in scenario.members else None
        out += [(t, 2, "transfer_in", "monthly", q, "monthly quota", 0, "", member)
                for t, q in refreshes(w, now, gone)]
    else:
        for (d, m), mw in sorted(scenario.wallets.items()):
            if d == dep and m and mw.quotas:
                gone = scenario.members[m].deleted_at if m in scenario.members else None
                out += [(t, 2, "transfer_out", "monthly", -q, f"monthly quota of member {m}", 0, "", m)
                        for t, q in refreshes(mw, now, gone)]
    return out


def build(ledgers: Ledgers, scenario: Scenario, w: Wallet, state: DataState,
          scheduled: list[tuple[Any, ...]], throttle: bool = False) -> Ledger:
    """The ledger; `throttle` (the exhaustion form): once the balance is 0 or less, the wallet's
    keys accrue nothing from the next whole hour until a credit takes it above 0 again (from the
    whole hour after the credit), so the hours in between have no debit."""
    items: list[tuple[Any, ...]] = [(t, 0, None, None, -v, "", 0, "", 0)
                                    for t, v in debits(ledgers, scenario, w, state)]
    items += scheduled
    items.sort(key=lambda e: (e[0], e[1], e[6]))
    permanent = monthly = 0
    entries: list[Entry] = []
    stops: list[list[int]] = []  # [from, to) of each stop; the last one's to is NEVER while it lasts
    for at, _, order, pool, change, remark, serial, operator, source in items:
        before = (permanent, monthly)
        if throttle and order is None and stops and stops[-1][0] <= at - HOUR < stops[-1][1]:
            continue  # a stopped hour: its keys accrued nothing
        if order is None:  # a debit: the monthly pool first
            taken = min(-change, max(monthly, 0))
            monthly -= taken
            permanent += change + taken
        elif order == "monthly_expire":
            if monthly <= 0:
                continue
            change = -monthly
            monthly = 0
        elif pool == "monthly":
            monthly += change
        else:
            permanent += change
        entries.append(Entry(at, order, pool, change, before, (permanent, monthly), remark,
                             serial if isinstance(serial, int) else 0, operator, source))  # (a float: none)
        if throttle:
            running = bool(stops) and stops[-1][1] == NEVER
            if not running and permanent + monthly <= 0:
                stops.append([hour_ceil(at), NEVER])
            elif running and permanent + monthly > 0:
                stops[-1][1] = max(hour_ceil(at), stops[-1][0])
                if stops[-1][1] == stops[-1][0]:
                    stops.pop()
    return Ledger(w, tuple(entries), tuple((a, b) for a, b in stops))


MAX_KEPT_ENTRIES = 200_000  # ledger entries kept in all (about 80 MB at most), the oldest ledgers dropped first


class _Entries:
    """Ledgers kept, bounded by their entries in all (a ledger's size is its wallet's history)."""

    def __init__(self, budget: int) -> None:
        self.budget, self.size = budget, 0
        self._items: OrderedDict[Any, Ledger] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Ledger | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: Any, ledger: Ledger) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = ledger
            self.size += len(ledger.entries) + 1
            while self.size > self.budget and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped.entries) + 1


class Ledgers:
    """Every wallet's ledger, kept (bounded) for what it is made from: the directory, the closed
    hours, the usage events and what was scheduled up to now. The debits of a whole day are kept
    apart, for the models, keys and events they are of, so that an hour more (or a write
    elsewhere) costs the new day's hours, not the wallet's whole history again."""

    def __init__(self, agg: Aggregator) -> None:
        self.agg = agg
        self.kept = _Entries(MAX_KEPT_ENTRIES)
        self.days = Kept(4096)  # a year of days for each of eleven key sets

    def day(self, models: Once, keys: Once, unit: str, a: int, b: int, state: DataState) -> tuple[tuple[int, int], ...]:
        whole = a % DAY == 0 and b - a == DAY
        cache = (models, keys, unit, a, state.events)
        found = self.days.get(cache) if whole else None
        if found is None:
            found = day_debits(self.agg, models, keys, unit, a, b, state)
            if whole:
                self.days.put(cache, found)
        return found

    def of(self, scenario: Scenario, key: WalletKey, state: DataState, throttle: bool = False) -> Ledger | None:
        """The wallet's ledger; None when the wallet is not enabled (or not yet, at now)."""
        w = scenario.wallets.get(key)
        if w is None or w.enabled_at > state.now:
            return None
        scheduled = _scheduled(scenario, w, state.now)
        cache = (scenario.generation, key, state.cutoff // HOUR, len(scheduled), state.events, throttle)
        found = self.kept.get(cache)
        if found is None:
            found = build(self, scenario, w, state, scheduled, throttle)
            self.kept.put(cache, found)
        return found


__all__ = ["POOLS", "Entry", "Ledger", "Ledgers", "build", "charged_keys", "debits"]
