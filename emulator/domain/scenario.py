"""The scenario: catalogue, organisations, departments, members and API keys (CONTRACT §6).

Read from the fixture file at run time. Names the file leaves open come from Faker seeded with
the emulator's seed (resolved on first use); activity levels the file leaves open come from the
same seed. Nothing
depends on Python's salted `hash()`.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from emulator.domain.metrics import MODEL_TYPES, PRICEABLE, ModelType

MINOR_PER_YUAN = 10_000  # amounts are kept in 0.0001 元


class ScenarioError(ValueError):
    """The fixture file is not a scenario the emulator can serve; the message says where."""


@dataclass(frozen=True, eq=False)  # identity hash: the usage caches key on it
class Model:
    id: int
    code: str
    name: str
    type: ModelType
    prices: tuple[tuple[str, Fraction], ...]  # (drawn metric, minor units per unit of it)
    popularity: int  # permille: scales every key's use of this model
    price_list: tuple[tuple[str, str, int], ...] = ()  # (metric, yuan, per) as the fixture states them

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id, "code": self.code, "name": self.name, "type": self.type.name,
            "columns": [c.key for c in self.type.columns],
            "prices": {m: {"yuan": yuan, "per": per} for m, yuan, per in self.price_list},
        }


@dataclass(frozen=True, eq=False)
class ApiKey:
    id: int
    name: str
    department_id: int
    member_id: int | None  # None: a department-level key
    calls_per_day: int  # weekday baseline before model popularity, trend and noise


@dataclass(frozen=True)
class Member:
    id: int
    name: str | None  # None: left open by the file, see Scenario.name_of
    department_id: int


@dataclass(frozen=True)
class Department:
    id: int
    name: str | None
    parent_id: int | None
    organization_id: int


@dataclass(frozen=True)
class Organization:
    id: int
    name: str | None
    department_ids: tuple[int, ...]


@dataclass(frozen=True)
class Scenario:
    models: Mapping[int, Model]
    organizations: Mapping[int, Organization]
    departments: Mapping[int, Department]
    members: Mapping[int, Member]
    api_keys: Mapping[int, ApiKey]
    raw: Mapping[str, Any]  # the whole document, for the parts other modules own (accounts)
    digest: bytes  # identifies seed + file content; binds page tokens to this scenario
    seed: int = 0
    _names: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)

    def name_of(self, entity: Organization | Department | Member) -> str:
        """The entity's name; names the file leaves open come from Faker seeded with the seed.

        Resolved all at once, in file order, on first use: Faker costs a noticeable part of a
        second to load and only `/_emulator/scenario` shows names.
        """
        if entity.name is not None:
            return entity.name
        if not self._names:
            from faker import Faker
            fake = Faker("zh_CN")
            fake.seed_instance(self.seed)
            for kind, items, suffix in (("organization", self.organizations.values(), "公司"),
                                        ("department", self.departments.values(), "部"),
                                        ("member", self.members.values(), "")):
                for item in items:
                    if item.name is None:
                        self._names[(kind, item.id)] = fake.name() if kind == "member" else fake.word() + suffix
        return self._names[(type(entity).__name__.lower(), entity.id)]

    def keys_of_department(self, department_id: int) -> tuple[ApiKey, ...]:
        return tuple(k for k in self.api_keys.values() if k.department_id == department_id)

    def public(self) -> dict[str, Any]:
        """What `GET /_emulator/scenario` shows a test author."""
        return {
            "models": [m.public() for m in self.models.values()],
            "organizations": [
                {
                    "id": o.id, "name": self.name_of(o),
                    "departments": [self._public_department(d) for d in o.department_ids],
                }
                for o in self.organizations.values()
            ],
        }

    def _public_department(self, dep_id: int) -> dict[str, Any]:
        d = self.departments[dep_id]
        return {
            "id": d.id, "name": self.name_of(d), "parentId": d.parent_id,
            "members": [{"id": m.id, "name": self.name_of(m)} for m in self.members.values()
                        if m.department_id == d.id],
            "apiKeys": [{"id": k.id, "name": k.name, "memberId": k.member_id, "callsPerDay": k.calls_per_day}
                        for k in self.keys_of_department(d.id)],
        }


def default_fixture_path() -> Path:
    """The built-in scenario: shipped in the package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "fixtures" / "default.json", here.parent / "fixtures" / "default.json"):
        if candidate.is_file():
            return candidate
    raise ScenarioError("the built-in scenario fixtures/default.json is missing from this installation")


def load_scenario(path: str | Path | None, seed: int) -> Scenario:
    path = Path(path) if path else default_fixture_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read fixture file {path}: {exc.strerror}") from exc
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"fixture file {path} is not valid JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise ScenarioError(f"fixture file {path}: the top level must be an object")
    digest = hashlib.sha256(b"%d\0" % seed + data).digest()
    return _Builder(doc, seed, str(path)).build(digest)


