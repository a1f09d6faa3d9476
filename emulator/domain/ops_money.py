"""The money writes, named world operations (`emulator.domain.operations`): enable a wallet,
recharge or deduct, transfer from a department to a member, subscribe and stop. Each checks on a
draft and changes nothing when it refuses.

None depends on a balance (which depends on the usage events in force): a deduction or a
transfer may take a balance below zero (README "Money"), so a replayed state gives the same
wallets whatever the events are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from emulator.domain.directory import Draft, Refused
from emulator.domain.timeline import DAY, SHANGHAI_OFFSET, shanghai_midnight
from emulator.domain.wallet import MINOR, POOLS, UNITS, Movement, Subscription, Wallet, WalletKey, month_starts

MAX_AMOUNT = 10**12  # the largest amount one write moves [choice]
MAX_MOVEMENTS = 100_000  # movements one wallet keeps; then writes to it are refused [choice]
Args = dict[str, Any]


class Done(NamedTuple):
    """What a money write did: a `movement` (ref: the wallet's order serial) or a `subscription`
    (ref: its id), in the wallet `key`; an idempotent repeat answers the first one's."""

    kind: str
    key: WalletKey
    ref: int
    answer: int | None = None  # the balance the first write answered (minor units), kept for its repeats



def minor(raw: Any, field: str, unit: str = "amount") -> int:
    """An amount as written (12.5 is 125000 minor units, not the nearest binary fraction):
    positive, at most 4 decimals, at most MAX_AMOUNT."""
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(int(raw))
    except (InvalidOperation, ValueError, TypeError):
        raise Refused(field, "must be a number") from None
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise Refused(field, f"must be more than 0 and at most {MAX_AMOUNT}, got {raw}")
    scaled = value * MINOR
    if scaled != scaled.to_integral_value():
        raise Refused(field, f"has at most 4 decimals{' (0.0001 元)' if unit == 'amount' else ''}, got {raw}")
    return int(scaled)


# -- finding -------------------------------------------------------------------------------------
def wallet_key(d: Draft, a: Args) -> WalletKey:
    """The wallet the write names: `id` a department, or `clientId` and `id` a member of it."""
    if "clientId" in a:
        dep = d.department(a["org"], a["clientId"], "clientId")
        d.in_scope(a, dep.id, "clientId")
        m = d.member(a["org"], a["id"])
        d.member_of(m, dep, "id")
        return (dep.id, m.id)
    dep = d.department(a["org"], a["id"])
    d.in_scope(a, dep.id, "id")
    return (dep.id, 0)


def enabled(d: Draft, key: WalletKey, at: int, field: str = "id") -> Wallet:
    w = d.wallets.get(key)
    what = f"member {key[1]}" if key[1] else f"department {key[0]}"
    if w is None:
        raise Refused(field, f"the balance of {what} is not enabled; enable it first (Configure…Balance)")
    if w.enabled_at > at:
        raise Refused(field, f"the balance of {what} is enabled from {w.enabled_at} (Unix seconds), not yet")
    return w


def _moved(d: Draft, w: Wallet, at: int, pool: str, change: int, kind: str, remark: str, operator: str) -> Wallet:
    if len(w.movements) >= MAX_MOVEMENTS:
        raise Refused("amount", f"this wallet holds {MAX_MOVEMENTS} movements, the emulator's bound")
    serial = len(w.movements) + 1
    moved = Movement(serial, at, pool, change, kind, remark[:256], operator)
    return dataclasses.replace(w, movements=(*w.movements, moved), modified_at=at)


def _pool(a: Args) -> str:
    pool = a.get("balanceType") or "permanent"
    if pool not in POOLS:
        raise Refused("balanceType", f"must be permanent or monthly, got {str(pool)[:32]!r}")
    return pool


def _idempotent(d: Draft, a: Args, kind: str, key: WalletKey) -> Done | None:
    """What an earlier write of the organisation with the same idempotency key did, if any: a
    write of the same `kind` to the same wallet (a key once used for a subscription, or for
    another wallet, names nothing else: refused)."""
    ikey = a.get("idempotencyKey")
    if not ikey:
        return None
    if len(ikey) > 32:
        raise Refused("idempotencyKey", f"has at most 32 characters, got {len(ikey)}")
    earlier = d.idempotency.get((a["org"], ikey))
    if earlier is None:
        return None
    done = Done(earlier[0], tuple(earlier[1]), *earlier[2:])
    if done.kind != kind:
        raise Refused("idempotencyKey", f"was used by a {done.kind} write already; use another key")
    if done.key != key:
        raise Refused("idempotencyKey", "was used for another wallet already; use another key")
    return done


def _remember(d: Draft, a: Args, done: Done) -> Done:
    """Keep what the write did under its idempotency key, with the balance it answered (`answer`,
    given by the API once it has figured it: `emulator.api.money_writes`)."""
    answer = a.get("answer")
    if answer is not None and (not isinstance(answer, int) or isinstance(answer, bool)):
        raise Refused("answer", "must be the balance the write answered, in 0.0001 units")
    done = done._replace(answer=answer)
    if a.get("idempotencyKey"):
        d.idempotency[(a["org"], a["idempotencyKey"])] = tuple(done)
    return done


# -- operations ------------------------------------------------------------------------------------
def configure_balance(d: Draft, a: Args, at: int) -> WalletKey:
    """Enable a wallet (once: it cannot be disabled [sdk]) in a unit (fixed once set [sdk]),
    with its initial balance (a recharge of the permanent pool, the first time only [sdk])."""
    key = wallet_key(d, a)
    w = d.wallets.get(key)
    unit = a.get("balanceType")
    if unit is not None and unit not in UNITS:
        raise Refused("balanceType", f"must be amount or tokens, got {str(unit)[:32]!r}")
    if w is not None:
        if a.get("enableBalance") is False:
            raise Refused("enableBalance", "balance throttling cannot be disabled once enabled")
        if unit is not None and unit != w.unit:
            raise Refused("balanceType", f"is {w.unit}, set when the balance was enabled; it cannot change")
        return key
    if a.get("enableBalance") is not True:
        if a.get("enableBalance") is None and unit is None and a.get("initialBalance") is None:
            raise Refused("enableBalance", "is required: true enables the balance")
        return key  # not enabled: nothing to configure yet
    if unit is None:
        raise Refused("balanceType", "is required when the balance is enabled the first time")
    w = Wallet(key, d.next_id("wallet", lambda: (x.id for x in d.wallets.values())), unit, at, created_at=at,
               modified_at=at)
    if a.get("initialBalance"):
        w = _moved(d, w, at, "permanent", minor(a["initialBalance"], "initialBalance", unit), "recharge",
                   "initial balance", a.get("operator", ""))
    d.wallets[key] = w
    return key


def balance_transaction(d: Draft, a: Args, at: int) -> Done:
    """A recharge (in) or a manual deduction (out) of one pool; a member's `transfer` comes from
    its department's same pool. Idempotent by `idempotencyKey` [sdk]."""
    key = wallet_key(d, a)
    earlier = _idempotent(d, a, "movement", key)
    if earlier is not None:
        return earlier
    kind = a.get("type") or "recharge"
    allowed = ("recharge", "deduct", "transfer") if key[1] else ("recharge", "deduct")
    if kind not in allowed:
        raise Refused("type", f"must be {', '.join(allowed)}, got {str(kind)[:32]!r}")
    if kind == "transfer":
        return transfer_to_member(d, a, at)
    w = enabled(d, key, at)
    pool = _pool(a)
    if a.get("amount") is None:
        raise Refused("amount", "is required")
    amount = minor(a["amount"], "amount", w.unit)
    w = _moved(d, w, at, pool, amount if kind == "recharge" else -amount,
               "recharge" if kind == "recharge" else "manual_deduct", a.get("remark") or "", a.get("operator", ""))
    d.wallets[key] = w
    return _remember(d, a, Done("movement", key, w.movements[-1].serial))


def transfer_to_member(d: Draft, a: Args, at: int) -> Done:
    """Move an amount from the department's pool to the member's same pool: one movement out
    of one, one in the other, with the same amount. Idempotent by `idempotencyKey` [sdk]."""
    key = wallet_key(d, a)
    earlier = _idempotent(d, a, "movement", key)
    if earlier is not None:
        return earlier
    member = enabled(d, key, at)
    dept = enabled(d, (key[0], 0), at, "clientId")
    if member.unit != dept.unit:
        raise Refused("id", f"the member's balance is in {member.unit}, the department's in {dept.unit}")
    pool = _pool(a)
    if a.get("amount") is None:
        raise Refused("amount", "is required")
    amount = minor(a["amount"], "amount", member.unit)
    quotas = member.quotas
    if a.get("monthlyQuota") is not None:
        if pool != "monthly":
            raise Refused("monthlyQuota", "applies to monthly transfers only (balanceType monthly)")
        quota = 0 if a["monthlyQuota"] == 0 else minor(a["monthlyQuota"], "monthlyQuota", member.unit)
        quotas = (*quotas, (at, quota))
    remark, operator = a.get("remark") or "", a.get("operator", "")
    d.wallets[(key[0], 0)] = _moved(d, dept, at, pool, -amount, "transfer_out", remark or f"to member {key[1]}",
                                    operator)
    member = _moved(d, member, at, pool, amount, "transfer_in", remark or f"from department {key[0]}", operator)
    d.wallets[key] = member = dataclasses.replace(member, quotas=quotas)
    return _remember(d, a, Done("movement", key, member.movements[-1].serial))


def create_subscription(d: Draft, a: Args, at: int) -> Done:
    """A monthly recharge of one pool, from `effectiveTime` (today's 00:00 at the earliest, the
    next 1st's at the latest [sdk]); one active a pool. Idempotent by `idempotencyKey`."""
    key = wallet_key(d, a)
    earlier = _idempotent(d, a, "subscription", key)
    if earlier is not None:
        return earlier
    w = enabled(d, key, at)
    pool = _pool(a)
    raw = a.get("subscriptionAmount", a.get("amount"))
    if raw is None:
        raise Refused("subscriptionAmount" if "clientId" not in a else "amount", "is required")
    amount = minor(raw, "subscriptionAmount" if "clientId" not in a else "amount", w.unit)
    today = shanghai_midnight(dt.date.fromtimestamp(0) + dt.timedelta(days=(at + SHANGHAI_OFFSET) // DAY))
    latest = month_starts(at, at + 32 * DAY)[0]
    start = a.get("effectiveTime")
    start = at if start is None else start
    if not today <= start <= latest:
        raise Refused("effectiveTime", f"must be from today's 00:00 ({today}) to the next 1st's 00:00 ({latest}), "
                                       "Asia/Shanghai")
    if w.subscription(pool) is not None:
        raise Refused("balanceType", f"the {pool} pool has an active subscription already; stop it first")
    sub = Subscription(d.next_id("subscription", lambda: ()), pool, amount, max(start, at), at, updated_at=at,
                       after=len(w.movements))
    d.wallets[key] = dataclasses.replace(w, subscriptions=(*w.subscriptions, sub), modified_at=at)
    return _remember(d, a, Done("subscription", key, sub.id))


def stop_subscription(d: Draft, a: Args, at: int) -> Done:
    """Stop a pool's active subscription: no recharge from now on (those made stay)."""
    key = wallet_key(d, a)
    w = enabled(d, key, at)
    pool = _pool(a)
    sub = w.subscription(pool)
    if sub is None:
        raise Refused("balanceType", f"the {pool} pool has no active subscription")
    stopped = dataclasses.replace(sub, stopped_at=at, updated_at=at)
    d.wallets[key] = dataclasses.replace(w, subscriptions=tuple(stopped if s is sub else s for s in w.subscriptions),
                                         modified_at=at)
    return Done("subscription", key, sub.id)
