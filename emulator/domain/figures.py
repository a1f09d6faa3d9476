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
from fractions import Fraction
from functools import lru_cache

from emulator.domain.events import UsageEvent
from emulator.domain.keyset import KeySet
from emulator.domain.life import both
from emulator.domain.scenario import ApiKey, Model, Scenario
from emulator.domain.timeline import DAY, HOUR, Timeline
from emulator.domain.usage import (
    LANE_MAX,
    UsageGenerator,
    amount_of,
    discount_at,
    max_amount,
    peak_figures,
    price_weights,
)
from emulator.validation import FieldError


class Figures:
    def __init__(self, gen: UsageGenerator) -> None:
        self.gen = gen
        # Each key's seeded figures for one hour: what the share of the clock's hour is taken
        # of, key by key. Kept while the clock is in that hour (bounded).
        self._key_hour = lru_cache(maxsize=1024)(self._make_key_hour)
        self.contributing = lru_cache(maxsize=512)(_contributing)

    def rows(self, model: Model, keys: Sequence[ApiKey], timeline: Timeline, first: int, count: int,
             cutoff: int, events: Sequence[UsageEvent]) -> list[int]:
        """Rows [first, first + count) of `timeline`, summed over `keys`: flat, row-major, one
        figure per column (the amount last, in 0.0001 元)."""
        gen, w, step = self.gen, self.gen.width(model), timeline.step
        if count <= 0:
            return []
        keys = self.contributing(keys if isinstance(keys, tuple) else tuple(keys), tuple(events))
        start = timeline.bucket(first)
        # Rows that end by the cutoff are complete; one may hold the cutoff; the rest are empty.
        complete = complete_rows(start, step, count, cutoff)
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
        clock_hour = cutoff // HOUR * HOUR
        for key in keys:
            evs = _events_of(events, model, key, row_start, row_start + step) if events else []
            life = both(key.life, model.life)
            if evs or (life is not None and life.boundary_in(clock_hour, clock_hour + HOUR)):
                for i, figure in enumerate(self._until(model, key, evs, row_start, step, cutoff)):
                    partial[i] += figure
            else:
                plain.append(key)
        if not plain:
            return partial
        whole = (clock_hour - row_start) // HOUR
        if whole:
            flat = gen.hours_total(model, tuple(plain), gen.hour_index(row_start), whole)
            for i in range(w):
                partial[i] += sum(flat[i::w])
        if cutoff > clock_hour:
            elapsed = cutoff - clock_hour
            for key, seeded in zip(plain, self._key_hour(model, tuple(plain), gen.hour_index(clock_hour))):
                for i, figure in enumerate(share(model, seeded, elapsed, HOUR, clock_hour, key)):
                    partial[i] += figure
        return partial

    def _make_key_hour(self, model: Model, keys: tuple[ApiKey, ...], hour: int) -> tuple[list[int], ...]:
        return tuple(self.gen.key_hours(model, key, hour, 1) for key in keys)

    def _add_changes(self, out: list[int], model: Model, key: ApiKey, events: list[UsageEvent],
                     start: int, end: int, step: int) -> None:
        """Add to `out` (rows from `start`) what `events` change of one key's hours in [start,
        end): a day at a time, column by column."""
        w = self.gen.width(model)
        lo, hi = max(start, min(e.start for e in events)), min(end, max(e.end for e in events))
        day = lo - (lo - self.gen.window_start) % DAY  # Shanghai midnight: one unpacked day at a time
        while day < hi:
            a, b = max(day, lo), min(day + DAY, hi)
            day += DAY
            if not any(e.start < b and e.end > a for e in events):
                continue
            seeded = self._hours(model, key, a, b)  # what the sums over keys counted (its life applied)
            changed = self._changed(model, key, self._raw(model, key, a, b, seeded), events, a, b)
            changed = self._lived(model, key, changed, a)
            n, first = (b - a) // HOUR, (a - start) // step
            for c in range(w):
                if step == HOUR:
                    rows = slice(first * w + c, (first + n) * w, w)
                    out[rows] = [o + x - y for o, x, y in zip(out[rows], changed[c::w], seeded[c::w])]
                else:
                    out[first * w + c] += sum(changed[c::w]) - sum(seeded[c::w])

    def _hours(self, model: Model, key: ApiKey, a: int, b: int) -> list[int]:
        """One key's seeded figures for the hours [a, b)."""
        return self.gen.key_hours(model, key, self.gen.hour_index(a), (b - a) // HOUR)

    def _raw(self, model: Model, key: ApiKey, a: int, b: int, seeded: list[int] | None = None) -> list[int]:
        """One key's figures for the hours [a, b) before its life is applied: what events change."""
        if both(key.life, model.life) is None:
            return seeded if seeded is not None else self._hours(model, key, a, b)
        return self.gen.raw_hours(model, key, self.gen.hour_index(a), (b - a) // HOUR)

    def _lived(self, model: Model, key: ApiKey, rows: list[int], a: int, cutoff: int | None = None) -> list[int]:
        """Hourly rows from `a` kept in the share of each hour the key's life covers, before
        `cutoff` when given (the data clock's hour: the share elapsed)."""
        life = both(key.life, model.life)
        if life is None and cutoff is None:
            return rows
        w = self.gen.width(model)
        out = list(rows)
        for i in range(len(rows) // w):
            h = a + i * HOUR
            end = h + HOUR if cutoff is None else min(h + HOUR, cutoff)
            covered = (end - h if life is None else life.seconds(h, end)) if end > h else 0
            if covered < HOUR:
                out[i * w: (i + 1) * w] = share(model, rows[i * w: (i + 1) * w], covered, HOUR, h, key)
        return out

    def _changed(self, model: Model, key: ApiKey, seeded: list[int], events: Sequence[UsageEvent], a: int,
                 b: int) -> list[int]:
        """The hours [a, b) (their seeded figures) after the events covering each: the hours under
        the same events are changed together."""
        w = self.gen.width(model)
        cuts = sorted({a, b, *(t for e in events for t in (e.start, e.end) if a < t < b)})
        out: list[int] = []
        for lo, hi in zip(cuts, cuts[1:]):
            part = seeded[(lo - a) // HOUR * w: (hi - a) // HOUR * w]
            out += apply_rows(model, part, [e for e in events if e.start <= lo < e.end], lo, key)
        return out

    def _until(self, model: Model, key: ApiKey, events: list[UsageEvent], row_start: int, step: int,
               cutoff: int) -> list[int]:
        """One key's figures for the row starting at `row_start`, counted up to `cutoff`."""
        w = self.gen.width(model)
        end = min(row_start + step, -(-cutoff // HOUR) * HOUR)
        rows = self._changed(model, key, self._raw(model, key, row_start, end), events, row_start, end)
        rows = self._lived(model, key, rows, row_start, cutoff)  # the clock's hour: its elapsed share
        return [sum(rows[c::w]) for c in range(w)]

def _contributing(keys: tuple[ApiKey, ...], events: tuple[UsageEvent, ...]) -> tuple[ApiKey, ...]:
    """The keys that may have usage: those that generate some (a key made through the API
    generates none) and those an event selects. Summing over them is summing over every key, and
    the caches keyed by key set stay warm as keys are created."""
    return KeySet(k for k in keys if k.calls_per_day or any(e.key_ids is None or k.id in e.key_ids for e in events))


def complete_rows(start: int, step: int, count: int, cutoff: int) -> int:
    """How many of `count` rows of `step` seconds from `start` end by the cutoff."""
    return max(0, min(count, (cutoff - start) // step))


def _events_of(events: Sequence[UsageEvent], model: Model, key: ApiKey, start: int, end: int) -> list[UsageEvent]:
    return [e for e in events if e.start < end and e.end > start and e.selects(model, key)]


def recompose(model: Model, usage: list[int], amount: int) -> list[int]:
    """Every reported column from the drawn usage figures and the amount: derived sums recomputed."""
    return [sum(usage[i] for i in src) for src in model.type.sources] + [amount]


def apply_rows(model: Model, flat: list[int], events: Sequence[UsageEvent], start: int | None = None,
               key: ApiKey | None = None) -> list[int]:
    """Key-hours' figures (flat rows, every column) after `events`, in order, column by column:
    a factor floors each usage figure times it (a key-hour whose calls floor to 0 keeps no usage)
    and prices the result (a given amount is scaled); a set replaces the usage (and the amount
    when given). Usage is priced after `key`'s discount; a given amount is a price before it, so
    it is discounted (floored) hour by hour."""
    if not events:
        return flat
    t = model.type
    w, nd = len(t.columns), len(t.drawn)
    n = len(flat) // w
    usage = [flat[c::w] for c in range(nd)]
    amounts = flat[w - 1::w]
    given = False
    for event in events:
        if event.factor is not None:
            num, den = event.factor.numerator, event.factor.denominator
            if num == den:
                continue  # the identity, amounts included
            usage = [[x * num // den for x in column] for column in usage]
            if num < den:  # a key-hour whose calls scale to nothing has no usage left either
                usage[1:] = [[x if calls else 0 for x, calls in zip(column, usage[0])] for column in usage[1:]]
            amounts = [m * num // den for m in amounts] if given else amounts_of(model, usage, start, key)
        else:
            usage = [[value] * n for _, value in event.figures]
            given = event.amount is not None
            amounts = [event.amount] * n if event.amount is not None else amounts_of(model, usage, start, key)
    if given and key is not None and key.discounts and start is not None:
        cut = [discount_at(key, start + r * HOUR) for r in range(n)]
        amounts = [m * d.numerator // d.denominator for m, d in zip(amounts, cut)]
    columns = usage + [[sum(parts) for parts in zip(*(usage[i] for i in src))] for src in t.sources[nd:]]
    out = [0] * len(flat)
    for c, column in enumerate(columns + [amounts]):
        out[c::w] = column
    return out


def amounts_of(model: Model, usage: list[list[int]], start: int | None = None,
               key: ApiKey | None = None) -> list[int]:
    """The amount of each (hourly, from `start`) row of usage columns (drawn order): the floor
    of its exact cost at the price in force that hour, after `key`'s discount."""
    if (model.epochs or (key is not None and key.discounts)) and start is not None:
        out = []
        for r in range(len(usage[0])):
            scale, weights = price_weights(model, start + r * HOUR, key)
            out.append(sum(column[r] * wt for column, wt in zip(usage, weights)) // scale)
        return out
    scale, weights = price_weights(model)
    acc = [0] * len(usage[0])
    for column, weight in zip(usage, weights):
        if weight:
            acc = [a + x * weight for a, x in zip(acc, column)]
    return [a // scale for a in acc]


def share(model: Model, figures: list[int], elapsed: int, whole: int, ts: int | None = None,
          key: ApiKey | None = None) -> list[int]:
    """The elapsed part of one key-hour (starting at `ts`): each drawn figure floored in
    proportion (no calls: no usage at all), priced from that usage at the hour's price, never
    above the whole hour's amount, so it only grows as `elapsed` does."""
    drawn = [x * elapsed // whole for x in figures[:len(model.type.drawn)]]
    if not drawn[0]:
        return [0] * len(figures)
    return recompose(model, drawn, min(amount_of(model, drawn, ts, key), figures[-1]))


class Room:
    """How far the events in force could push each model's daily figures, kept as events are
    added, so that adding one costs the models it touches, not every event again. A model's
    bound is its seeded peak times every factor above 1 that may touch it, plus a day (24
    hours) of each set event's figures; each metric summed over every model (what the billing
    family adds in one lane) is bounded too."""

    def __init__(self, gen: UsageGenerator, scenario: Scenario) -> None:
        keys = tuple(scenario.api_keys.values())
        self.models = scenario.models
        self.days = gen.days
        self.seeded = {m.id: peak_figures(m, keys, gen.days) for m in scenario.models.values()}
        self.factors: dict[int, Fraction] = {m: Fraction(1) for m in self.models}
        self.sets: dict[int, list[int]] = {m: [0] * len(p) for m, p in self.seeded.items()}

    def rebind(self, scenario: Scenario) -> None:
        """Models created since: their bounds from their (new) keys, with nothing added yet."""
        self.models = scenario.models
        new = [m for m in scenario.models.values() if m.id not in self.seeded]
        keys = tuple(scenario.api_keys.values()) if new else ()
        for m in new:
            if m.id not in self.seeded:
                self.seeded[m.id] = peak_figures(m, keys, self.days)
                self.factors[m.id] = Fraction(1)
                self.sets[m.id] = [0] * len(self.seeded[m.id])

    def bound(self, model_id: int) -> list[int]:
        f = self.factors[model_id]
        return [-(-x * f.numerator // f.denominator) + s for x, s in zip(self.seeded[model_id], self.sets[model_id])]

    def add(self, event: UsageEvent) -> None:
        """Count `event` in, or raise FieldError (and count nothing) if a figure could overflow."""
        touched = [event.spec.modelId] if event.spec.modelId is not None else list(self.models)
        factors, sets = dict(self.factors), dict(self.sets)
        for mid in touched:
            if event.factor is not None and event.factor > 1:
                factors[mid] = factors[mid] * event.factor
            elif event.factor is None:
                model = self.models[mid]
                given = [value for _, value in event.figures]
                usage = [value * 24 for value in given]
                amount = 24 * (event.amount if event.amount is not None else max_amount(model, given))
                sets[mid] = [a + b for a, b in zip(sets[mid], recompose(model, usage, amount))]
        before = (self.factors, self.sets)
        self.factors, self.sets = factors, sets
        try:
            self._check(touched, event)
        except FieldError:
            self.factors, self.sets = before
            raise

    def fits(self, event: UsageEvent) -> None:
        """Raise FieldError if `event` would not fit; count nothing either way."""
        before = (self.factors, self.sets)
        self.add(event)
        self.factors, self.sets = before

    def _check(self, touched: list[int], event: UsageEvent) -> None:
        field = "factor" if event.factor is not None else "set"
        for mid in touched:
            if max(self.bound(mid)) > LANE_MAX:
                raise FieldError(field, f"with the events in force, model {mid}'s daily figures could reach "
                                        f"{max(self.bound(mid)):.3e}, beyond the largest figure the emulator "
                                        "holds (2^63-1)")
        across: dict[str, int] = {}
        for mid, model in self.models.items():
            for column, value in zip(model.type.columns, self.bound(mid)):
                across[column.key] = across.get(column.key, 0) + value
        worst = max(across, key=across.__getitem__)
        if across[worst] > LANE_MAX:
            raise FieldError(field, f"with the events in force, a day's {worst} summed over every model could reach "
                                    f"{across[worst]:.3e}, beyond the largest figure the emulator holds (2^63-1)")
