"""The named operations that change the directory, and how a sequence of them makes a scenario.

An operation is a function `(draft, args, at) -> result`: it checks its arguments against the
draft (raising `Refused` having changed nothing that is kept: the draft is thrown away) and
changes the draft. `args` are JSON values (they are stored as they are, so that every worker, a
restart and an imported state replay the same changes and get the same ids); `at` is the data
clock's now when it was made. `org` and `scope` in `args` say who made it: the caller's
organisation, and the departments of a department-scoped caller (None: the whole organisation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from emulator.domain import ops_catalogue as cat
from emulator.domain import ops_directory as dirs
from emulator.domain import ops_keys as keys
from emulator.domain import ops_money as money
from emulator.domain.directory import Draft, Refused
from emulator.domain.scenario import Scenario

__all__ = ["MAX_OPERATIONS", "OPERATIONS", "Operation", "Refused", "apply", "replay"]
MAX_OPERATIONS = 100_000  # writes the world keeps (then they are refused), as a state document holds [choice]


@dataclass(frozen=True)
class Operation:
    run: Callable[[Draft, dict[str, Any], int], Any]
    whole_org: bool = True  # only a caller who sees the whole organisation may (not a scoped one)


OPERATIONS: dict[str, Operation] = {
    "create_client": Operation(dirs.create_client),
    "update_client": Operation(dirs.update_client),
    "delete_client": Operation(dirs.delete_client),
    "batch_bind_model_group": Operation(dirs.batch_bind_model_group),
    "create_user": Operation(dirs.create_user, whole_org=False),
    "update_user": Operation(dirs.update_user, whole_org=False),
    "delete_user": Operation(dirs.delete_user, whole_org=False),
    "set_user_roles": Operation(dirs.set_user_roles, whole_org=False),
    "set_member_authorization": Operation(dirs.set_member_authorization, whole_org=False),
    "reset_member_authorization": Operation(dirs.reset_member_authorization, whole_org=False),
    "batch_set_member_authorization": Operation(dirs.batch_set_member_authorization, whole_org=False),
    "batch_reset_member_authorization": Operation(dirs.batch_reset_member_authorization, whole_org=False),
    "create_api_key": Operation(keys.create_api_key, whole_org=False),
    "create_member_api_key": Operation(keys.create_member_api_key, whole_org=False),
    "batch_create_member_api_keys": Operation(keys.batch_create_member_api_keys, whole_org=False),
    "update_api_key_status": Operation(keys.update_api_key_status, whole_org=False),
    "batch_disable_member_api_keys": Operation(keys.batch_disable_member_api_keys, whole_org=False),
    "renew_api_key": Operation(keys.renew_api_key, whole_org=False),
    "batch_renew_member_api_keys": Operation(keys.batch_renew_member_api_keys, whole_org=False),
    "delete_api_key": Operation(keys.delete_api_key, whole_org=False),
    "create_model_group": Operation(dirs.create_model_group),
    "update_model_group": Operation(dirs.update_model_group),
    "delete_model_group": Operation(dirs.delete_model_group),
    "create_model": Operation(cat.create_model),
    "batch_create_model": Operation(cat.batch_create_model),
    "update_model": Operation(cat.update_model),
    "delete_model": Operation(cat.delete_model),
    "save_flow_config": Operation(cat.save_flow_config),
    "create_billing_rule": Operation(cat.create_billing_rule),
    "update_billing_rule": Operation(cat.update_billing_rule),
    # money: a department's own wallet is the organisation's to fund; its members' are its own
    "configure_client_balance": Operation(money.configure_balance),
    "configure_member_balance": Operation(money.configure_balance, whole_org=False),
    "balance_transaction": Operation(money.balance_transaction),
    "member_balance_transaction": Operation(money.balance_transaction, whole_org=False),
    "transfer_to_member": Operation(money.transfer_to_member, whole_org=False),
    "create_subscription": Operation(money.create_subscription),
    "create_member_subscription": Operation(money.create_subscription, whole_org=False),
    "stop_subscription": Operation(money.stop_subscription),
    "stop_member_subscription": Operation(money.stop_subscription, whole_org=False),
}


def apply(draft: Draft, name: str, args: dict[str, Any], at: int) -> Any:
    """Run one operation on the draft; Refused if it cannot be (the draft is then to be dropped)."""
    op = OPERATIONS.get(name)
    if op is None:
        raise Refused("operation", f"{name!r} is not an operation of the directory")
    if op.whole_org and args.get("scope") is not None:
        raise Refused("scope", "a department-scoped account may change only its departments' members and API "
                               "keys", denied=True)
    result = op.run(draft, args, at)
    draft.serials["operations"] = draft.serials.get("operations", 0) + 1  # how many the world holds
    return result


def replay(base: Scenario, operations: Iterable[tuple[str, dict[str, Any], int]]) -> Scenario:
    """The scenario after `operations` in order, from `base`: one draft for them all, so that
    replaying thousands costs each once. An operation that no longer applies raises Refused."""
    draft = Draft(base)
    for name, args, at in operations:
        apply(draft, name, args, at)
    return draft.publish()
