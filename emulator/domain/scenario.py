"""The scenario: catalogue, organisations, departments, members and API keys (README "The data").

Read from the fixture file at run time. Names the file leaves open come from Faker seeded with
the emulator's seed (resolved on first use); activity levels the file leaves open come from the
same seed. Nothing depends on Python's salted `hash()`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from emulator.domain.clock import parse_instant
from emulator.domain.fixture import AuthorizationSpec, FixtureSpec, ModelSpec, PriceSpec, check_fixture
from emulator.domain.life import ALWAYS, NEVER, Life, hour_ceil
from emulator.domain.metrics import DEFAULT_LENGTHS, DEFAULT_WIRE_TYPES, MODEL_TYPES, PRICEABLE, ModelType
from emulator.domain.wallet import Wallet, fixture_wallets
from emulator.validation import FieldError, JsonNumber

MINOR_PER_YUAN = 10_000  # amounts are kept in 0.0001 元
MAX_DEPTH = 64  # how deep departments may nest


class ScenarioError(ValueError):
    """The fixture file is not a scenario the emulator can serve; the message says where."""


@dataclass(frozen=True)
class Authorization:
    """Which models a department or member may use: by id, and by model group."""

    model_ids: tuple[int, ...] = ()
    group_ids: tuple[str, ...] = ()

    def config(self) -> str:
        """As the API writes it (`allowedModelGroupConfig`): fixed underscore keys [sdk]."""
        return json.dumps({"model_ids": list(self.model_ids), "group_ids": list(self.group_ids)},
                          separators=(",", ":"))


@dataclass(frozen=True)
class Tier:
    """A context tier of a tiered price: usage of requests under `max_tokens` input tokens (0: no
    limit), `share` permille of the model's usage, priced by its own list."""

    max_tokens: int
    share: int
    price_list: tuple[tuple[str, str, int], ...]  # (metric, yuan, per)


@dataclass(frozen=True, eq=False)  # identity hash: the usage caches key on it
class Model:
    id: int
    code: str
    name: str
    type: ModelType
    prices: tuple[tuple[str, Fraction], ...]  # (drawn metric, minor units per unit of it)
    popularity: int  # permille: scales every key's use of this model
    price_list: tuple[tuple[str, str, int], ...] = ()  # (metric, yuan, per) as the fixture states them
    wire_type: str = ""  # the model type as the API names it: Chat, ImageGeneration, ...
    symbol: str = ""  # the vendor, as ModelDTO.symbol names it
    tiers: tuple[Tier, ...] = ()  # a tiered price (prices is then their share-weighted mean)
    max_input_length: int = 0
    max_output_length: int = 0
    description: str = ""
    tags: str = ""
    epochs: tuple[tuple[int, tuple[tuple[str, Fraction], ...]], ...] = ()  # later prices: (from, prices)
    life: Life | None = None  # when it accrues usage (None: always); a deleted model's ends
    deleted_at: int | None = None
    created_at: int | None = None  # None: the fixture's
    modified_at: int | None = None
    enabled: bool = True  # UpdateModel's status (ModelDTO.deleteTag 0 when enabled)
    in_out: str = ""  # as written by CreateModel ("" : the kind's)
    extensions: str = ""
    base_url: str = ""
    api_key_preview: str = ""  # the provider key, masked: the key itself is never kept
    custom: bool = False  # created through the API
    organization_id: int | None = None  # the organisation that created it; None: the fixture's catalogue

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id, "code": self.code, "name": self.name, "type": self.type.name, "modelType": self.wire_type,
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
    enabled: bool = True
    expire_at: int | None = None  # Unix seconds; None: never
    life: Life | None = None  # when it accrues usage (None: always, a fixture key no write touched)
    created_at: int | None = None  # None: the fixture's
    deleted_at: int | None = None
    modified_at: int | None = None
    # its department's discounts: (from, discount) from the first whole hour at or after each change
    discounts: tuple[tuple[int, Fraction], ...] = ()


