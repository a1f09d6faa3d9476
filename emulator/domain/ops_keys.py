"""The directory's operations on API keys: create (a department's, a member's, a batch of
members'), enable and disable, renew, delete.

A key's `life` is when it accrues usage (`emulator.domain.life`): a key created at T lives from
T (until its expiry), one disabled at T stops at T, enabled again it resumes (until its expiry),
renewed its expiry moves, deleted it stops for good. A created key generates no usage of its own
(`calls_per_day` 0): what it spends comes from usage events. Times are Unix seconds, checked and
converted by the API layer; `at` is the data clock's now.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from emulator.domain.directory import Draft, Refused
from emulator.domain.life import ALWAYS, NEVER, Life
from emulator.domain.ops_directory import per_user
from emulator.domain.scenario import ApiKey, Member

Args = dict[str, Any]


def _base_life(key: ApiKey) -> Life:
    """The key's life as intervals (a fixture key no write touched: always, until its expiry)."""
    if key.life is not None:
        return key.life
    if not key.enabled:
        return Life(())
    return Life(((ALWAYS, key.expire_at if key.expire_at is not None else NEVER),))


def _future(at: int, expire: int | None) -> int | None:
    if expire is not None and expire <= at:
        raise Refused("expireAt", "must be later than the current time (the data clock's now)")
    return expire


def _new_key(d: Draft, dep_id: int, member: Member | None, name: str | None, expire: int | None, at: int) -> ApiKey:
    key_id = d.next_id("api_key", lambda: d.api_keys)
    key = ApiKey(key_id, name or f"key-{key_id}", dep_id, member.id if member else None, 0, True, expire,
                 Life(((at, expire if expire is not None else NEVER),)), created_at=at, modified_at=at,
                 discounts=d.departments[dep_id].key_discounts())
    d.api_keys[key_id] = key
    return key


def create_api_key(d: Draft, a: Args, at: int) -> int:
    """A department-level key; no clientId: the caller's first department (the default client)."""
    if a.get("clientId") is None:
        dep = d.default_department(a, "clientId")
    else:
        dep = d.department(a["org"], a["clientId"], "clientId")
    d.in_scope(a, dep.id, "clientId")
    return _new_key(d, dep.id, None, None, None, at).id


def create_member_api_key(d: Draft, a: Args, at: int) -> int:
    dep = d.department(a["org"], a["clientId"], "clientId")
    d.in_scope(a, dep.id, "clientId")
    m = d.member(a["org"], a["id"], "id")
    d.member_of(m, dep, "id")
    return _new_key(d, dep.id, m, a.get("name"), _future(at, a.get("expireAt")), at).id


def batch_create_member_api_keys(d: Draft, a: Args, at: int) -> dict[str, Any]:
    """One key for each listed member of the department; each member either gets one or fails
    with its reason (BatchOpResultDTO)."""
    dep = d.department(a["org"], a["id"], "id")
    d.in_scope(a, dep.id, "id")
    expire = _future(at, a.get("expireAt"))
    return per_user(d, {**a, "clientId": dep.id}, lambda m: _new_key(d, dep.id, m, a.get("name"), expire, at))


def _set_status(d: Draft, key: ApiKey, active: bool, at: int) -> None:
    if key.enabled == active:
        return  # already so: nothing changes, not even gmtModified
    life = _base_life(key).ended(at)
    if active:
        life = life.resumed(at, key.expire_at if key.expire_at is not None else NEVER)
    d.api_keys[key.id] = dataclasses.replace(key, enabled=active, life=life, modified_at=at)


def update_api_key_status(d: Draft, a: Args, at: int) -> dict[str, Any]:
    key = d.api_key(a["org"], a["id"])
    d.in_scope(a, key.department_id, "id")
    _set_status(d, key, a["status"] == "active", at)
    return {"id": key.id, "status": a["status"]}


def _member_keys(d: Draft, m: Member, dep_id: int) -> list[ApiKey]:
    return [k for k in d.api_keys.values() if k.member_id == m.id and k.department_id == dep_id
            and k.deleted_at is None]


def batch_disable_member_api_keys(d: Draft, a: Args, at: int) -> dict[str, Any]:
    """Every undeleted key of each listed member in the department disabled."""
    dep = d.department(a["org"], a["id"], "id")
    d.in_scope(a, dep.id, "id")

    def disable(m: Member) -> None:
        for k in _member_keys(d, m, dep.id):
            _set_status(d, k, False, at)
    return per_user(d, {**a, "clientId": dep.id}, disable)


def _renew(d: Draft, key: ApiKey, expire: int | None, at: int) -> ApiKey:
    life = _base_life(key).ended(at)
    if key.enabled:
        life = life.resumed(at, expire if expire is not None else NEVER)
    renewed = dataclasses.replace(key, expire_at=expire, life=life, modified_at=at)
    d.api_keys[key.id] = renewed
    return renewed


def renew_api_key(d: Draft, a: Args, at: int) -> dict[str, Any]:
    """A new expiry (none: valid for ever), later than now; the status stays as it was [sdk]."""
    key = d.api_key(a["org"], a["id"])
    d.in_scope(a, key.department_id, "id")
    renewed = _renew(d, key, _future(at, a.get("expireAt")), at)
    return {"expireAt": renewed.expire_at, "id": key.id, "status": "active" if key.enabled else "disabled"}


def batch_renew_member_api_keys(d: Draft, a: Args, at: int) -> dict[str, Any]:
    """Every undeleted key of each listed member in the department renewed [sdk]."""
    dep = d.department(a["org"], a["id"], "id")
    d.in_scope(a, dep.id, "id")
    expire = _future(at, a.get("expireAt"))

    def renew(m: Member) -> None:
        for k in _member_keys(d, m, dep.id):
            _renew(d, k, expire, at)
    return per_user(d, {**a, "clientId": dep.id}, renew)


def delete_api_key(d: Draft, a: Args, at: int) -> bool:
    """Gone from the lists; it accrues nothing after `at`; its past stays in every figure."""
    key = d.api_key(a["org"], a["id"])
    d.in_scope(a, key.department_id, "id")
    d.api_keys[key.id] = dataclasses.replace(key, life=_base_life(key).ended(at), deleted_at=at, modified_at=at)
    return True
