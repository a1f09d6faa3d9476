"""Figures over many models at once, for the actions that aggregate the catalogue (overview,
trend, cost by model, bill summary).

Every model's rows are kept in one shared layout: a lane per metric of any model type
(`UNION`, in COLUMNS order) plus a presence lane (1 when the model has any usage in the row).
So summing over models is one big-integer addition per model, as summing over keys is, and a
trend point's `model_count` is the sum of the presence lanes. The work is shared: a model's
chunk (a day of hours, or 64 days) summed over a set of keys is kept in a bounded cache, so an
aggregate over all models costs about what one model-detail page does, not one per model per
bucket. Rows that the data clock or a usage event changes are computed by `Figures`, exactly
as model-detail computes them, so every number here is a sum of model-detail's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from emulator.domain.figures import Figures
from emulator.domain.metrics import COLUMNS, ModelType
from emulator.domain.query import DataState
from emulator.domain.scenario import ApiKey, Model
from emulator.domain.timeline import HOUR, Timeline
from emulator.domain.usage import BLOCK_DAYS, LANE, pack, unpack, window

UNION: tuple[str, ...] = tuple(COLUMNS)
LANES = len(UNION) + 1
PRESENCE = LANES - 1
ROW_BITS = LANES * LANE


@cache
def _lanes(model_type: ModelType) -> tuple[int, ...]:
    """Where each of a model type's columns goes in the shared layout."""
    return tuple(UNION.index(c.key) for c in model_type.columns)


def to_union(model_type: ModelType, flat: Sequence[int]) -> list[int]:
    """Rows in a model's layout → rows in the shared layout, the presence lane set."""
    lanes, w = _lanes(model_type), len(model_type.columns)
    rows = len(flat) // w
    out = [0] * (rows * LANES)
    for c, lane in enumerate(lanes):
        out[lane::LANES] = flat[c::w]
    out[PRESENCE::LANES] = [1 if any(flat[r * w: (r + 1) * w]) else 0 for r in range(rows)]
    return out


class Aggregator:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self._chunk = lru_cache(maxsize=2048)(self._make_chunk)

    def series(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState) -> int:
        """One model's rows over the whole timeline, summed over `keys`, in the shared layout:
        a packed int, row 0 in the lowest bits. Zero means no usage in the span."""
        count, step, first = timeline.total, timeline.step, timeline.first
        if not keys or count == 0:
            return 0
        gen = self.figures.gen
        # Leading rows that are complete before the clock and untouched by events come from
        # cached chunks; the rest as model-detail computes them.
        clean = max(0, min(count, (state.cutoff - first) // step))
        for e in state.events:
            if e.end > first and e.start < first + clean * step and any(e.selects(model, k) for k in keys):
                clean = min(clean, max(0, (e.start - first) // step))
        packed = 0
        if clean:
            hourly = step == HOUR
            start = gen.hour_index(first) if hourly else gen.day_index(first)
            packed = window(lambda index: self._chunk(model, keys, hourly, index), 24 if hourly else BLOCK_DAYS,
                            start, clean, ROW_BITS)
        if clean < count:
            rest = self.figures.rows(model, keys, timeline, clean, count - clean, state.cutoff, state.events)
            packed |= pack(to_union(model.type, rest)) << (clean * ROW_BITS)
        return packed

    def _make_chunk(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, index: int) -> int:
        gen = self.figures.gen
        rows = 24 if hourly else BLOCK_DAYS
        flat = unpack(gen.keyset_chunk(model, keys, hourly, index), rows * gen.width(model))
        return pack(to_union(model.type, flat))


def rows_of(packed: int, count: int) -> list[int]:
    """A packed series → flat rows in the shared layout (LANES figures a row)."""
    return unpack(packed, count * LANES)


def column_totals(flat: list[int]) -> list[int]:
    """Each lane summed over the rows."""
    return [sum(flat[lane::LANES]) for lane in range(LANES)]


def union_keys(models: Sequence[Model]) -> list[str]:
    """The metrics of the given models, in COLUMNS order (calls and amount always)."""
    present = {c.key for m in models for c in m.type.columns} | {"total_calls", "total_amount"}
    return [k for k in UNION if k in present]