@dataclass(frozen=True)
class Member:
    id: int
    name: str | None  # None: left open by the file, see Scenario.name_of
    department_id: int
    login_name: str | None = None  # None: made from the seed (Scenario.login_of)
    phone: str | None = None  # None: made from the seed (Scenario.phone_of)
    role: str = "member"  # in its department: member or dept_admin
    authorization: Authorization | None = None  # None: the department's (authConfig "inherit")
    roles: tuple[tuple[int, str], ...] = ()  # (department, role) of every department it is in; () : its own
    created_at: int | None = None
    deleted_at: int | None = None

    def memberships(self) -> tuple[tuple[int, str], ...]:
        return self.roles or ((self.department_id, self.role),)


@dataclass(frozen=True)
class Department:
    id: int
    name: str | None
    parent_id: int | None
    organization_id: int
    address: str = ""
    contact: str = ""
    remark: str = ""
    authorization: Authorization | None = None  # None: every model
    discount: Fraction = Fraction(1)
    discounts: tuple[tuple[int, Fraction, str], ...] = ()  # (when, discount, remark) of each change
    status: int = 1
    created_at: int | None = None
    modified_at: int | None = None
    deleted_at: int | None = None

    def key_discounts(self) -> tuple[tuple[int, Fraction], ...]:
        """The discounts as the department's keys carry them (`ApiKey.discounts`): each from the
        first whole hour at or after it was set, since amounts are hourly; a later change within
        the same hour replaces it, and one that changes nothing is no epoch."""
        by_hour: dict[int, Fraction] = {}
        for at, value, _ in sorted(self.discounts, key=lambda c: c[0]):  # (a clock set back writes out of order)
            by_hour[hour_ceil(at)] = value
        epochs: list[tuple[int, Fraction]] = []
        last = Fraction(1)
        for start, value in sorted(by_hour.items()):
            if value != last:
                epochs.append((start, value))
                last = value
        return tuple(epochs)


@dataclass(frozen=True)
class ModelGroup:
    id: str  # "mg_…"
    name: str
    type: str  # system | manual
    model_ids: tuple[int, ...]
    organization_id: int
    created_at: int | None = None
    modified_at: int | None = None


@dataclass(frozen=True)
class BillingRule:
    """A price set through the API (CreateBillingRule, UpdateBillingRule): the fixture's prices
    are rules too, derived from the catalogue, with the model's id."""

    id: int
    model_id: int
    billing_type: str
    config: str  # the pricingConfig, JSON text (keys sorted)
    effective_at: int  # in force from the first whole hour at or after it (ALWAYS: the fixture's)
    expire_at: int  # until the first whole hour at or after it (NEVER: no end)
    version: int
    status: int
    created_at: int
    modified_at: int


@dataclass(frozen=True)
class FlowConfig:
    id: int
    model_id: int
    rpm: int
    tpm: int
    smooth: bool
    created_at: int
    modified_at: int


