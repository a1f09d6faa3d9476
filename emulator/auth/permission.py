"""Who may see what, as pure functions: organisation, RAM policy, department scope.

README: "Identity and permission".
"""

from __future__ import annotations

from functools import lru_cache

from emulator import errors
from emulator.auth.accounts import Account
from emulator.auth.policy import ACTION, RESOURCE, RequestContext, evaluate
from emulator.domain.query import Selection
from emulator.domain.scenario import Organization, Scenario
from emulator.errors import ApiError


def organization_of(account: Account, scenario: Scenario) -> Organization:
    if account.organization_id is None:
        raise ApiError(errors.ORG_NOT_EXIST)
    return scenario.organizations[account.organization_id]


def check_action(account: Account, ctx: RequestContext) -> None:
    """Explicit Deny or no Allow for the action → B.Permission.DeniedException."""
    if evaluate(account.policies, ACTION, RESOURCE, ctx) != "Allow":
        raise ApiError(errors.PERMISSION_DENIED)


def visible_departments(account: Account, org: Organization) -> tuple[int, ...]:
    """The departments a request without a department filter covers."""
    return org.department_ids if account.department_ids is None else account.department_ids


def check_scope(account: Account, sel: Selection) -> None:
    """A department-scoped account may name only its own departments."""
    if account.department_ids is None or sel.department_ids is None:
        return
    outside = [d for d in sel.department_ids if d not in account.department_ids]
    if outside:
        raise ApiError(errors.PERMISSION_DENIED)


@lru_cache(maxsize=1024)
def scope_bytes(account: Account, org: Organization) -> bytes:
    """What page tokens bind besides the query: the organisation and the visible departments."""
    return f"{org.id}|{','.join(map(str, visible_departments(account, org)))}".encode()
