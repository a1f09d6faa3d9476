"""Numbers and `values` strings as the aggregate actions print them: counts as integers, amounts
(integers of 0.0001 元) with at most 4 decimals, exactly as model-detail prints them, and
`values` objects encoded once or twice (the values_encoding form)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from emulator.domain.metrics import COLUMNS, Column
from emulator.render import DECIMALS, dumps

MODEL_COUNT = Column("model_count", "模型数", "个")


def amount(minor: int) -> str:
    """0.0001 元 → its JSON number: 12.3456, 0.5, 0.0."""
    return f"{minor // 10_000}.{DECIMALS[minor % 10_000].decode()}"


def column(key: str) -> Column:
    return MODEL_COUNT if key == "model_count" else COLUMNS[key]


@cache
def values_template(keys: tuple[str, ...], double: bool) -> str:
    """The JSON text of a `values` string with `%s` for each number, in `keys` order, escaped
    once or twice as the form says (keys and numbers need no escaping)."""
    inner = "{" + ",".join(f'"{k}":%s' for k in keys) + "}"
    text = json.dumps(inner)
    return json.dumps(text) if double else text


def values(keys: tuple[str, ...], numbers: list[str], double: bool) -> str:
    """A `values` JSON string literal holding `keys` → the already printed `numbers`."""
    return values_template(keys, double) % tuple(numbers)


def printed(key: str, value: int) -> str:
    return amount(value) if key == "total_amount" else str(value)


def body(request_id: str, data: str, max_results: int | None, next_token: str | None) -> bytes:
    """A success body around the JSON text of `data`; the top-level paging fields where the SDK
    declares them (None: absent)."""
    tail = "" if max_results is None else f',"maxResults":{max_results}'
    tail += "" if next_token is None else f',"nextToken":"{next_token}"'
    return (f'{{"requestId":"{request_id}","success":true,"httpStatusCode":200,"data":{data}{tail}}}').encode()


def metric_defs(keys: list[str]) -> str:
    return dumps([column(k).as_dict() for k in keys]).decode()


def quoted(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