@dataclass(frozen=True)
class Organization:
    id: int
    name: str | None
    department_ids: tuple[int, ...]
    model_group_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    models: Mapping[int, Model]
    organizations: Mapping[int, Organization]
    departments: Mapping[int, Department]
    members: Mapping[int, Member]
    api_keys: Mapping[int, ApiKey]
    model_groups: Mapping[str, ModelGroup]
    spec: FixtureSpec  # the validated file, for the parts other modules own (accounts, events)
    digest: bytes  # identifies seed + file content; binds page tokens to this scenario
    seed: int = 0
    source: str = "fixture file"  # how messages name the file
    rules: Mapping[int, BillingRule] = field(default_factory=dict)  # set through the API
    flows: Mapping[int, FlowConfig] = field(default_factory=dict)  # by model
    serials: Mapping[str, int] = field(default_factory=dict)  # how many of a kind writes have made
    wallets: Mapping[tuple[int, int], Wallet] = field(default_factory=dict)  # (department, member or 0)
    idempotency: Mapping[tuple[int, str], tuple[Any, ...]] = field(default_factory=dict)  # (org, key): what it did
    generation: int = 0  # which published directory this is: never reused in a process (cache keys)
    _names: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)
    _contacts: dict[int, tuple[str, str]] = field(default_factory=dict, compare=False, repr=False)
    _fakers: list[Any] = field(default_factory=list, compare=False, repr=False)  # one Faker, made on first use

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

    def login_of(self, member: Member) -> str:
        return member.login_name if member.login_name is not None else self._contact(member)[0]

    def phone_of(self, member: Member) -> str:
        return member.phone if member.phone is not None else self._contact(member)[1]

    def _contact(self, member: Member) -> tuple[str, str]:
        """(login name, phone) the file leaves open: from a Faker of their own, seeded with the
        seed and the member's id, so names stay what they were and one member's do not depend
        on the others'."""
        found = self._contacts.get(member.id)
        if found is None:
            if not self._fakers:
                from faker import Faker
                self._fakers.append(Faker("zh_CN"))
            fake = self._fakers[0]
            fake.seed_instance(self.seed * 1_000_003 + member.id)
            found = self._contacts[member.id] = (f"{fake.user_name()}{member.id}", fake.phone_number())
        return found

    # The directory's reads see what is not deleted; the figures see everything (history).
    def keys_of_department(self, department_id: int) -> tuple[ApiKey, ...]:
        return self._index[0].get(department_id, ())

    def members_of_department(self, department_id: int) -> tuple[Member, ...]:
        """The members of a department: those with a role in it."""
        return self._index[1].get(department_id, ())

    def children_of(self, department_id: int) -> tuple[Department, ...]:
        return self._index[2].get(department_id, ())

    def keys_of_wallets(self) -> dict[int, tuple[ApiKey, ...]]:
        """Every key of each department, the deleted ones too (their past is charged)."""
        return self._all_keys

    @functools.cached_property
    def _all_keys(self) -> dict[int, tuple[ApiKey, ...]]:
        out: dict[int, list[ApiKey]] = {}
        for k in self.api_keys.values():
            out.setdefault(k.department_id, []).append(k)
        return {d: tuple(ks) for d, ks in out.items()}

    @functools.cached_property
    def discounted(self) -> bool:
        """Whether some key's department gives a discount (or gave one)."""
        return any(k.discounts for k in self.api_keys.values())

    @functools.cached_property
    def selections(self) -> dict[Any, Any]:
        """Key selections already made of this directory (`emulator.domain.query.select_keys`)."""
        return {}

    @functools.cached_property
    def _index(self) -> tuple[dict[int, tuple[ApiKey, ...]], dict[int, tuple[Member, ...]],
                              dict[int, tuple[Department, ...]]]:
        """Undeleted keys, members and sub-departments by department, made once per directory."""
        keys: dict[int, list[ApiKey]] = {}
        for k in self.api_keys.values():
            if k.deleted_at is None:
                keys.setdefault(k.department_id, []).append(k)
        members: dict[int, list[Member]] = {}
        for m in self.members.values():
            if m.deleted_at is None:
                for dep_id, _ in m.memberships():
                    members.setdefault(dep_id, []).append(m)
        children: dict[int, list[Department]] = {}
        for d in self.departments.values():
            if d.deleted_at is None and d.parent_id is not None:
                children.setdefault(d.parent_id, []).append(d)
        return ({i: tuple(v) for i, v in keys.items()}, {i: tuple(v) for i, v in members.items()},
                {i: tuple(v) for i, v in children.items()})

    @property
    def catalogue_owner(self) -> int:
        """The organisation whose administrators change the fixture's catalogue (its models'
        names, status, flow control and prices): the fixture's first [choice]. The others use it."""
        return self.spec.organizations[0].id

    def sees_model(self, model: Model, org: int) -> bool:
        """Whether an organisation sees a model: the fixture's catalogue, or one it created."""
        return model.organization_id is None or model.organization_id == org

    @functools.cached_property
    def created_models(self) -> bool:
        """Whether any organisation created a model (else every one sees the whole catalogue)."""
        return any(m.organization_id is not None for m in self.models.values())

    def models_allowed(self, auth: Authorization | None) -> tuple[int, ...]:
        """The model ids an authorization allows, in catalogue order (None: every model)."""
        if auth is None:
            return tuple(self.models)
        wanted = set(auth.model_ids)
        for gid in auth.group_ids:
            group = self.model_groups.get(gid)
            if group is not None:
                wanted.update(group.model_ids)
        return tuple(m for m in self.models if m in wanted)

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


