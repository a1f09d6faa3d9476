"""The one error catalogue: every rejection the emulator can give, framework-free.

An `ApiError` carries status, code, message and the body shape it is rendered in; the web layer
has one renderer per shape (`emulator.web.render`). Nothing here knows about HTTP libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Shape = Literal["gateway", "product"]

MAX_ECHO = 64  # how much of a client's value a message repeats


@dataclass(frozen=True)
class ErrorSpec:
    status: int
    code: str
    message: str  # the default message, used by fault injection and where no detail applies
    shape: Shape


class ApiError(Exception):
    """A rejection the client sees, with its status, code, message and body shape."""

    def __init__(self, spec: ErrorSpec, message: str | None = None) -> None:
        self.spec = spec
        self.status = spec.status
        self.code = spec.code
        self.shape: Shape = spec.shape
        self.message = message if message is not None else spec.message
        super().__init__(f"{self.code}: {self.message}")


def _spec(status: int, code: str, message: str, shape: Shape) -> ErrorSpec:
    return ErrorSpec(status, code, message, shape)


# Product errors [doc]: the service's own body.
UNKNOWN_ERROR = _spec(
    500, "Server.Internal.UnknownError",
    "The request processing has failed due to some unknown error.", "product")
PERMISSION_DENIED = _spec(403, "B.Permission.DeniedException", "鉴权失败或权限不足", "product")
ORG_NOT_EXIST = _spec(
    403, "B.Permission.OrgNoExistException", "组织不存在,请主账号开通权限后再试,或联系管理员", "product")

# Gateway errors [choice]: as Alibaba Cloud's API gateway returns them.
MISSING_PARAMETER = _spec(
    400, "MissingParameter",
    "The input parameter that is mandatory for processing this request is not supplied.", "gateway")
INVALID_PARAMETER = _spec(400, "InvalidParameter", "The specified parameter is not valid.", "gateway")
INCOMPLETE_SIGNATURE = _spec(
    400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.", "gateway")
SIGNATURE_MISMATCH = _spec(
    400, "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method.", "gateway")
ACCESS_KEY_NOT_FOUND = _spec(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.", "gateway")
TIMESTAMP_EXPIRED = _spec(
    400, "InvalidTimeStamp.Expired",
    "Specified time stamp or date value is expired.", "gateway")
NONCE_USED = _spec(400, "SignatureNonceUsed", "Specified signature nonce was used already.", "gateway")
INVALID_ACTION = _spec(400, "InvalidAction", "Specified api is not found, please check your url and method.", "gateway")
INVALID_VERSION = _spec(400, "InvalidVersion", "Specified parameter Version is not valid.", "gateway")
ACTION_NOT_FOUND = _spec(
    404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.", "gateway")
THROTTLING = _spec(429, "Throttling.User", "Request was denied due to user flow control.", "gateway")

CATALOGUE: dict[str, ErrorSpec] = {
    s.code: s
    for s in (
        UNKNOWN_ERROR, PERMISSION_DENIED, ORG_NOT_EXIST, MISSING_PARAMETER, INVALID_PARAMETER,
        INCOMPLETE_SIGNATURE, SIGNATURE_MISMATCH, ACCESS_KEY_NOT_FOUND, TIMESTAMP_EXPIRED,
        NONCE_USED, INVALID_ACTION, INVALID_VERSION, ACTION_NOT_FOUND, THROTTLING,
    )
}


def echo(value: str) -> str:
    """A client's value as a message may quote it: bounded and printable."""
    shown = value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown


def missing_parameter(name: str) -> ApiError:
    return ApiError(
        MISSING_PARAMETER,
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
    )


def invalid_parameter(name: str, reason: str) -> ApiError:
    return ApiError(INVALID_PARAMETER, f'The parameter "{name}" is invalid: {reason}.')
