"""The money reads: a wallet's balance, its summary, its logs (every entry, usage debits included)
and its orders (what writes moved: recharges, deductions, transfers, subscriptions, expiries),
each paged as the SDK declares it (it differs action by action), newest first.

Every figure is the ledger's (`emulator.domain.ledger`), so a balance is the opening plus the
credits minus the hourly debits, and each debit is the figures' own amount for that hour.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from emulator.api import dto, reply, text
from emulator.api.call import Call
from emulator.api.directory import page_of
from emulator.api.dto import figure
from emulator.domain.clock import iso_utc
from emulator.domain.ledger import Entry, Ledger
from emulator.domain.life import hour_ceil
from emulator.domain.timeline import SHANGHAI_OFFSET
from emulator.domain.wallet import POOLS, WalletKey, order_id
from emulator.render import dumps

BEIJING = dt.timezone(dt.timedelta(seconds=SHANGHAI_OFFSET))


def beijing(at: int) -> str:
    """A time as the orders and subscriptions write it: ISO 8601 with +08:00 [sdk example]."""
    return dt.datetime.fromtimestamp(at, BEIJING).isoformat()


def wallet_of(call: Call) -> WalletKey:
    """The wallet the path names: a department (`id`), or a member (`id`) of `clientId`."""
    if "clientId" in call.resolved:
        return (call.resolved["clientId"].id, call.resolved["id"].id)
    return (call.resolved["id"].id, 0)


def ledger_of(call: Call, key: WalletKey) -> Ledger | None:
    return call.world.ledgers.of(call.world.scenario, key, call.state, call.world.forms.exhaustion == "throttle")


def balance_dto(key: WalletKey, ledger: Ledger | None, balance: int | None = None) -> dict[str, Any]:
    """ClientBalanceDTO; a wallet not enabled has balance 0, enableBalance false [choice]."""
    if ledger is None:
        return {"balance": 0.0, "balanceType": "amount", "clientId": key[0], "enableBalance": False,
                "gmtCreate": "", "gmtModified": "", "id": 0}
    w = ledger.wallet
    return {"balance": figure(ledger.balance if balance is None else balance), "balanceType": w.unit,
            "clientId": key[0], "enableBalance": True, "gmtCreate": dto.gmt(w.created_at),
            "gmtModified": dto.gmt(w.modified_at), "id": w.id}


def balance(call: Call) -> bytes:
    """GetClientBalance, GetMemberBalance: both pools' sum."""
    key = wallet_of(call)
    return reply.of(call.request_id, balance_dto(key, ledger_of(call, key)))


def summary(call: Call) -> bytes:
    """GetDeptBalanceSummary: per pool, available (the department's own), allocated (moved to
    its members) and total = allocated + available."""
    ledger = ledger_of(call, wallet_of(call))
    out = {}
    for i, pool in enumerate(POOLS):
        available = ledger.pools[i] if ledger is not None else 0
        allocated = ledger.allocated(pool) if ledger is not None else 0
        out[pool] = {"allocated": figure(allocated), "available": figure(available),
                     "total": figure(allocated + available)}
    return reply.of(call.request_id, out)


Render = Callable[[Any], "dict[str, Any] | str"]  # an item → its DTO, or the DTO's JSON text


def _page(call: Call, items: list[Any], render: Render) -> tuple[list[str], int]:
    """This call's page of `items` (newest first), only its rows rendered (as JSON text), and the
    page size."""
    first, count = call.window(len(items))
    rows = [render(x) for x in items[first: first + count]]
    return [x if isinstance(x, str) else dumps(x).decode() for x in rows], call.paging.size or count


def _log_entries(call: Call, key: WalletKey) -> tuple[list[int], Render]:
    """The indices of the wallet's log rows (newest first, by changeType) and how to render one."""
    ledger = ledger_of(call, key)
    if ledger is None:
        return [], lambda i: {}
    wanted, entries = call.args.get("changeType"), ledger.entries
    chosen = ledger.chosen(("logs", wanted), lambda e: wanted is None or e.kind == wanted)
    seed = call.world.scenario.seed
    return chosen, lambda i: _log(entries[i], row_id(seed, key, entries[i]), key)


