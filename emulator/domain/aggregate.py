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

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from functools import cache, lru_cache
from typing import Any

from emulator.domain.events import UsageEvent
from emulator.domain.figures import Figures, complete_rows
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

    Work is shared across requests: what the rows complete before the data clock add up to
    changes only when the usage events do, so a model's totals over them, and the rows of several
    models summed, are kept in bounded caches keyed by model(s), key set, span and the events in
    force. Only the row holding the clock (and the empty ones after it) is computed per request,
    exactly as model-detail computes it."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self._chunk = lru_cache(maxsize=2048)(self._make_chunk)
        self._models_chunk = lru_cache(maxsize=1024)(self._make_models_chunk)
        self._packed = lru_cache(maxsize=512)(self._make_packed)
        self._settled_totals = lru_cache(maxsize=4096)(self._make_settled_totals)
        self._settled_combined = lru_cache(maxsize=128)(self._make_settled_combined)
        self.texts = Kept(64)  # rendered texts of answers over settled spans (the trend's)
        self.pages = Kept(32)  # rendered pages of rows over settled spans (the breakdowns')

    def totals(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState) -> list[int]:
        """One model's figures over the whole timeline, summed over `keys`, lane by lane; the
        presence lane counts the rows with usage (0: no usage in the span)."""
        keys = self.figures.contributing(keys, state.events)
        if not keys or timeline.total == 0:
            return [0] * LANES
        settled = settled_rows(timeline, state)
        out = list(self._settled_totals(model, keys, timeline, settled, state.events)) if settled else [0] * LANES
        if settled < timeline.total:
            for lane, value in enumerate(column_totals(self._rest(model, keys, timeline, state, settled))):
                out[lane] += value
        return out

    def combined(self, models: tuple[Model, ...], keys: tuple[ApiKey, ...], timeline: Timeline,
                 state: DataState) -> list[int]:
        """The rows of the whole timeline summed over `models` and `keys`: flat, LANES figures a
        row; a row's presence lane is the number of models with usage in it."""
        count = timeline.total
        keys = self.figures.contributing(keys, state.events)
        if not keys or not models or count == 0:
            return [0] * (count * LANES)
        settled = settled_rows(timeline, state)
        flat = unpack(self._settled_combined(models, keys, timeline, settled, state.events),
                      settled * LANES) if settled else []
        if settled < count:
            tail = [0] * ((count - settled) * LANES)
            for model in models:
                tail = [a + b for a, b in zip(tail, self._rest(model, keys, timeline, state, settled))]
            flat += tail
        return flat

    def _rest(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, state: DataState,
              settled: int) -> list[int]:
        rows = self.figures.rows(model, keys, timeline, settled, timeline.total - settled, state.cutoff,
                                 state.events)
        return to_union(model.type, rows)

    def _make_packed(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, count: int,
                     events: tuple[UsageEvent, ...]) -> int:
        """The first `count` rows (all complete) of one model, in the shared layout: from cached
        chunks, or as model-detail computes them where a usage event touches them."""
        first, step = timeline.first, timeline.step
        if any(e.end > first and e.start < first + count * step and any(e.selects(model, k) for k in keys)
               for e in events):
            rows = self.figures.rows(model, keys, timeline, 0, count, first + count * step, events)
            return pack(to_union(model.type, rows))
        gen, hourly = self.figures.gen, step == HOUR
        start = gen.hour_index(first) if hourly else gen.day_index(first)
        return window(lambda index: self._chunk(model, keys, hourly, index), 24 if hourly else BLOCK_DAYS,
                      start, count, ROW_BITS)

    def _make_settled_totals(self, model: Model, keys: tuple[ApiKey, ...], timeline: Timeline, count: int,
                             events: tuple[UsageEvent, ...]) -> tuple[int, ...]:
        return tuple(column_totals(unpack(self._packed(model, keys, timeline, count, events), count * LANES)))

    def _make_settled_combined(self, models: tuple[Model, ...], keys: tuple[ApiKey, ...], timeline: Timeline,
                               count: int, events: tuple[UsageEvent, ...]) -> int:
        first, step = timeline.first, timeline.step
        touched = [m for m in models if any(
            e.end > first and e.start < first + count * step and any(e.selects(m, k) for k in keys) for e in events)]
        if touched:  # as model-detail computes them, model by model
            total = 0
            for model in models:
                total += self._packed(model, keys, timeline, count, events)
            return total
        gen, hourly = self.figures.gen, step == HOUR  # no event: chunks already summed over the models
        start = gen.hour_index(first) if hourly else gen.day_index(first)
        return window(lambda index: self._models_chunk(models, keys, hourly, index), 24 if hourly else BLOCK_DAYS,
                      start, count, ROW_BITS)

    def _make_models_chunk(self, models: tuple[Model, ...], keys: tuple[ApiKey, ...], hourly: bool,
                           index: int) -> int:
        total = 0
        for model in models:
            total += self._chunk(model, keys, hourly, index)
        return total

    def _make_chunk(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, index: int) -> int:
        gen = self.figures.gen
        rows = 24 if hourly else BLOCK_DAYS
        flat = unpack(gen.keyset_chunk(model, keys, hourly, index), rows * gen.width(model))
        return pack(to_union(model.type, flat))


class Kept:
    """A bounded map, the oldest entry forgotten first; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._items.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def settled_rows(timeline: Timeline, state: DataState) -> int:
    """Leading rows complete before the data clock's cutoff."""
    return complete_rows(timeline.first, timeline.step, timeline.total, state.cutoff)


def column_totals(flat: list[int]) -> list[int]:
    """Each lane summed over the rows."""
    return [sum(flat[lane::LANES]) for lane in range(LANES)]


def union_keys(models: Sequence[Model]) -> list[str]:
    """The metrics of the given models, in COLUMNS order (calls and amount always)."""
    present = {c.key for m in models for c in m.type.columns} | {"total_calls", "total_amount"}
    return [k for k in UNION if k in present]
