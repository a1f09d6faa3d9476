"""Accounts from the fixture file: AccessKey pairs, organisation, scope and policies."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.auth.policy import Policy, PolicyError, parse_policy
from emulator.domain.fixture import AccountSpec
from emulator.domain.scenario import Scenario, ScenarioError


@dataclass(frozen=True, eq=False)  # identity hash: accounts are cache keys on every request
class Account:
    name: str
    description: str
    access_key_id: str
    access_key_secret: str = ""
    organization_id: int | None = None
    department_ids: tuple[int, ...] | None = None  # None: the whole organisation
    policies: tuple[Policy, ...] = ()

    def __repr__(self) -> str:  # never print the secret
        return f"Account(name={self.name!r}, access_key_id={self.access_key_id!r})"

    def secret_matches(self, candidate: str) -> bool:
        return hmac.compare_digest(self.access_key_secret.encode(), candidate.encode())

    def public(self) -> dict[str, Any]:
        """What `GET /_emulator/accounts` lists: development credentials, by design."""
        return {
            "name": self.name,
            "description": self.description,
            "accessKeyId": self.access_key_id,
            "accessKeySecret": self.access_key_secret,
            "organizationId": self.organization_id,
            "departmentIds": list(self.department_ids) if self.department_ids is not None else None,
            "policies": [p.name for p in self.policies],
        }


class AccountBook:
    """The accounts, looked up by AccessKey id; `default` is who an unsigned request acts as."""

    def __init__(self, accounts: tuple[Account, ...], default: Account) -> None:
        self.accounts = accounts
        self.default = default
        self._by_ak: Mapping[str, Account] = {a.access_key_id: a for a in accounts}

    def by_access_key(self, access_key_id: str) -> Account | None:
        return self._by_ak.get(access_key_id)

    def named(self, name: str) -> Account:
        return next(a for a in self.accounts if a.name == name)


def load_accounts(scenario: Scenario) -> AccountBook:
    """The `policies` and `accounts` of the fixture; any fault is a ScenarioError naming the file."""
    spec, where = scenario.spec, scenario.source
    try:
        named = {name: parse_policy(name, body) for name, body in spec.policies.items()}
    except PolicyError as exc:
        raise ScenarioError(f"{where}: {exc}") from exc
    accounts = [_account(i, raw, named, scenario) for i, raw in enumerate(spec.accounts)]
    seen: set[str] = set()
    for a in accounts:
        if a.access_key_id in seen:
            raise ScenarioError(f"{where}: AccessKey id {a.access_key_id} is used by two accounts")
        seen.add(a.access_key_id)
    default_name = spec.defaultAccount or accounts[0].name
    default = next((a for a in accounts if a.name == default_name), None)
    if default is None:
        raise ScenarioError(f"{where}: defaultAccount {default_name!r} is not an account")
    return AccountBook(tuple(accounts), default)


def _account(i: int, raw: AccountSpec, named: Mapping[str, Policy], scenario: Scenario) -> Account:
    def fail(why: str) -> ScenarioError:
        return ScenarioError(f"{scenario.source}: account {i} ({raw.name}): {why}")

    org = raw.organizationId
    if org is not None and org not in scenario.organizations:
        raise fail(f"organizationId {org} is not an organization of the scenario")
    deps = None
    if raw.departmentIds is not None:
        if org is None:
            raise fail("departmentIds needs an organizationId")
        for dep in raw.departmentIds:
            if scenario.departments.get(dep) is None or scenario.departments[dep].organization_id != org:
                raise fail(f"department {dep} is not in organization {org}")
        deps = tuple(raw.departmentIds)
    policies = []
    for j, p in enumerate(raw.policies):
        if isinstance(p, str):
            if p not in named:
                raise fail(f"names policy {p!r}, which \"policies\" does not define")
            policies.append(named[p])
        else:
            try:
                policies.append(parse_policy(f"{raw.name}#inline{j}", p))
            except PolicyError as exc:
                raise fail(str(exc)) from exc
    return Account(raw.name, raw.description, raw.accessKeyId, raw.accessKeySecret, org, deps, tuple(policies))
