"""The figures as a query sees them: seeded usage, reshaped by usage events, cut at the data clock.

Rows are computed as sums over keys of key × hour figures, so every coarser figure stays an exact
sum of finer ones. The common case costs what it did before events and the clock existed: rows
that end before the clock, with no event touching the page's keys and hours, are the seeded
figures summed over packed lanes (`UsageGenerator`). Only what an event or the clock changes
is computed key by key and hour by hour:
- an event changes a (key, hour): the row gets that key's changed figures instead of its seeded
  ones (a daily row is the sum of the key's 24 hours, each changed or not);
- the row holding the clock's instant gets, per key, its hours before the clock's hour whole and
  the clock's hour in proportion to the seconds elapsed (floor of each figure), so figures only
  grow as the clock moves and a day is still the sum of its hours;
- rows after the clock are zeros.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from emulator.domain.events import UsageEvent
from emulator.domain.scenario import ApiKey, Model, Scenario
from emulator.domain.timeline import HOUR, Timeline
from emulator.domain.usage import LANE_MAX, UsageGenerator, amount_of, peak_figures
from emulator.validation import FieldError


class Figures:
    def __init__(self, gen: UsageGenerator) -> None:
        self.gen = gen
        # Each key's seeded figures for one hour: what the share of the clock's hour is taken
        # of, key by key. Kept while the clock is in that hour (bounded).
        self._key_hour = lru_cache(maxsize=1024)(self._make_key_hour)

    def rows(self, model: Model, keys: Sequence[ApiKey], timeline: Timeline, first: int, count: int,
             cutoff: int, events: Sequence[UsageEvent]) -> list[int]:
        """Rows [first, first + count) of `timeline`, summed over `keys`: flat, row-major, one
        figure per column (the amount last, in 0.0001 元)."""
        gen, w, step = self.gen, self.gen.width(model), timeline.step
        if count <= 0:
            return []
        start = timeline.bucket(first)
        # Rows that end by the cutoff are complete; one may hold the cutoff; the rest are empty.
        complete = max(0, min(count, (cutoff - start) // step))
        if not keys:
            return [0] * (count * w)
        if complete:
            if step == HOUR:
                out = gen.hours_total(model, tuple(keys), gen.hour_index(start), complete)
            else:
                out = gen.days_total(model, tuple(keys), gen.day_index(start), complete)
            if complete < count:
                out += [0] * ((count - complete) * w)
        else:
            out = [0] * (count * w)
        if complete:
            span_end = start + complete * step
            for key in keys if events else ():
                evs = _events_of(events, model, key, start, span_end)
                if evs:
                    self._add_changes(out, model, key, evs, start, span_end, step)
        if complete < count and start + complete * step < cutoff:
            out[complete * w: (complete + 1) * w] = self._partial(model, keys, start + complete * step, step,
                                                                  cutoff, events)
        return out

    def _partial(self, model: Model, keys: Sequence[ApiKey], row_start: int, step: int, cutoff: int,
                 events: Sequence[UsageEvent]) -> list[int]:
        """The row holding the cutoff: its hours before the clock's hour whole, and each key's
        share of the clock's hour. Keys an event touches go hour by hour (`_until`)."""
        gen, w = self.gen, self.gen.width(model)
        partial = [0] * w
        plain: list[ApiKey] = []
        for key in keys:
            evs = _events_of(events, model, key, row_start, row_start + step) if events else []
            if evs:
                for i, figure in enumerate(self._until(model, key, evs, row_start, step, cutoff)):
                    partial[i] += figure
            else:
                plain.append(key)
        if not plain:
            return partial
        clock_hour = cutoff // HOUR * HOUR
        whole = (clock_hour - row_start) // HOUR
        if whole:
            flat = gen.hours_total(model, tuple(plain), gen.hour_index(row_start), whole)
            for i in range(w):
                partial[i] += sum(flat[i::w])
        if cutoff > clock_hour:
            elapsed = cutoff - clock_hour
            for seeded in self._key_hour(model, tuple(plain), gen.hour_index(clock_hour)):
                for i, figure in enumerate(share(model, seeded, elapsed, HOUR)):
                    partial[i] += figure
        return partial

    def _make_key_hour(self, model: Model, keys: tuple[ApiKey, ...], hour: int) -> tuple[list[int], ...]:
        return tuple(self.gen.key_hours(model, key, hour, 1) for key in keys)

    def _add_changes(self, out: list[int], model: Model, key: ApiKey, events: list[UsageEvent],
                     start: int, end: int, step: int) -> None:
        """Add to `out` what `events` change of one key's hours in [start, end)."""
        w = self.gen.width(model)
        hours = sorted({h for e in events for h in range(max(e.start, start), min(e.end, end), HOUR)})
        for hour in hours:
            seeded = self._seeded_hour(model, key, hour)
            changed = apply(model, seeded, [e for e in events if e.start <= hour < e.end])
            row = (hour - start) // step
            for i in range(w):
                out[row * w + i] += changed[i] - seeded[i]

    def _until(self, model: Model, key: ApiKey, events: list[UsageEvent], row_start: int, step: int,
               cutoff: int) -> list[int]:
        """One key's figures for the row starting at `row_start`, counted up to `cutoff`."""
        gen, w = self.gen, self.gen.width(model)
        total = [0] * w
        hours = range(row_start, min(row_start + step, cutoff), HOUR)
        seeded = gen.key_hours(model, key, gen.hour_index(row_start), len(hours))
        for n, hour in enumerate(hours):
            figures = apply(model, seeded[n * w: (n + 1) * w], [e for e in events if e.start <= hour < e.end])
            if hour + HOUR > cutoff:
                figures = share(model, figures, cutoff - hour, HOUR)
            for i in range(w):
                total[i] += figures[i]
        return total

    def _seeded_hour(self, model: Model, key: ApiKey, hour: int) -> list[int]:
        return self.gen.key_hours(model, key, self.gen.hour_index(hour), 1)