def _authorization(spec: AuthorizationSpec | None) -> Authorization | None:
    if spec is None:
        return None
    return Authorization(tuple(dict.fromkeys(spec.models)), tuple(dict.fromkeys(spec.modelGroups)))


def default_fixture_path() -> Path:
    """The built-in scenario: shipped in the package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "fixtures" / "default.json", here.parent / "fixtures" / "default.json"):
        if candidate.is_file():
            return candidate
    raise ScenarioError("the built-in scenario fixtures/default.json is missing from this installation")


def load_scenario(path: str | Path | None, seed: int) -> Scenario:
    """The scenario of a fixture file; anything wrong with it is one ScenarioError naming the file."""
    path = Path(path) if path else default_fixture_path()
    where = f"fixture file {path}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read {where}: {exc.strerror}") from exc
    try:
        doc = json.loads(data, parse_float=JsonNumber)
    except RecursionError:
        raise ScenarioError(f"{where} nests too deeply") from None
    except ValueError as exc:  # JSON and UTF-8 errors
        raise ScenarioError(f"{where} is not valid JSON: {exc}") from None
    try:
        spec = check_fixture(doc)
    except FieldError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    digest = hashlib.sha256(b"%d\0" % seed + data).digest()
    return _Builder(spec, seed, where).build(digest)


class _Builder:
    """Turns the validated file into a Scenario, checking ids and references as it goes."""

    def __init__(self, spec: FixtureSpec, seed: int, where: str) -> None:
        self.spec, self.seed, self.where = spec, seed, where
        self.rng = random.Random(seed)  # seeded, never salted: the scenario's only randomness

    def fail(self, what: str) -> ScenarioError:
        return ScenarioError(f"{self.where}: {what}")

    def build(self, digest: bytes) -> Scenario:
        models: dict[int, Model] = {}
        for m in self.spec.models:
            if m.id in models:
                raise self.fail(f"model id {m.id} is used twice")
            models[m.id] = self.model(m)
        orgs: dict[int, Organization] = {}
        deps: dict[int, Department] = {}
        members: dict[int, Member] = {}
        keys: dict[int, ApiKey] = {}
        for o in self.spec.organizations:
            if o.id in orgs:
                raise self.fail(f"organization id {o.id} is used twice")
            for d in o.departments:
                if d.id in deps:
                    raise self.fail(f"department id {d.id} is used twice")
                deps[d.id] = Department(d.id, d.name, d.parentId, o.id, d.address, d.contact, d.remark,
                                        _authorization(d.authorization))
                for mem in d.members:
                    if mem.id in members:
                        raise self.fail(f"member id {mem.id} is used twice")
                    members[mem.id] = Member(mem.id, mem.name, d.id, mem.loginName, mem.phone, mem.role,
                                             _authorization(mem.authorization))
                for k in d.apiKeys:
                    if k.id in keys:
                        raise self.fail(f"API key id {k.id} is used twice")
                    calls = k.callsPerDay if k.callsPerDay is not None else self.rng.randrange(150, 3000)
                    expire = None
                    if k.expireAt is not None:
                        try:
                            expire = parse_instant(k.expireAt, "expireAt")
                        except FieldError as exc:
                            raise self.fail(f"API key {k.id}: {exc.reason}") from None
                    # A disabled key of the file accrues nothing; one that expires, nothing after.
                    life = None if k.enabled and expire is None else \
                        Life(((ALWAYS, expire if expire is not None else NEVER),) if k.enabled else ())
                    keys[k.id] = ApiKey(k.id, k.name or f"key-{k.id}", d.id, k.memberId, calls, k.enabled, expire,
                                        life)
            orgs[o.id] = Organization(o.id, o.name, tuple(d.id for d in o.departments))
        for dep in deps.values():
            parent = deps.get(dep.parent_id) if dep.parent_id is not None else None
            if dep.parent_id is not None and (parent is None or parent.organization_id != dep.organization_id):
                raise self.fail(f"department {dep.id} names parent {dep.parent_id}, "
                                "not a department of its organization")
        self.check_tree(deps)
        for key in keys.values():
            if key.member_id is not None and key.member_id not in members:
                raise self.fail(f"API key {key.id} names member {key.member_id}, which does not exist")
            if key.member_id is not None and members[key.member_id].department_id != key.department_id:
                raise self.fail(f"API key {key.id} belongs to member {key.member_id} of another department")
        groups = self.model_groups(orgs, models)
        self.check_authorizations(deps, members, groups, models)
        return Scenario(models, orgs, deps, members, keys, groups, self.spec, digest, self.seed, self.where,
                        wallets=fixture_wallets(self.spec, self.seed, self.fail))

    def model_groups(self, orgs: dict[int, Organization], models: dict[int, Model]) -> dict[str, ModelGroup]:
        groups: dict[str, ModelGroup] = {}
        for o in self.spec.organizations:
            for g in o.modelGroups:
                if g.groupId in groups:
                    raise self.fail(f"model group {g.groupId} is used twice")
                unknown = [m for m in g.models if m not in models]
                if unknown:
                    raise self.fail(f"model group {g.groupId} names model {unknown[0]}, which is not in the catalogue")
                groups[g.groupId] = ModelGroup(g.groupId, g.name, g.type, tuple(dict.fromkeys(g.models)), o.id)
            orgs[o.id] = dataclasses.replace(orgs[o.id], model_group_ids=tuple(g.groupId for g in o.modelGroups))
        return groups

    def check_authorizations(self, deps: dict[int, Department], members: dict[int, Member],
                             groups: dict[str, ModelGroup], models: dict[int, Model]) -> None:
        for what, auth, org in ([(f"department {d.id}", d.authorization, d.organization_id) for d in deps.values()]
                                + [(f"member {m.id}", m.authorization, deps[m.department_id].organization_id)
                                   for m in members.values()]):
            if auth is None:
                continue
            for mid in auth.model_ids:
                if mid not in models:
                    raise self.fail(f"{what} is authorized for model {mid}, which is not in the catalogue")
            for gid in auth.group_ids:
                if gid not in groups or groups[gid].organization_id != org:
                    raise self.fail(f"{what} is authorized for model group {gid}, not a group of its organization")

    def check_tree(self, deps: dict[int, Department]) -> None:
        """Departments form a forest: no department is its own ancestor, and none nests deeper
        than MAX_DEPTH (the client tree is built by walking it)."""
        depth: dict[int, int] = {}
        for start in deps:
            path: list[int] = []
            node: int | None = start
            while node is not None and node not in depth:
                if node in path:
                    raise self.fail(f"department {node} is its own ancestor (parents {' → '.join(map(str, path))})")
                path.append(node)
                node = deps[node].parent_id
            level = depth[node] if node is not None else 0
            for dep_id in reversed(path):
                level += 1
                depth[dep_id] = level
                if level > MAX_DEPTH:
                    raise self.fail(f"department {dep_id} nests {level} deep; at most {MAX_DEPTH} levels")

    def model(self, m: ModelSpec) -> Model:
        mtype = MODEL_TYPES[m.type]
        if (m.prices is None) == (m.tiers is None):
            raise self.fail(f"model {m.id}: give prices or tiers (exactly one)")
        tiers: tuple[Tier, ...] = ()
        if m.tiers is not None:
            prices, tiers = self.tiered(m, mtype)
            price_list: list[tuple[str, str, int]] = []
        else:
            assert m.prices is not None
            prices, price_list = [], []
            for metric, spec in m.prices.items():
                self.check_metric(m, mtype, metric)
                prices.append((metric, self.price(m.id, metric, spec)))
                price_list.append((metric, str(spec.yuan), spec.per))
        leading = re.match(r"[A-Za-z]+", m.code)
        symbol = m.symbol or (leading.group() if leading else m.code)
        default_in, default_out = DEFAULT_LENGTHS[m.type]
        return Model(m.id, m.code, m.name, mtype, tuple(prices), m.popularity, tuple(price_list),
                     m.modelType or DEFAULT_WIRE_TYPES[m.type], symbol, tiers,
                     m.maxInputLength if m.maxInputLength is not None else default_in,
                     m.maxOutputLength if m.maxOutputLength is not None else default_out, m.description, m.tags)

    def check_metric(self, m: ModelSpec, mtype: ModelType, metric: str) -> None:
        if metric not in mtype.drawn:
            raise self.fail(f"model {m.id}: a {m.type} model cannot be priced by {metric!r} "
                            f"(choose from {', '.join(sorted(set(mtype.drawn) & PRICEABLE))})")

    def tiered(self, m: ModelSpec, mtype: ModelType) -> tuple[list[tuple[str, Fraction]], tuple[Tier, ...]]:
        """Tiers of a Chat price: shares summing to 1000, ascending limits, the last unlimited (0),
        each pricing the same metrics; the model's price is their share-weighted mean, exactly."""
        assert m.tiers is not None
        if m.type != "text":
            raise self.fail(f"model {m.id}: only text models are priced by tiers")
        if sum(t.share for t in m.tiers) != 1000:
            raise self.fail(f"model {m.id}: the tiers' shares must add up to 1000 (permille)")
        limits = [t.maxTokens for t in m.tiers]
        if limits[-1] != 0 or 0 in limits[:-1] or limits[:-1] != sorted(set(limits[:-1])):
            raise self.fail(f"model {m.id}: tiers need ascending maxTokens, the last one 0 (no limit)")
        metrics = set(m.tiers[0].prices)
        total: dict[str, Fraction] = {}
        tiers = []
        for t in m.tiers:
            if set(t.prices) != metrics:
                raise self.fail(f"model {m.id}: every tier must price the same metrics")
            for metric, spec in t.prices.items():
                self.check_metric(m, mtype, metric)
                total[metric] = total.get(metric, Fraction(0)) + self.price(m.id, metric, spec) * t.share / 1000
            tiers.append(Tier(t.maxTokens, t.share, tuple((k, str(v.yuan), v.per) for k, v in t.prices.items())))
        return list(total.items()), tuple(tiers)

    def price(self, model_id: int, metric: str, spec: PriceSpec) -> Fraction:
        """`{"yuan": "0.0008", "per": 1000}` → minor units per single unit, exactly."""
        try:
            yuan = Decimal(str(spec.yuan))
        except InvalidOperation:
            yuan = Decimal("NaN")
        if not yuan.is_finite() or yuan < 0 or abs(yuan.as_tuple().exponent) > 40:  # type: ignore[arg-type]
            raise self.fail(f'model {model_id}: price of {metric} must look like {{"yuan": "0.0008", "per": 1000}}, '
                            f"a non-negative decimal")
        return Fraction(yuan) * MINOR_PER_YUAN / spec.per
