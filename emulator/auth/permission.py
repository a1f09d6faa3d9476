"""Who may see what, as pure functions: organisation, RAM policy, department scope.

README: "Identity and permission".
"""

from __future__ import annotations

from functools import lru_cache

from emulator import errors
from emulator.auth.accounts import Account
from emulator.auth.policy import RESOURCE, RequestContext, evaluate
from emulator.domain.query import Filters
from emulator.domain.scenario import Organization, Scenario


def organization_of(account: Account, scenario: Scenario) -> Organization:
    if account.organization_id is None:
        raise errors.rejected(errors.ORG_NOT_EXIST, f"the account {account.name} has no organization")
    return scenario.organizations[account.organization_id]


def check_action(account: Account, action: str, ctx: RequestContext) -> None:
    """Explicit Deny or no Allow for the action → B.Permission.DeniedException."""
    decision = evaluate(account.policies, action, RESOURCE, ctx)
    if decision != "Allow":
        why = "an explicit Deny" if decision == "Deny" else "no Allow"
        raise errors.rejected(errors.PERMISSION_DENIED,
                              f"{why} for {action} in the policies of {account.name} "
                              f"({', '.join(p.name for p in account.policies) or 'none'})")


def visible_departments(account: Account, org: Organization) -> tuple[int, ...]:
    """The departments a request without a department filter covers."""
    return org.department_ids if account.department_ids is None else account.department_ids


def check_scope(account: Account, sel: Filters) -> None:
    """A department-scoped account may name only its own departments."""
    if account.department_ids is None or sel.department_ids is None:
        return
    outside = [d for d in sel.department_ids if d not in account.department_ids]
    if outside:
        raise errors.rejected(errors.PERMISSION_DENIED,
                              f"department {outside[0]} is outside the scope of {account.name} "
                              f"(departments {', '.join(map(str, account.department_ids))})")


@lru_cache(maxsize=1024)
def scope_bytes(account: Account, org: Organization) -> bytes:
    """What page tokens bind besides the query: the organisation and the visible departments."""
    return f"{org.id}|{','.join(map(str, visible_departments(account, org)))}".encode()


def department_in_scope(account: Account, department_id: int) -> None:
    """A department-scoped account may name only its own departments (a path's department id)."""
    if account.department_ids is not None and department_id not in account.department_ids:
        raise errors.rejected(errors.PERMISSION_DENIED,
                              f"department {department_id} is outside the scope of {account.name} "
                              f"(departments {', '.join(map(str, account.department_ids))})")
