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
from emulator.domain.ledger import Ledger
from emulator.domain.ops_money import Done
from emulator.domain.scenario import Scenario
from emulator.domain.wallet import WalletKey


def _perform(call: Call, name: str, finish: Any = None) -> tuple[Any, World]:
    path = ("clientId", "id") if "clientId" in call.args else ("id",)
    args = body_args(call, *path)
    args["operator"] = call.account.access_key_id  # who moved it: the orders' operatorId
    return perform(call, name, args, finish)


def _ledger(call: Call, scenario: Scenario, key: WalletKey, at: int) -> Ledger | None:
    """The wallet's ledger at the write's own time (the data clock may have ticked since the
    request began)."""
    state = call.state._replace(now=max(call.state.now, at))
    return call.world.ledgers.of(scenario, key, state, call.world.forms.exhaustion == "throttle")


def _answered(call: Call) -> Any:
    """What a movement keeps besides: the balance right after it, which its write answers and
    a repeat of its idempotency key answers again, whatever the ledger holds by then [sdk]."""
    def finish(scenario: Scenario, done: Done, at: int) -> dict[str, Any]:
        if done.kind != "movement" or done.answer is not None:
            return {}
        ledger = _ledger(call, scenario, done.key, at)
        return {"answer": ledger.after_movement(done.ref)} if ledger is not None else {}
    return finish


def _answer(call: Call, world: World, key: WalletKey, balance: int | None = None) -> bytes:
    """The wallet's ClientBalanceDTO: its balance now, or `balance` when given (no ledger built)."""
    w = world.scenario.wallets.get(key)
    if w is not None and balance is not None:
        return reply.of(call.request_id, balance_dto(key, Ledger(w, ()), balance))
    ledger = _ledger(call, world.scenario, key, w.modified_at or w.enabled_at if w is not None else 0)
    return reply.of(call.request_id, balance_dto(key, ledger, balance))


def _balance(call: Call, name: str) -> bytes:
    done, world = _perform(call, name, _answered(call))
    return _answer(call, world, done.key, done.answer)


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
