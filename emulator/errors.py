"""The one error catalogue: every rejection the emulator can give, framework-free.

An `ApiError` carries what the client sees (status, code, message, body shape) apart from the
emulator's own explanation (`reason`): where the real gateway's fixed text is known, the message
is exactly that text, and the reason goes into the `x-emulator-reason` header and the journal.
Where the text is the emulator's choice (validation), message and reason are the same.
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
    message: str  # the real service's text where known
    shape: Shape


class ApiError(Exception):
    """A rejection the client sees, and why the emulator gave it."""

    def __init__(self, spec: ErrorSpec, message: str | None = None, reason: str | None = None,
                 retry_after_ms: int | None = None) -> None:
        self.spec = spec
        self.status = spec.status
        self.code = spec.code
        self.shape: Shape = spec.shape
        self.message = message if message is not None else spec.message
        self.reason = reason if reason is not None else (message if message is not None else None)
        self.retry_after_ms = retry_after_ms
        super().__init__(f"{self.code}: {self.reason or self.message}")


def _spec(status: int, code: str, message: str, shape: Shape) -> ErrorSpec:
    return ErrorSpec(status, code, message, shape)


# Product errors [doc]: the service's own body.
UNKNOWN_ERROR = _spec(
    500, "Server.Internal.UnknownError",
    "The request processing has failed due to some unknown error.", "product")
PERMISSION_DENIED = _spec(403, "B.Permission.DeniedException", "鉴权失败或权限不足", "product")
ORG_NOT_EXIST = _spec(
    403, "B.Permission.OrgNoExistException", "组织不存在,请主账号开通权限后再试,或联系管理员", "product")

# Gateway errors, with the real gateway's fixed texts where they are known [gw].
MISSING_PARAMETER = _spec(  # the message names the parameter [choice]
    400, "MissingParameter",
    "The input parameter that is mandatory for processing this request is not supplied.", "gateway")
INVALID_PARAMETER = _spec(400, "InvalidParameter", "The specified parameter is not valid.", "gateway")
INCOMPLETE_SIGNATURE = _spec(
    400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.", "gateway")
SIGNATURE_MISMATCH = _spec(
    400, "SignatureDoesNotMatch", "Specified signature does not match our calculation.", "gateway")
ACCESS_KEY_NOT_FOUND = _spec(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.", "gateway")
TIMESTAMP_EXPIRED = _spec(
    400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", "gateway")
TIMESTAMP_FORMAT = _spec(
    400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.", "gateway")
NONCE_USED = _spec(400, "SignatureNonceUsed", "Specified signature nonce was used already.", "gateway")
INVALID_ACTION = _spec(  # [choice]: the real text is unknown
    400, "InvalidAction", "Specified parameter Action is not valid.", "gateway")
INVALID_VERSION = _spec(400, "InvalidVersion", "Specified parameter Version is not valid.", "gateway")
ACTION_NOT_FOUND = _spec(
    404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.", "gateway")
THROTTLING = _spec(400, "Throttling.User", "Request was denied due to user flow control.", "gateway")
NOT_IMPLEMENTED = _spec(  # [choice]: an action of the SDK the emulator does not answer yet
    501, "NotImplemented", "This action is not emulated yet.", "gateway")
TOO_MANY_CHANGES = _spec(  # [choice]: the emulator's own bound on what it keeps
    400, "QuotaExceeded.Changes", "The emulator keeps no more writes; reset it or import a smaller state.", "gateway")

CATALOGUE: dict[str, ErrorSpec] = {
    s.code: s
    for s in (
        UNKNOWN_ERROR, PERMISSION_DENIED, ORG_NOT_EXIST, MISSING_PARAMETER, INVALID_PARAMETER,
        INCOMPLETE_SIGNATURE, SIGNATURE_MISMATCH, ACCESS_KEY_NOT_FOUND, TIMESTAMP_EXPIRED, TIMESTAMP_FORMAT,
        NONCE_USED, INVALID_ACTION, INVALID_VERSION, ACTION_NOT_FOUND, THROTTLING, NOT_IMPLEMENTED,
        TOO_MANY_CHANGES,
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


def not_found(method: str, path: str) -> ApiError:
    return ApiError(ACTION_NOT_FOUND, reason=f"no API answers {method} {echo(path)}")


def rejected(spec: ErrorSpec, reason: str) -> ApiError:
    """An error with the real fixed text and the emulator's reason beside it."""
    return ApiError(spec, reason=reason)


def not_implemented(action: str) -> ApiError:
    return ApiError(NOT_IMPLEMENTED, f"{action} is not emulated yet",
                    reason=f"{action} is declared by the official SDK but not emulated yet: the README's coverage "
                           "table lists the actions that are")
