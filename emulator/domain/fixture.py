"""The fixture file's declared shape: every malformed file is one clear message naming the field.

Validated before anything is built from it; cross-references (ids used twice, a key naming a
member of another department) are checked by the scenario builder. Unknown fields are refused,
so a misspelt `callPerDay` fails loudly instead of being ignored. Policies are checked by
`emulator.auth.policy` and usage events by `emulator.domain.events`, where they are understood.
"""

from __future__ import annotations

from typing import Annotated, Any

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


class ModelSpec(_Spec):
    id: Id
    code: Name
    name: Name
    type: TypeName
    modelType: Annotated[str, AfterValidator(_wire_type)] | None = None  # as the API names it: Chat, ...
    symbol: Name | None = None  # the vendor (ModelDTO.symbol); default: the code's leading letters
    popularity: Annotated[int, Field(ge=0, le=10**9)] = 1000  # permille
    prices: dict[str, PriceSpec] = Field(min_length=1)


class MemberSpec(_Spec):
    id: Id
    name: Name | None = None


class ApiKeySpec(_Spec):
    id: Id
    name: Name | None = None
    memberId: Id | None = None
    callsPerDay: Annotated[int, Field(ge=0)] | None = None


class DepartmentSpec(_Spec):
    id: Id
    name: Name | None = None
    parentId: Id | None = None
    members: list[MemberSpec] = []
    apiKeys: list[ApiKeySpec] = []


class OrganizationSpec(_Spec):
    id: Id
    name: Name | None = None
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