def row_id(seed: int, key: WalletKey, e: Entry) -> int:
    """A log row's id: 63 bits from the seed, the wallet and what names the entry, so that it
    stays when the ledger changes elsewhere (an event over an earlier hour)."""
    kind, n = e.ident
    digest = hashlib.blake2b(b"%d|%d|%d|%d|%d" % (seed, key[0], key[1], kind, n), digest_size=8,
                             person=b"log-row").digest()
    return int.from_bytes(digest, "big") >> 1


def _log(e: Entry, row_id: int, key: WalletKey) -> str:
    """A log row's JSON text, as `render.dumps` writes the DTO (a page of a year's rows is the
    hot path of the balance reads)."""
    return (f'{{"balanceAfter":{figure(sum(e.after))!r},"balanceBefore":{figure(sum(e.before))!r},'
            f'"changeAmount":{figure(e.change)!r},"changeType":"{e.kind}","clientId":{key[0]},'
            f'"gmtCreate":"{iso_utc(e.at)}","id":{row_id},'
            f'"remark":{text.quoted(e.remark or ("usage" if e.order is None else ""))}}}')


def _paged(call: Call, found: tuple[list[Any], Render], size_name: str, total: int | None = None) -> bytes:
    """A department's list (`data.pageSize`, and top-level maxResults/nextToken) or a member's
    (`data.size`, no top-level paging), as the SDK declares each [sdk]."""
    rows, render = found
    chosen, size = _page(call, rows, render)
    data = (f'{{"list":[{",".join(chosen)}],"page":{call.legacy_page},"{size_name}":{size},'
            f'"total":{len(rows) if total is None else total}}}')
    if size_name == "size":
        return reply.body(call.request_id, data, None, None)
    return reply.body(call.request_id, data, size, call.next_token(len(rows)))


def client_logs(call: Call) -> bytes:
    """GetClientBalanceLogs: data {list, page, pageSize, total}, and maxResults/nextToken."""
    return _paged(call, _log_entries(call, wallet_of(call)), "pageSize")


def member_logs(call: Call) -> bytes:
    """GetMemberBalanceLogs: data {list, page, size, total}; skipTotal answers total 0 [choice]."""
    return _paged(call, _log_entries(call, wallet_of(call)), "size", 0 if call.args.get("skipTotal") else None)


def order_entries(call: Call, key: WalletKey) -> tuple[list[int], Render]:
    """The indices of the wallet's orders (newest first; by balanceType, direction and
    orderType) and how to render one."""
    ledger = ledger_of(call, key)
    if ledger is None:
        return [], lambda n: {}
    args, seed, entries = call.args, call.world.scenario.seed, ledger.entries
    pool, way, kind = args.get("balanceType"), args.get("direction"), args.get("orderType")
    chosen = ledger.chosen(("orders", pool, way, kind), lambda e: e.order is not None and pool in (None, e.pool)
                           and way in (None, "in" if e.change > 0 else "out") and kind in (None, e.order))

    def render(n: int) -> dict[str, Any]:
        e = entries[n]
        i = POOLS.index(e.pool or "permanent")
        kind, n_ = e.ident
        tag = kind * 10**15 + n_
        return {"amount": figure(abs(e.change)), "balanceAfter": figure(e.after[i]),
                "balanceBefore": figure(e.before[i]), "balanceType": e.pool, "createTime": beijing(e.at),
                "direction": "in" if e.change > 0 else "out", "modelCode": "", "operatorId": e.operator,
                "orderId": order_id(seed, key, tag, e.at), "orderType": e.order, "remark": e.remark,
                "source": "api" if e.serial else "system", "totalAfter": figure(sum(e.after)),
                "totalBefore": figure(sum(e.before))}
    return chosen, render