class _Builder:
    """Turns the parsed document into a Scenario, checking ids and references as it goes."""

    def __init__(self, doc: dict[str, Any], seed: int, where: str) -> None:
        self.doc, self.seed, self.where = doc, seed, where
        self.rng = random.Random(seed)  # seeded, never salted: the scenario's only randomness

    def fail(self, what: str) -> ScenarioError:
        return ScenarioError(f"fixture file {self.where}: {what}")

    def name(self, given: Any, kind: str) -> str | None:
        """A name the file fixes, or None: left open, resolved later by `Scenario.name_of`."""
        if given is None or (isinstance(given, str) and given):
            return given
        raise self.fail(f"a {kind} name must be a non-empty string, got {given!r}")

    def build(self, digest: bytes) -> Scenario:
        models = {m.id: m for m in (self.model(x) for x in self.list(self.doc, "models"))}
        if len(models) != len(self.doc["models"]):
            raise self.fail("model ids must be unique")
        orgs: dict[int, Organization] = {}
        deps: dict[int, Department] = {}
        members: dict[int, Member] = {}
        keys: dict[int, ApiKey] = {}
        for o in self.list(self.doc, "organizations"):
            org_id = self.int_field(o, "id", "organization")
            if org_id in orgs:
                raise self.fail(f"organization id {org_id} is used twice")
            dep_ids = []
            for d in self.list(o, "departments"):
                dep = Department(self.int_field(d, "id", "department"), self.name(d.get("name"), "department"),
                                 d.get("parentId"), org_id)
                if dep.id in deps:
                    raise self.fail(f"department id {dep.id} is used twice")
                deps[dep.id] = dep
                dep_ids.append(dep.id)
                for m in d.get("members", []):
                    mem = Member(self.int_field(m, "id", "member"), self.name(m.get("name"), "member"), dep.id)
                    if mem.id in members:
                        raise self.fail(f"member id {mem.id} is used twice")
                    members[mem.id] = mem
                for k in d.get("apiKeys", []):
                    key = self.api_key(k, dep.id)
                    if key.id in keys:
                        raise self.fail(f"API key id {key.id} is used twice")
                    keys[key.id] = key
            orgs[org_id] = Organization(org_id, self.name(o.get("name"), "organization"), tuple(dep_ids))
        for dep in deps.values():
            parent = deps.get(dep.parent_id) if dep.parent_id is not None else None
            if dep.parent_id is not None and (parent is None or parent.organization_id != dep.organization_id):
                raise self.fail(f"department {dep.id} names parent {dep.parent_id}, "
                                "not a department of its organization")
        for key in keys.values():
            if key.member_id is not None and members.get(key.member_id, None) is None:
                raise self.fail(f"API key {key.id} names member {key.member_id}, which does not exist")
            if key.member_id is not None and members[key.member_id].department_id != key.department_id:
                raise self.fail(f"API key {key.id} belongs to member {key.member_id} of another department")
        return Scenario(models, orgs, deps, members, keys, self.doc, digest, self.seed)

    def list(self, obj: Any, field: str) -> list[dict[str, Any]]:
        value = obj.get(field) if isinstance(obj, dict) else None
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise self.fail(f'"{field}" must be a list of objects')
        return value

    def int_field(self, obj: dict[str, Any], field: str, kind: str) -> int:
        value = obj.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < 2**63:
            raise self.fail(f"every {kind} needs a positive integer {field!r}, got {value!r}")
        return value

    def model(self, m: dict[str, Any]) -> Model:
        model_id = self.int_field(m, "id", "model")
        type_name = m.get("type")
        if type_name not in MODEL_TYPES:
            raise self.fail(f"model {model_id}: type must be one of {sorted(MODEL_TYPES)}, got {type_name!r}")
        mtype = MODEL_TYPES[type_name]
        prices, price_list = [], []
        for metric, spec in (m.get("prices") or {}).items():
            if metric not in mtype.drawn:
                raise self.fail(f"model {model_id}: a {type_name} model cannot be priced by {metric!r} "
                                f"(choose from {', '.join(sorted(set(mtype.drawn) & PRICEABLE))})")
            prices.append((metric, self.price(model_id, metric, spec)))
            price_list.append((metric, str(spec["yuan"]), int(spec.get("per", 1))))
        if not prices:
            raise self.fail(f"model {model_id}: needs at least one price")
        popularity = m.get("popularity", 1000)
        if not isinstance(popularity, int) or popularity < 0:
            raise self.fail(f"model {model_id}: popularity must be a non-negative integer (permille)")
        code, name = m.get("code"), m.get("name")
        if not isinstance(code, str) or not code or not isinstance(name, str) or not name:
            raise self.fail(f"model {model_id}: code and name must be non-empty strings")
        return Model(model_id, code, name, mtype, tuple(prices), popularity, tuple(price_list))

    def price(self, model_id: int, metric: str, spec: Any) -> Fraction:
        """`{"yuan": "0.0008", "per": 1000}` → minor units per single unit, exactly."""
        try:
            yuan = Decimal(str(spec["yuan"]))
            per = int(spec.get("per", 1))
            if not yuan.is_finite() or yuan < 0 or per < 1:
                raise ValueError
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
            raise self.fail(f'model {model_id}: price of {metric} must look like '
                            '{"yuan": "0.0008", "per": 1000}') from exc
        return Fraction(yuan) * MINOR_PER_YUAN / per

    def api_key(self, k: dict[str, Any], dep_id: int) -> ApiKey:
        key_id = self.int_field(k, "id", "API key")
        member_id = k.get("memberId")
        calls = k.get("callsPerDay")
        if calls is None:
            calls = self.rng.randrange(150, 3000)
        elif not isinstance(calls, int) or calls < 0:
            raise self.fail(f"API key {key_id}: callsPerDay must be a non-negative integer")
        name = k.get("name") or f"key-{key_id}"
        return ApiKey(key_id, str(name), dep_id, member_id, calls)
