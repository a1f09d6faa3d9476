"""Syntax of the request parameters (README "The request"): decoded query pairs → Selection + Paging.

Only what can be judged from the request alone is checked here; whether a model, department,
member or key exists is the domain's question, asked once the caller is known.
Rules are strict on purpose ([choice]): a client bug should fail here, not in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator import errors
from emulator.domain.query import Selection
from emulator.domain.timeline import DAY

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1
MILLISECONDS_FROM = 10**11  # a seconds timestamp this large would be in the year 5138
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_TOKEN = 512
KNOWN = ("modelId", "startTime", "endTime", "clientId", "clientIds", "apiKeyId", "memberUserIds",
         "page", "pageIndex", "pageSize", "maxResults", "nextToken")
REQUIRED = ("modelId", "startTime", "endTime")


@dataclass(frozen=True)
class Paging:
    token_style: bool  # maxResults or nextToken given: the token style wins
    page: int  # legacy: pageIndex, else page, else 1
    page_size: int
    max_results: int  # the effective size in the token style
    next_token: str  # "" when starting from the first row

    @property
    def size(self) -> int:
        return self.max_results if self.token_style else self.page_size


def _is_integer(raw: str) -> bool:
    """ASCII digits with an optional leading minus: no '+', spaces, underscores or unicode digits
    (all of which int() would accept)."""
    digits = raw[1:] if raw[:1] == "-" else raw
    return digits.isascii() and digits.isdigit()


def _integer(name: str, raw: str, low: int, high: int, what: str = "") -> int:
    if not _is_integer(raw):
        raise errors.invalid_parameter(name, f'must be a base-10 integer, got "{errors.echo(raw)}"')
    # Longer than any int64 even with leading zeros trimmed: refuse before int() does the work
    # (and before Python's 4300-digit conversion limit turns it into an exception).
    if len(raw.lstrip("-").lstrip("0")) > 19:
        raise errors.invalid_parameter(name, f"{errors.echo(raw)} does not fit in a 64-bit integer")
    value = int(raw)
    if not INT64_MIN <= value <= INT64_MAX:
        raise errors.invalid_parameter(name, f"{errors.echo(raw)} does not fit in a 64-bit integer")
    if not low <= value <= high:
        raise errors.invalid_parameter(name, what or f"must be between {low} and {high}, got {value}")
    return value


def _id_list(name: str, raw: str, allow_empty: bool) -> tuple[int, ...]:
    if raw == "":
        if allow_empty:
            return ()
        raise errors.invalid_parameter(name, "must list at least one id, comma-separated")
    ids: list[int] = []
    seen: set[int] = set()
    for part in raw.split(","):
        value = _integer(name, part, 1, INT64_MAX, f"ids must be positive, got {errors.echo(part)}")
        if value in seen:
            raise errors.invalid_parameter(name, f"lists id {value} more than once")
        seen.add(value)
        ids.append(value)
    return tuple(ids)


def parse(pairs: list[tuple[str, str]], max_span_days: int) -> tuple[Selection, Paging]:
    given: dict[str, str] = {}
    for name, text in pairs:
        if name not in KNOWN:
            continue  # unknown parameters are ignored, as gateways do
        if name in given:
            raise errors.invalid_parameter(name, "was given more than once")
        given[name] = text
    for name in REQUIRED:
        if name not in given:
            raise errors.missing_parameter(name)

    model_id = _integer("modelId", given["modelId"], 1, INT64_MAX, "must be a positive model id")
    times: dict[str, int] = {}
    for name in ("startTime", "endTime"):
        seconds = _integer(name, given[name], 0, INT64_MAX, "must be a Unix time in seconds, not negative")
        if seconds >= MILLISECONDS_FROM:
            raise errors.invalid_parameter(name, f"must be a Unix time in seconds; {seconds} looks like milliseconds")
        times[name] = seconds
    start, end = times["startTime"], times["endTime"]
    if end <= start:
        raise errors.invalid_parameter("endTime", f"must be later than startTime ({start}), got {end}")
    if end - start > max_span_days * DAY:
        raise errors.invalid_parameter(
            "endTime", f"the span from startTime to endTime is {(end - start) / DAY:g} days, "
                       f"more than the maximum of {max_span_days} days")

    if "clientId" in given and "clientIds" in given:
        raise errors.invalid_parameter("clientIds", "cannot be combined with clientId; use one of them")
    departments: tuple[int, ...] | None = None
    departments_from = "clientId"
    if "clientId" in given:
        departments = (_integer("clientId", given["clientId"], 1, INT64_MAX, "must be a positive department id"),)
    elif "clientIds" in given:
        departments, departments_from = _id_list("clientIds", given["clientIds"], allow_empty=False), "clientIds"
    api_key = None
    if "apiKeyId" in given:
        api_key = _integer("apiKeyId", given["apiKeyId"], 1, INT64_MAX, "must be a positive API key id")
        if "clientId" not in given:
            raise errors.invalid_parameter("apiKeyId", "requires clientId, the department the key belongs to")
    members = _id_list("memberUserIds", given["memberUserIds"], allow_empty=True) if "memberUserIds" in given else None

    page = _integer("page", given.get("page", "1"), 1, INT32_MAX)
    if "pageIndex" in given:
        page = _integer("pageIndex", given["pageIndex"], 1, INT32_MAX)
    page_size = _integer("pageSize", given.get("pageSize", str(DEFAULT_PAGE_SIZE)), 1, MAX_PAGE_SIZE)
    max_results = page_size
    if "maxResults" in given:
        max_results = _integer("maxResults", given["maxResults"], 1, MAX_PAGE_SIZE)
    token = given.get("nextToken", "")
    if len(token) > MAX_TOKEN:
        raise errors.invalid_parameter(
            "nextToken", f"is longer than {MAX_TOKEN} characters; it is not one this API issued")

    selection = Selection(model_id, start, end, departments, members, api_key, departments_from)
    paging = Paging("maxResults" in given or "nextToken" in given, page, page_size, max_results, token)
    return selection, paging
