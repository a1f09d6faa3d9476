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
AMOUNT = UNION.index("total_amount")
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
    """Figures of one model, or summed over many, in the shared layout.

    Work is shared across requests: what a complete past span adds up to never changes, so a
    model's totals over it, and the rows of several models summed, are kept in bounded caches
    (keyed by model(s), key set and span). Only the rows after the data clock or touched by a
    usage event are computed per request, exactly as model-detail computes them."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self._chunk = lru_cache(maxsize=2048)(self._make_chunk)
        self._clean_totals = lru_cache(maxsize=4096)(self._make_clean_totals)
        self._clean_combined = lru_cache(maxsize=128)(self._make_clean_combined)

    def totals(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState) -> list[int]:
        """One model's figures over the whole timeline, summed over `keys`, lane by lane; the
        presence lane counts the rows with usage (0: no usage in the span)."""
        if not keys or timeline.total == 0:
            return [0] * LANES
        clean = self._clean(model, keys, timeline, state)
        out = list(self._clean_totals(model, keys, timeline.step == HOUR, self._index(timeline), clean)) \
            if clean else [0] * LANES
        if clean < timeline.total:
            for lane, value in enumerate(column_totals(self._rest(model, keys, timeline, state, clean))):
                out[lane] += value
        return out

    def combined(self, models: tuple[Model, ...], keys: tuple[ApiKey, ...], timeline: Timeline,
                 state: DataState) -> list[int]:
        """The rows of the whole timeline summed over `models` and `keys`: flat, LANES figures a
        row; a row's presence lane is the number of models with usage in it."""
        count = timeline.total
        if not keys or not models or count == 0:
            return [0] * (count * LANES)
        clean = min(self._clean(m, keys, timeline, state) for m in models)
        flat = unpack(self._clean_combined(models, keys, timeline.step == HOUR, self._index(timeline), clean),
                      clean * LANES) if clean else []
        if clean < count:
            tail = [0] * ((count - clean) * LANES)
            for model in models:
                tail = [a + b for a, b in zip(tail, self._rest(model, keys, timeline, state, clean))]
            flat += tail
        return flat

    def _index(self, timeline: Timeline) -> int:
        gen = self.figures.gen
        return gen.hour_index(timeline.first) if timeline.step == HOUR else gen.day_index(timeline.first)

    @staticmethod
    def _clean(model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState) -> int:
        """Leading rows complete before the data clock and untouched by usage events."""
        step, first = timeline.step, timeline.first
        clean = max(0, min(timeline.total, (state.cutoff - first) // step))
        for e in state.events:
            if e.end > first and e.start < first + clean * step and any(e.selects(model, k) for k in keys):
                clean = min(clean, max(0, (e.start - first) // step))
        return clean

    def _rest(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState,
              clean: int) -> list[int]:
        rows = self.figures.rows(model, keys, timeline, clean, timeline.total - clean, state.cutoff, state.events)
        return to_union(model.type, rows)

    def _window(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, start: int, count: int) -> int:
        return window(lambda index: self._chunk(model, keys, hourly, index), 24 if hourly else BLOCK_DAYS,
                      start, count, ROW_BITS)

    def _make_clean_totals(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, start: int,
                           count: int) -> tuple[int, ...]:
        return tuple(column_totals(unpack(self._window(model, keys, hourly, start, count), count * LANES)))

    def _make_clean_combined(self, models: tuple[Model, ...], keys: tuple[ApiKey, ...], hourly: bool, start: int,
                             count: int) -> int:
        total = 0
        for model in models:
            total += self._window(model, keys, hourly, start, count)
        return total

    def _make_chunk(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, index: int) -> int:
        gen = self.figures.gen
        rows = 24 if hourly else BLOCK_DAYS
        flat = unpack(gen.keyset_chunk(model, keys, hourly, index), rows * gen.width(model))
        return pack(to_union(model.type, flat))


def column_totals(flat: list[int]) -> list[int]:
    """Each lane summed over the rows."""
    return [sum(flat[lane::LANES]) for lane in range(LANES)]


def union_keys(models: Sequence[Model]) -> list[str]:
    """The metrics of the given models, in COLUMNS order (calls and amount always)."""
    present = {c.key for m in models for c in m.type.columns} | {"total_calls", "total_amount"}
    return [k for k in UNION if k in present]
