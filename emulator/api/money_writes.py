"""The money writes: each handler turns its checked body into a named operation
(`emulator.domain.ops_money`), performs it on the world, and answers from the ledger of the world
it made. A repeated idempotency key answers what the first write did [sdk]: the balance right
after its movement, or its subscription.
"""

from __future__ import annotations

from typing import Any

from emulator.api import reply
from emulator.api.call import Call
from emulator.api.money import balance_dto, subscription_dto
from emulator.api.world import World
from emulator.api.writes import body_args, perform
from emulator.domain.wallet import WalletKey


def _perform(call: Call, name: str) -> tuple[Any, World]:
    path = ("clientId", "id") if "clientId" in call.args else ("id",)
    args = body_args(call, *path)
    args["operator"] = call.account.access_key_id  # who moved it: the orders' operatorId
    return perform(call, name, args)


def _answer(call: Call, world: World, key: WalletKey, serial: int = 0) -> bytes:
    """The wallet's ClientBalanceDTO: as right after movement `serial` when given. The ledger is
    read at the write's own time (the data clock may have ticked since the request began)."""
    w = world.scenario.wallets.get(key)
    state = call.state
    if w is not None:
        last = w.movements[serial - 1].at if serial else w.modified_at or w.enabled_at
        state = state._replace(now=max(state.now, last))
    ledger = world.ledgers.of(world.scenario, key, state, world.forms.exhaustion == "throttle")
    at = ledger.after_movement(serial) if ledger is not None and serial else None
    return reply.of(call.request_id, balance_dto(key, ledger, at))


def _balance(call: Call, name: str) -> bytes:
    done, world = _perform(call, name)
    return _answer(call, world, done.key, done.ref if done.kind == "movement" else 0)


def _subscription(call: Call, name: str) -> bytes:
    done, world = _perform(call, name)
    w = world.scenario.wallets[done.key]
    sub = next(s for s in w.subscriptions if s.id == done.ref)
    return reply.of(call.request_id, subscription_dto(done.key, sub))


def configure_client_balance(call: Call) -> bytes:
    """ConfigureClientBalance answers the wallet as it is now."""
    key, world = _perform(call, "configure_client_balance")
    return _answer(call, world, key)


def configure_member_balance(call: Call) -> bytes:
    key, world = _perform(call, "configure_member_balance")
    return _answer(call, world, key)
def balance_transaction(call: Call) -> bytes:
    return _balance(call, "balance_transaction")


def member_balance_transaction(call: Call) -> bytes:
    return _balance(call, "member_balance_transaction")


def transfer_to_member(call: Call) -> bytes:
    return _balance(call, "transfer_to_member")


def create_subscription(call: Call) -> bytes:
    return _subscription(call, "create_subscription")


def create_member_subscription(call: Call) -> bytes:
    return _subscription(call, "create_member_subscription")


def stop_subscription(call: Call) -> bytes:
    return _subscription(call, "stop_subscription")


def stop_member_subscription(call: Call) -> bytes:
    """StopMemberSubscription answers `data: true` [sdk]."""
    _perform(call, "stop_member_subscription")
    return reply.of(call.request_id, True)
