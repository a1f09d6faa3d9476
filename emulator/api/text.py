"""Numbers and `values` strings as the aggregate actions print them: counts as integers, amounts
(integers of 0.0001 元) with at most 4 decimals, exactly as model-detail prints them, and
`values` objects encoded once or twice (the values_encoding form)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from emulator.domain.aggregate import LANES
from emulator.domain.metrics import COLUMNS, Column
from emulator.render import DECIMALS, dumps

MODEL_COUNT = Column("model_count", "模型数", "个")
AVG_TOKENS = Column("avg_tokens", "平均Token数", "Token")
EXTRA = {c.key: c for c in (MODEL_COUNT, AVG_TOKENS)}


def amount(minor: int) -> str:
    """0.0001 元 → its JSON number: 12.3456, 0.5, 0.0."""
    return f"{minor // 10_000}.{DECIMALS[minor % 10_000].decode()}"


def column(key: str) -> Column:
    return EXTRA[key] if key in EXTRA else COLUMNS[key]


def ratio(numerator: int, denominator: int) -> str:
    """numerator / denominator rounded half up to 2 decimals, as a JSON number (0 for 0/0)."""
    if denominator == 0:
        return "0"
    hundredths = (numerator * 200 + denominator) // (2 * denominator)
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else str(whole)


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


@cache
def _point_template(keys: tuple[str, ...], double: bool) -> bytes:
    """One trend point with `%` placeholders; cached per key set and encoding (a few dozen at most)."""
    one = '{"timestamp":%d,"values":' + values_template(keys, double).replace("%s", "%d") + "}"
    return (one[: one.rindex("%d")] + "%d.%s" + one[one.rindex("%d") + 2:]).encode("ascii")  # the amount, last


def points(flat: list[int], stamps: list[int], lanes: list[int], amount_lane: int, keys: tuple[str, ...],
           double: bool) -> bytes:
    """Trend points `{"timestamp", "values"}` for rows of the shared layout, in one formatting
    call: the arguments are laid out column by column with slice assignments (as model-detail's
    rows are). `lanes` gives the lane of each key but the last, which is the amount."""
    count = len(stamps)
    if count == 0:
        return b""
    k = len(lanes) + 3  # timestamp, the counts, the amount's integer and decimal parts
    args: list[Any] = [0] * (count * k)
    args[0::k] = stamps
    for j, lane in enumerate(lanes):
        args[1 + j::k] = flat[lane::LANES]
    amounts = flat[amount_lane::LANES]
    args[k - 2::k] = [m // 10_000 for m in amounts]
    args[k - 1::k] = [DECIMALS[m % 10_000] for m in amounts]
    return b",".join([_point_template(keys, double)] * count) % tuple(args)


def amounts(flat: list[int], stamps: list[int], amount_lane: int) -> str:
    """Bill-summary points `{"timestamp", "totalAmount"}` for rows of the shared layout."""
    return ",".join(f'{{"timestamp":{ts},"totalAmount":{amount(m)}}}'
                    for ts, m in zip(stamps, flat[amount_lane::LANES]))


@cache
def metric_defs(keys: tuple[str, ...]) -> str:
    return dumps([column(k).as_dict() for k in keys]).decode()


def quoted(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