def _events_of(events: Sequence[UsageEvent], model: Model, key: ApiKey, start: int, end: int) -> list[UsageEvent]:
    return [e for e in events if e.start < end and e.end > start and e.selects(model, key)]


def recompose(model: Model, usage: list[int], amount: int) -> list[int]:
    """Every reported column from the drawn usage figures and the amount: derived sums recomputed."""
    return [sum(usage[i] for i in src) for src in model.type.sources] + [amount]


def apply(model: Model, figures: list[int], events: Sequence[UsageEvent]) -> list[int]:
    """One key-hour's figures (every column) after `events`, in order."""
    if not events:
        return figures
    n = len(model.type.drawn)
    usage, amount = figures[:n], figures[-1]
    amount_given = False
    for event in events:
        if event.factor is not None:
            f = event.factor
            if f == 1:
                continue  # the identity, amounts included
            usage = [x * f.numerator // f.denominator for x in usage]
            amount = amount * f.numerator // f.denominator if amount_given else amount_of(model, usage)
        else:
            usage = [value for _, value in event.figures]
            amount_given = event.amount is not None
            amount = event.amount if event.amount is not None else amount_of(model, usage)
    return recompose(model, usage, amount)


def share(model: Model, figures: list[int], elapsed: int, whole: int) -> list[int]:
    """The elapsed part of one key-hour: each drawn figure and the amount floored in proportion."""
    n = len(model.type.drawn)
    return recompose(model, [x * elapsed // whole for x in figures[:n]], figures[-1] * elapsed // whole)


def check_room(gen: UsageGenerator, scenario: Scenario, events: Sequence[UsageEvent]) -> None:
    """Refuse events whose figures could overflow a packed lane: for each model, the seeded peak
    times every factor above 1 that may touch it, plus a day (24 hours) of every set event's figures."""
    keys = tuple(scenario.api_keys.values())
    for model in scenario.models.values():
        mine = [e for e in events if e.spec.modelId in (None, model.id)]
        if not mine:
            continue
        peak = [max(f, 1) for f in peak_figures(model, keys, gen.days)]
        for e in mine:
            if e.factor is not None and e.factor > 1:
                peak = [-(-x * e.factor.numerator // e.factor.denominator) for x in peak]
        sets = [e for e in mine if e.factor is None]
        if sets:
            usage = [sum(dict(e.figures)[m] for e in sets) * 24 for m in model.type.drawn]
            amount = sum((e.amount if e.amount is not None else amount_of(model, [v for _, v in e.figures]))
                         for e in sets) * 24
            peak = [a + b for a, b in zip(peak, recompose(model, usage, amount))]
        if max(peak) > LANE_MAX:
            last = mine[-1]
            raise FieldError("factor" if last.factor is not None else "set",
                             f"with the events in force, model {model.id}'s daily figures could reach "
                             f"{max(peak):.3e}, beyond the largest figure the emulator holds (2^63-1)")
