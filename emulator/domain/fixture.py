"""The fixture file's declared shape: every malformed file is one clear message naming the field.

Validated before anything is built from it; cross-references (ids used twice, a key naming a
member of another department) are checked by the scenario builder. Unknown fields are refused,
so a misspelt `callPerDay` fails loudly instead of being ignored. Policies are checked by
`emulator.auth.policy` and usage events by `emulator.domain.events`, where they are understood.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from emulator.domain.metrics import MODEL_TYPES, WIRE_TYPES
from emulator.validation import validate

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Name = Annotated[str, Field(min_length=1, max_length=256)]


def _model_type(name: str) -> str:
    if name not in MODEL_TYPES:
        raise ValueError(f"must be one of {', '.join(MODEL_TYPES)}")
    return name


TypeName = Annotated[str, AfterValidator(_model_type)]


def _wire_type(name: str) -> str:
    if name not in WIRE_TYPES:
        raise ValueError(f"must be one of {', '.join(WIRE_TYPES)}")
    return name


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class PriceSpec(_Spec):
    yuan: Annotated[str, Field(min_length=1, max_length=40)] | int | float = Field(
        description='Yuan per `per` units, as text to keep it exact: "0.0008".')
    per: Annotated[int, Field(ge=1, le=10**12)] = 1


class TierSpec(_Spec):
    """One context tier of a tiered (Chat) price: the requests whose input is under `maxTokens`
    tokens (0: no limit, the last tier) and the share of the model's usage they carry."""

    maxTokens: Annotated[int, Field(ge=0, le=10**9)]
    share: Annotated[int, Field(ge=1, le=1000)] = Field(description="Permille of the usage in this tier.")
    prices: dict[str, PriceSpec] = Field(min_length=1)


Short = Annotated[str, Field(max_length=256)]


class ModelSpec(_Spec):
    id: Id
    code: Name
    name: Name
    type: TypeName
    modelType: Annotated[str, AfterValidator(_wire_type)] | None = None  # as the API names it: Chat, ...
    symbol: Name | None = None  # the vendor (ModelDTO.symbol); default: the code's leading letters
    popularity: Annotated[int, Field(ge=0, le=10**9)] = 1000  # permille
    prices: dict[str, PriceSpec] | None = Field(None, min_length=1)  # a flat price; or tiers
    tiers: Annotated[list[TierSpec], Field(min_length=1, max_length=16)] | None = None
    maxInputLength: Annotated[int, Field(ge=0, le=10**9)] | None = None
    maxOutputLength: Annotated[int, Field(ge=0, le=10**9)] | None = None
    description: Short = ""
    tags: Short = ""


class AuthorizationSpec(_Spec):
    """Which models a department or member may use: models by id, and model groups."""

    models: Annotated[list[Id], Field(max_length=1000)] = []
    modelGroups: Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=100)] = []


ROLES = ("member", "dept_admin")


def _role(code: str) -> str:
    if code not in ROLES:
        raise ValueError(f"must be one of {', '.join(ROLES)}")
    return code


class BalanceSpec(_Spec):
    """A wallet the fixture enables: its unit, opening balance (None: from the seed) and when."""

    balanceType: Literal["amount", "tokens"] = "amount"
    initialBalance: Annotated[str, Field(min_length=1, max_length=40)] | int | float | None = None  # 元 or tokens
    enabledAt: Annotated[str, Field(max_length=40)]  # ISO 8601 with an offset


class MemberSpec(_Spec):
    id: Id
    name: Name | None = None
    loginName: Name | None = None  # default: made from the seed
    phone: Annotated[str, Field(pattern=r"^[0-9+\- ]{5,20}$")] | None = None  # default: made from the seed
    role: Annotated[str, AfterValidator(_role)] = "member"  # in its department
    authorization: AuthorizationSpec | None = None  # None: the department's (authConfig inherit)
    balance: BalanceSpec | None = None  # None: its wallet starts disabled


class ApiKeySpec(_Spec):
    id: Id
    name: Name | None = None
    memberId: Id | None = None
    callsPerDay: Annotated[int, Field(ge=0)] | None = None
    enabled: bool = True
    expireAt: Annotated[str, Field(max_length=40)] | None = None  # ISO 8601 with an offset; None: never


class DepartmentSpec(_Spec):
    id: Id
    name: Name | None = None
    parentId: Id | None = None
    address: Short = ""
    contact: Short = ""
    remark: Short = ""
    authorization: AuthorizationSpec | None = None  # None: every model
    members: list[MemberSpec] = []
    apiKeys: list[ApiKeySpec] = []
    balance: BalanceSpec | None = None  # None: its wallet starts disabled


class ModelGroupSpec(_Spec):
    groupId: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")]
    name: Annotated[str, Field(min_length=1, max_length=50)]
    type: Literal["system", "manual"] = "manual"
    models: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class OrganizationSpec(_Spec):
    id: Id
    name: Name | None = None
    modelGroups: list[ModelGroupSpec] = []
    departments: list[DepartmentSpec]


class AccountSpec(_Spec):
    name: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[!-~]+$")]
    description: str = ""
    accessKeyId: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[!-~]+$")]
    accessKeySecret: Annotated[str, Field(min_length=1, max_length=256, pattern=r"^[!-~]+$")]
    organizationId: Id | None = None
    departmentIds: Annotated[list[Id], Field(min_length=1)] | None = None
    policies: list[Name | dict[str, Any]] = []


class FixtureSpec(_Spec):
    description: str | None = None
    defaultAccount: Name | None = None
    models: Annotated[list[ModelSpec], Field(min_length=1)]
    organizations: list[OrganizationSpec]
    policies: dict[Name, dict[str, Any]] = {}
    accounts: Annotated[list[AccountSpec], Field(min_length=1)]
    usageEvents: list[dict[str, Any]] = []


def check_fixture(doc: Any) -> FixtureSpec:
    """The document as a FixtureSpec; a malformed one raises FieldError naming the first field."""
    return validate(FixtureSpec, doc)
