"""The declared bodies of the directory's writes: the SDK's fields (same names; required where the
SDK or its comment says so), with the limits the SDK documents and the emulator's own [choice]
where it documents none. Times come in as the SDK writes them (RFC 3339; CreateMemberApiKey's
`yyyy-MM-dd HH:mm:ss`, Beijing time) and leave as Unix seconds; an authorization comes in as
the API's JSON text (or the legacy comma-separated model ids) and leaves as a dict.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field

from emulator.api.bodies import BODY_CONFIG
from emulator.api.kinds import INT32_MAX, INT64_MAX
from emulator.validation import Text

BEIJING = dt.timezone(dt.timedelta(hours=8))
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
BATCH = 50  # ids in one batch [sdk]


def _instant(raw: Any, pattern: re.Pattern[str], example: str, zone: dt.tzinfo | None) -> int:
    if not isinstance(raw, str) or len(raw) > 40 or not pattern.fullmatch(raw):
        raise ValueError(f"must be a time like {example}")
    try:
        parsed = dt.datetime.fromisoformat(raw.upper().replace("Z", "+00:00") if zone is None else raw)
    except ValueError:
        raise ValueError(f"must be a time like {example}") from None
    return int((parsed if zone is None else parsed.replace(tzinfo=zone)).timestamp())


def _rfc3339(raw: Any) -> int:
    return _instant(raw, _RFC3339, "2026-03-01T12:00:00+08:00 (RFC 3339)", None)


def _beijing(raw: Any) -> int:
    return _instant(raw, _LOCAL, "2026-03-01 12:00:00 (yyyy-MM-dd HH:mm:ss, Beijing time)", BEIJING)


def _id_list(raw: Any, field: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError(f"{field} must be a list")
    return raw


def _auth(raw: Any) -> dict[str, Any]:
    """allowedModelGroupConfig: {"model_ids":[...],"group_ids":["mg_…"]}, fixed keys [sdk]."""
    if not isinstance(raw, str) or len(raw) > 64 * 1024:
        raise ValueError('must be JSON text like {"model_ids":[1],"group_ids":["mg_chat"]}')
    try:
        doc = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise ValueError('must be JSON text like {"model_ids":[1],"group_ids":["mg_chat"]}') from None
    if not isinstance(doc, dict) or set(doc) - {"model_ids", "group_ids"}:
        raise ValueError('must be an object with model_ids and group_ids only')
    models, groups = doc.get("model_ids", []), doc.get("group_ids", [])
    if not isinstance(models, list) or not all(isinstance(m, int) and not isinstance(m, bool) and 0 < m <= INT64_MAX
                                               for m in models):
        raise ValueError("model_ids must be a list of model ids")
    if not isinstance(groups, list) or not all(isinstance(g, str) and 0 < len(g) <= 64 for g in groups):
        raise ValueError('group_ids must be a list of model group ids ("mg_…")')
    if len(models) + len(groups) > 1000:
        raise ValueError("names more than 1000 models and groups")
    return {"model_ids": models, "group_ids": groups}


def _models(raw: Any) -> dict[str, Any] | None:
    """allowedModels: comma-separated model ids; empty: every model [sdk]."""
    if not isinstance(raw, str) or len(raw) > 16 * 1024:
        raise ValueError("must be model ids separated by commas")
    if not raw.strip():
        return None
    parts = [p.strip() for p in raw.split(",")]
    if not all(p.isascii() and p.isdigit() and 0 < len(p) <= 18 and int(p) > 0 for p in parts):
        raise ValueError("must be model ids separated by commas, like 1,2,3")
    return {"model_ids": [int(p) for p in parts], "group_ids": []}


Rfc3339 = Annotated[int, BeforeValidator(_rfc3339)]
BeijingTime = Annotated[int, BeforeValidator(_beijing)]
AuthConfig = Annotated[dict[str, Any], BeforeValidator(_auth)]
AllowedModels = Annotated[dict[str, Any] | None, BeforeValidator(_models)]
Id = Annotated[int, Field(ge=1, le=INT64_MAX)]
Ids = Annotated[list[Id], Field(min_length=1, max_length=BATCH)]
Name = Annotated[Text, Field(min_length=1, max_length=64)]
Note = Annotated[Text, Field(max_length=256)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Digits = Annotated[Text, Field(max_length=10)]
Short = Annotated[Text, Field(max_length=128)]
Long = Annotated[Text, Field(max_length=4096)]
Secret = Annotated[Text, Field(min_length=1, max_length=512)]


class Body(BaseModel):
    model_config = BODY_CONFIG


# -- departments ------------------------------------------------------------------------------------
class CreateClientBody(Body):
    name: Name  # required [choice]: a department is listed by its name
    parentId: Id | None = None
    address: Note | None = None
    contact: Note | None = None
    remark: Note | None = None
    discount: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    allowedModelGroupConfig: AuthConfig | None = None
    allowedModels: AllowedModels = None


class UpdateClientBody(Body):
    name: Name | None = None
    address: Note | None = None
    contact: Note | None = None
    remark: Note | None = None
    discount: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] | None = None
    allowedModelGroupConfig: AuthConfig | None = None
    allowedModels: AllowedModels = None
    status: Annotated[int, Field(ge=0, le=1)] | None = None


class BatchBindModelGroupBody(Body):
    allowedModelGroupConfig: AuthConfig
    clientIdList: Ids


# -- members ----------------------------------------------------------------------------------------
class DepartmentRole(Body):
    clientId: Id
    roleCode: Annotated[str, Field(pattern="^(member|dept_admin)$")] = "member"


class CreateUserBody(Body):
    loginName: Name
    name: Annotated[Text, Field(min_length=2, max_length=20)]  # [sdk] 2 to 20 characters
    phone: Annotated[Text, Field(min_length=1, max_length=32)]  # [sdk comment] required
    departmentRoles: Annotated[list[DepartmentRole], Field(max_length=BATCH)] | None = None


class UpdateUserBody(Body):
    name: Annotated[Text, Field(min_length=2, max_length=20)] | None = None
    phone: Annotated[Text, Field(min_length=1, max_length=32)] | None = None


class SetUserRolesBody(Body):
    departmentRoles: Annotated[list[DepartmentRole], Field(min_length=1, max_length=BATCH)]  # [sdk] required


class SetMemberAuthorizationBody(Body):
    allowedModelGroupConfig: AuthConfig | None = None
    allowedModels: AllowedModels = None


class BatchSetMemberAuthorizationBody(Body):
    allowedModelGroupConfig: AuthConfig  # [sdk comment] required
    userIdList: Ids  # [sdk comment] required, 1 to 50


class UserIdsBody(Body):
    userIds: Ids


# -- API keys ---------------------------------------------------------------------------------------
class CreateApiKeyBody(Body):
    clientId: Id | None = None  # None: the default department [sdk]


class CreateMemberApiKeyBody(Body):
    expireAt: BeijingTime | None = None
    name: Name | None = None


class BatchCreateMemberApiKeysBody(Body):
    expireAt: Rfc3339 | None = None
    name: Name | None = None
    userIds: Ids


class UpdateApiKeyStatusBody(Body):
    status: Annotated[str, Field(pattern="^(active|disabled)$")]


class RenewApiKeyBody(Body):
    expireAt: Rfc3339 | None = None


class BatchRenewMemberApiKeysBody(Body):
    expireAt: Rfc3339 | None = None
    userIds: Ids


# -- model groups, models, flow control, prices -------------------------------------------------------
class CreateModelGroupBody(Body):
    name: Annotated[Text, Field(min_length=1, max_length=50)]  # [sdk] 1 to 50, unique (case-insensitive)
    modelList: Annotated[list[Id], Field(min_length=1, max_length=1000)]


class UpdateModelGroupBody(Body):
    name: Annotated[Text, Field(min_length=1, max_length=50)]
    modelList: Annotated[list[Id], Field(max_length=1000)]  # [] clears the group [sdk]


class CreateModelBody(Body):
    modelId: Short  # the model's code; required by the emulator, like name and modelType
    name: Short
    modelType: Short
    symbol: Short | None = None
    description: Long | None = None
    tags: Note | None = None
    inOut: Short | None = None
    extensions: Long | None = None
    maxInputLength: Digits | None = None
    maxOutputLength: Digits | None = None
    apiKey: Secret | None = None  # the provider's key: only its preview is kept
    baseUrl: Note | None = None


class BatchCreateModelItem(Body):
    modelId: Short
    modelType: Short
    name: Short
    description: Long | None = None
    extensions: Long | None = None
    inOut: Short | None = None
    maxInputLength: Digits | None = None
    maxOutputLength: Digits | None = None
    tags: Note | None = None


class BatchCreateModelBody(Body):
    apiKey: Secret
    symbol: Short
    models: Annotated[list[BatchCreateModelItem], Field(min_length=1, max_length=100)]
    baseUrl: Note | None = None


class UpdateModelBody(Body):
    modelId: Short | None = None
    name: Short | None = None
    modelType: Short | None = None
    symbol: Short | None = None
    description: Long | None = None
    tags: Note | None = None
    maxInputLength: Digits | None = None
    maxOutputLength: Digits | None = None
    apiKey: Secret | None = None
    baseUrl: Note | None = None
    status: Annotated[int, Field(ge=0, le=1)] | None = None


class SaveFlowConfigBody(Body):
    modelId: Id
    rpm: Count | None = None
    tpm: Count | None = None
    smoothFlowEnabled: bool | None = None


BILLING_TYPES = "^(token_tiered|per_image|per_duration|per_character|video_matrix|token_flat|omni_multimodal)$"


class CreateBillingRuleBody(Body):
    modelId: Id
    billingType: Annotated[str, Field(pattern=BILLING_TYPES)] | None = None
    pricingConfig: dict[str, Any]  # required by the emulator: a rule is its prices
    effectiveTime: Rfc3339 | None = None
    expireTime: Rfc3339 | None = None
    version: Annotated[int, Field(ge=1, le=INT32_MAX)] | None = None


class UpdateBillingRuleBody(Body):
    billingType: Annotated[str, Field(pattern=BILLING_TYPES[:-2] + "|configurable)$")] | None = None
    pricingConfig: dict[str, Any] | None = None
    effectiveTime: Rfc3339 | None = None
    expireTime: Rfc3339 | None = None
    status: Annotated[int, Field(ge=0, le=1)] | None = None
    version: Annotated[int, Field(ge=1, le=INT32_MAX)] | None = None