def client_orders(call: Call) -> bytes:
    """ListBalanceOrders: data {list, page, pageSize, total}, and maxResults/nextToken."""
    return _paged(call, order_entries(call, wallet_of(call)), "pageSize")


def member_orders(call: Call) -> bytes:
    """ListMemberBalanceOrders: data {list, page, size, total}."""
    return _paged(call, order_entries(call, wallet_of(call)), "size")


def export_member_orders(call: Call) -> bytes:
    """ExportMemberBalanceOrders: the export task, finished at once (the orders are derived):
    its id and file name are of the member, the filters and the world it was made from."""
    key = wallet_of(call)
    rows, _ = order_entries(call, key)
    now = call.state.now
    tag = order_id(call.world.scenario.seed, key, 2 * 10**9 + len(rows), now).removeprefix("ord_")
    return reply.of(call.request_id, {"createdAt": now * 1000, "error": "", "filename": f"member-{key[1]}-orders-"
                                      f"{tag}.csv", "finishedAt": now * 1000, "id": f"exp_{tag}", "maxRows": 100_000,
                                      "progress": 100, "status": "finished", "total": len(rows),
                                      "type": "member_balance_orders"})


def subscription_dto(key: WalletKey, sub: Any) -> dict[str, Any]:
    return {"balanceType": sub.pool, "clientId": key[0], "createTime": beijing(sub.created_at), "id": sub.id,
            "status": "active" if sub.stopped_at is None else "stopped",
            "stopTime": beijing(sub.stopped_at) if sub.stopped_at is not None else "",
            "subscriptionAmount": figure(sub.amount), "updateTime": beijing(sub.updated_at or sub.created_at),
            "validFrom": beijing(sub.valid_from)}


def _subscriptions(call: Call, key: WalletKey) -> list[dict[str, Any]]:
    w = call.world.scenario.wallets.get(key)
    if w is None:
        return []
    args = call.args
    subs = [s for s in w.subscriptions if s.created_at <= call.state.now
            and args.get("balanceType") in (None, s.pool)
            and args.get("status") in (None, "active" if s.stopped_at is None else "stopped")]
    return [subscription_dto(key, s) for s in sorted(subs, key=lambda s: -s.id)]


def subscriptions(call: Call) -> bytes:
    """ListSubscriptions: data {list, maxResults, nextToken} (nextToken "" on the last page [sdk])."""
    rows = _subscriptions(call, wallet_of(call))
    chosen, size = page_of(call, rows)
    return reply.of(call.request_id, {"list": chosen, "maxResults": size, "nextToken": call.next_token(len(rows))})


def member_subscriptions(call: Call) -> bytes:
    """ListMemberSubscriptions: data {list}, every one."""
    return reply.of(call.request_id, {"list": _subscriptions(call, wallet_of(call))})


def discount_logs(call: Call) -> bytes:
    """QueryClientDiscountLogs: each discount the department was given, newest first; data is
    the bare list, paged by maxResults/nextToken [sdk]. A discount is in force from the first
    whole hour at or after its change (`effectiveTime`) to the next one's (`expireTime`)."""
    dep = call.resolved["id"]
    changes = sorted((c for c in dep.discounts if c[0] <= call.state.now), key=lambda c: c[0])
    rows = []
    for i, (at, value, remark) in enumerate(changes):
        until = hour_ceil(changes[i + 1][0]) if i + 1 < len(changes) else None
        rows.append({"clientId": dep.id, "deleteTag": 0, "discount": float(value),
                     "effectiveTime": iso_utc(hour_ceil(at)),
                     "expireTime": iso_utc(until) if until is not None else "", "gmtCreate": iso_utc(at),
                     "gmtModified": iso_utc(at), "id": dep.id * 10**6 + i + 1, "remark": remark})
    rows.reverse()
    chosen, size = page_of(call, rows)
    return reply.of(call.request_id, chosen, max_results=size, next_token=call.next_token(len(rows)))
