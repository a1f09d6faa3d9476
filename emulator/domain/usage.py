"""Seeded synthetic usage at the finest grain: model × API key × hour (README "The data").

Why it is shaped this way:
- A key's day is drawn first (one keyed BLAKE2b digest of seed, model, key and day), then split
  into 24 hours by largest remainder. So a day is *exactly* the sum of its hours, and a daily row
  costs one digest per key instead of 24: a 366-day page costs about what a 1-day page does.
- Integer arithmetic only: no floats or libm, so every machine computes the same bytes.
- Amounts: a day's amount is floor(exact cost) in 0.0001 元; an hour gets floor(cumulative cost
  to the end of the hour) minus floor(cumulative cost before it). Hours therefore sum to the day
  exactly, and each hour is within 0.0001 元 of its exact cost. A department's discount is a
  multiplier of its keys' prices (`ApiKey.discounts`, from whole hours), so the same holds after it.
- Every coarser figure (member, department, organisation, several departments) is a sum of
  key figures, done by the query, never generated separately, so all sums are exact.

A figure tuple is (calls, drawn metric…, amount in minor units), in `ModelType.drawn` order.
Queries read figures already summed over a set of keys (`days_total`, `hours_total`). Each
key's figures are packed into big integers, row-major, one 64-bit lane per column, lane 0 in the
lowest bits. Figures are never negative and never near 2^63, so the sum over K keys is K
big-integer additions (no carry crosses a lane) instead of K × rows × columns Python additions.
The packed figures are kept in bounded LRU caches:
64-day blocks for daily rows, single days for hourly ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from functools import cache, lru_cache
from itertools import accumulate
from math import lcm

from emulator.domain.life import Life, Prices, both
from emulator.domain.scenario import ApiKey, Model, Scenario, ScenarioError
from emulator.domain.timeline import DAY, HOUR, in_force, shanghai_midnight

Figures = tuple[int, ...]

# Share of a key's calls by hour of the day in Beijing time: quiet nights, a morning and an
# afternoon peak, a lunch dip.
DIURNAL = (3, 2, 1, 1, 1, 2, 4, 8, 14, 19, 21, 20, 15, 17, 21, 20, 18, 14, 11, 10, 9, 8, 6, 4)
WEEKEND_PERMILLE = 450
TREND_PERMILLE_PER_YEAR = 200  # usage grows 20% a year across the data window
ONE = Fraction(1)
LANE = 64  # bits a figure takes in a packed span
BLOCK_DAYS = 64  # daily figures are generated and kept in blocks of this many days
BURST_CHANCE = 5  # of 256: a day with a burst of 3-5× the usual calls
IDLE_CHANCE = 8  # of 256: a day on which the key is not used at all


def allocate(total: int, weights: list[int] | tuple[int, ...]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder; earlier index wins ties."""
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    scaled = [total * w for w in weights]
    shares = [x // weight_sum for x in scaled]
    left = total - sum(shares)
    if left:
        remainders = [x % weight_sum for x in scaled]
        # sorted() is stable with reverse=True too: equal remainders keep index order
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:left]:
            shares[i] += 1
    return shares


LANE_MAX = 2**63 - 1  # the largest figure a packed lane holds


def _peak_calls(key: ApiKey, model: Model, days: int) -> int:
    """The most calls `_draw_day` can give the key on any day of a window of `days` days."""
    trend = 1000 + TREND_PERMILLE_PER_YEAR * max(days - 1, 0) // 365
    return key.calls_per_day * model.popularity * trend * 1000 * 1400 // 10**12 * 5


def peak_figures(model: Model, keys: Iterable[ApiKey], days: int) -> list[int]:
    """Upper bounds of a day's figures summed over `keys`, column by column (derived sums and the
    amount included): what must fit in a lane for any query over those keys."""
    calls = sum(_peak_calls(k, model, days) for k in keys)
    drawn = [calls] + [calls * mean * 1300 // 1000 for _, mean in model.type.per_call]
    amount = max_amount(model, drawn)
    return [column[0] for column in model.type.expand_columns([[f] for f in drawn] + [[amount]])]


def check_capacity(gen: UsageGenerator, scenario: Scenario) -> None:
    """Refuse, at load, a scenario whose figures could overflow a packed 64-bit lane."""
    keys = tuple(scenario.api_keys.values())
    across: dict[str, int] = {}  # each metric summed over every model: what the family's totals hold
    for model in scenario.models.values():
        peaks = peak_figures(model, keys, gen.days)
        for column, peak in zip(model.type.columns, peaks):
            across[column.key] = across.get(column.key, 0) + peak
        worst = max(peaks)
        if worst > LANE_MAX:
            raise ScenarioError(
                f"{scenario.source}: model {model.id} ({model.code}): a day's figures summed over all API keys "
                f"could reach {worst:.3e}, beyond the largest figure the emulator holds, 2^63-1 = {LANE_MAX}; "
                "lower callsPerDay, popularity or prices")
    if max(across.values()) > LANE_MAX:
        key = max(across, key=across.__getitem__)
        raise ScenarioError(f"{scenario.source}: a day's {key} summed over every model and API key could reach "
                            f"{across[key]:.3e}, beyond the largest figure the emulator holds, 2^63-1 = {LANE_MAX}; "
                            "lower callsPerDay, popularity or prices")


class UsageGenerator:
    """Deterministic usage for one seed and data window; pure apart from its bounded caches."""

    def __init__(self, seed: int, data_start: dt.date, data_end: dt.date) -> None:
        self._key = hashlib.sha256(b"aicontent-emulator usage %d" % seed).digest()
        self.window_start = shanghai_midnight(data_start)
        self.days = (data_end - data_start).days + 1
        self._first_weekday = data_start.weekday()  # Monday is 0
        self._daily_block = lru_cache(maxsize=4096)(self._make_daily_block)
        self._hourly_day = lru_cache(maxsize=8192)(self._make_hourly_day)

    def day_index(self, ts: int) -> int:
        """Index of the Shanghai day holding `ts`, relative to the window (may be out of it)."""
        return (ts - self.window_start) // DAY

    def hour_index(self, ts: int) -> int:
        return (ts - self.window_start) // HOUR

    @staticmethod
    def width(model: Model) -> int:
        """Figures a row of `days_total`/`hours_total` has: one per column, in column order."""
        return len(model.type.columns)

    def day(self, model: Model, key: ApiKey, day: int) -> Figures:
        """One key's figures for one Shanghai day."""
        return self._day(model, key, day)

    def hours(self, model: Model, key: ApiKey, day: int) -> tuple[Figures, ...]:
        """One key's figures for the 24 hours of a Shanghai day; they sum to `day(...)`."""
        return self._hours(model, key, day)

    def days_total(self, model: Model, keys: tuple[ApiKey, ...], first: int, count: int) -> list[int]:
        """Σ over `keys` of `count` days from day `first`: flat, row-major, one figure per column
        (derived sums included, amount in minor units last)."""
        return self._total(False, model, keys, first, count)

    def hours_total(self, model: Model, keys: tuple[ApiKey, ...], first: int, count: int) -> list[int]:
        """Σ over `keys` of `count` hours from hour `first` of the window, flat like `days_total`."""
        return self._total(True, model, keys, first, count)

    def _total(self, hourly: bool, model: Model, keys: tuple[ApiKey, ...], first: int, count: int) -> list[int]:
        # Lanes never carry, so summing whole chunks over the keys first and cutting the page
        # out once is the same as cutting every key's part out and summing those.
        row = self.width(model) * LANE
        packed = window(lambda index: self.keyset_chunk(model, keys, hourly, index), 24 if hourly else BLOCK_DAYS,
                        first, count, row)
        return unpack(packed, count * row // LANE)

    def key_hours(self, model: Model, key: ApiKey, first: int, count: int) -> list[int]:
        """One key's figures for `count` hours from hour `first` of the window (within one day
        when possible: the day is unpacked once), flat like `hours_total`."""
        day, hour = divmod(first, 24)
        if hour + count > 24:
            return self.hours_total(model, (key,), first, count)
        w = self.width(model)
        return unpack(self._hourly_day(model, key, day), 24 * w)[hour * w: (hour + count) * w]

    def keyset_chunk(self, model: Model, keys: tuple[ApiKey, ...], hourly: bool, index: int) -> int:
        """Σ over `keys` of one packed chunk (a day of hours, or BLOCK_DAYS days), in the model's layout."""
        chunk = self._hourly_day if hourly else self._daily_block
        total = 0
        for key in keys:
            total += chunk(model, key, index)
        return total

    def _make_daily_block(self, model: Model, key: ApiKey, block: int) -> int:
        days = [self._day(model, key, day) for day in range(block * BLOCK_DAYS, (block + 1) * BLOCK_DAYS)]
        return _packed(model.type.expand_columns([list(column) for column in zip(*days)]))

    def _make_hourly_day(self, model: Model, key: ApiKey, day: int) -> int:
        return _packed(model.type.expand_columns(self._hour_columns(model, key, day)))

    # -- generation -----------------------------------------------------------------------
    def _digest(self, tag: bytes, model: Model, key: ApiKey, day: int) -> bytes:
        return hashlib.blake2b(struct.pack("<qqq", model.id, key.id, day), digest_size=32,
                               key=self._key, person=tag).digest()

    def _draw_day(self, model: Model, key: ApiKey, day: int) -> tuple[int, ...]:
        """(calls, units of each per-call metric) for one key's day, before the hourly split."""
        if not 0 <= day < self.days:
            return (0,) * len(model.type.drawn)
        b = self._digest(b"day", model, key, day)
        calls = 0
        if b[5] >= IDLE_CHANCE:
            weekday = (self._first_weekday + day) % 7
            noise = 600 + (b[0] + b[1] + b[2] + b[3]) * 800 // 1020  # 600..1400, bell-shaped
            trend = 1000 + TREND_PERMILLE_PER_YEAR * day // 365
            week = WEEKEND_PERMILLE if weekday >= 5 else 1000
            calls = key.calls_per_day * model.popularity * trend * week * noise // 10**12
            if b[4] < BURST_CHANCE:
                calls *= 3 + b[6] % 3
        figures = [calls]
        for i, (_, mean) in enumerate(model.type.per_call):
            jitter = 700 + int.from_bytes(b[8 + 2 * i:10 + 2 * i], "little") % 601  # 0.7..1.3
            figures.append(calls * mean * jitter // 1000)
        return tuple(figures)

    def _day(self, model: Model, key: ApiKey, day: int) -> Figures:
        """One key's day: drawn whole, or (a life or a price that changes within the day) as
        the sum of its hours, so a day is always the sum of its hours."""
        start = self.window_start + day * DAY
        life = both(key.life, model.life)
        whole = True if life is None else life.whole(start, start + DAY)
        if whole is False:
            return (0,) * (len(model.type.drawn) + 1)
        if whole and not epoch_changes(model, start, start + DAY) and not discount_changes(key, start, start + DAY):
            drawn = self._draw_day(model, key, day)
            return drawn + (amount_of(model, drawn, start, key),)
        return tuple(sum(column) for column in self._hour_columns(model, key, day))

    def _hours(self, model: Model, key: ApiKey, day: int) -> tuple[Figures, ...]:
        return tuple(zip(*self._hour_columns(model, key, day)))

    def raw_hours(self, model: Model, key: ApiKey, first: int, count: int) -> list[int]:
        """One key's figures for `count` hours from hour `first`, before its life is applied
        (what usage events change), flat like `hours_total`: derived sums included."""
        out: list[int] = []
        while count > 0:
            day, hour = divmod(first, 24)
            take = min(count, 24 - hour)
            columns = model.type.expand_columns(self._hour_columns(model, key, day, masked=False))
            rows = list(zip(*columns))[hour: hour + take]
            out += [x for row in rows for x in row]
            first, count = first + take, count - take
        return out

    def _hour_columns(self, model: Model, key: ApiKey, day: int, masked: bool = True) -> list[list[int]]:
        """The day split into 24 hours, column by column: calls, per-call metrics, amount; each
        hour priced at its own price, and (masked) kept in the share its key's life covers."""
        drawn = self._draw_day(model, key, day)
        if drawn[0] == 0:
            return [[0] * 24 for _ in range(len(drawn) + 1)]
        jitter = self._digest(b"hours", model, key, day)
        calls = allocate(drawn[0], [w * (64 + j % 128) for w, j in zip(DIURNAL, jitter)])
        columns = [calls] + [allocate(total, calls) for total in drawn[1:]]
        start = self.window_start + day * DAY
        columns.append(hour_amounts(model, columns, start, key))
        life = both(key.life, model.life) if masked else None
        if life is not None and life.whole(start, start + DAY) is not True:
            columns = mask_columns(model, columns, life, start, key)
        return columns


def window(chunk: Callable[[int], int], size: int, first: int, count: int, row_bits: int) -> int:
    """Rows [first, first + count) of a sequence kept in packed chunks of `size` rows
    (`chunk(index)`), as one packed int whose row 0 is row `first`."""
    packed, i, end = 0, first, first + count
    while i < end:
        index, offset = divmod(i, size)
        take = min(end - i, size - offset)
        packed |= ((chunk(index) >> (offset * row_bits)) & ((1 << (take * row_bits)) - 1)) << ((i - first) * row_bits)
        i += take
    return packed


def unpack(packed: int, lanes: int) -> list[int]:
    """A packed int → its first `lanes` figures, lane 0 first (one conversion: the renderers
    slice lists much faster than arrays)."""
    out = array("q", packed.to_bytes(lanes * 8, "little"))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tolist()


def pack(flat: Sequence[int]) -> int:
    """Figures → a packed int, figure 0 in the lowest lane."""
    out = array("q", flat)
    if sys.byteorder == "big":
        out.byteswap()
    return int.from_bytes(out.tobytes(), "little")


def _packed(columns: list[list[int]]) -> int:
    """Columns of equal length → one big integer: row-major, a 64-bit lane per figure."""
    w = len(columns)
    out = array("q", bytes(len(columns[0]) * w * 8))
    for c, column in enumerate(columns):
        out[c::w] = array("q", column)
    if sys.byteorder == "big":
        out.byteswap()
    return int.from_bytes(out.tobytes(), "little")


@cache
def _weights(drawn: tuple[str, ...], prices: Prices) -> tuple[int, tuple[int, ...]]:
    table = dict(prices)
    fractions = [table.get(m) for m in drawn]
    scale = lcm(*(f.denominator for f in fractions if f is not None))
    return scale, tuple(0 if f is None else f.numerator * (scale // f.denominator) for f in fractions)


def prices_at(model: Model, ts: int) -> Prices:
    """The model's prices in force for the hour starting at `ts`."""
    return in_force(model.epochs, ts, model.prices)


def price_weights(model: Model, ts: int | None = None, key: ApiKey | None = None) -> tuple[int, tuple[int, ...]]:
    """Integer weights w and a scale s such that exact cost = Σ figure·w / s (minor units), at
    the prices in force at `ts` (None: the model's first prices), after the discount `key`'s
    department gives at `ts` (a price multiplier, so a day's amount is still its hours' sum)."""
    found = _weights(model.type.drawn, model.prices if ts is None else prices_at(model, ts))
    if key is None or not key.discounts or ts is None:
        return found
    discount = discount_at(key, ts)
    return found if discount == 1 else _discounted(found, discount)


@cache
def _discounted(weights: tuple[int, tuple[int, ...]], discount: Fraction) -> tuple[int, tuple[int, ...]]:
    scale, each = weights
    return scale * discount.denominator, tuple(w * discount.numerator for w in each)


def discount_at(key: ApiKey, ts: int) -> Fraction:
    """The discount the key's department gives in the hour starting at `ts` (1: none)."""
    return in_force(key.discounts, ts, ONE)


def discount_changes(key: ApiKey, a: int, b: int) -> bool:
    """Whether the key's discount changes within (a, b)."""
    return any(a < start < b for start, _ in key.discounts)


def epoch_changes(model: Model, a: int, b: int) -> bool:
    """Whether the model's price changes within (a, b)."""
    return any(a < start < b for start, _ in model.epochs)


def amount_of(model: Model, drawn: Sequence[int], ts: int | None = None, key: ApiKey | None = None) -> int:
    """The amount in 0.0001 元 of usage figures (drawn order): the floor of their exact cost."""
    scale, weights = price_weights(model, ts, key)
    return sum(f * w for f, w in zip(drawn, weights)) // scale


def max_amount(model: Model, drawn: Sequence[int]) -> int:
    """The most the figures could cost at any of the model's prices (for the overflow bounds)."""
    return max(amount_of(model, drawn, ts) for ts in (None, *(start for start, _ in model.epochs)))


def hour_amounts(model: Model, columns: list[list[int]], start: int, key: ApiKey | None = None) -> list[int]:
    """Each hour's amount of drawn columns from `start`: the floor of the running cost minus the
    floor before it, each hour at its own price (and `key`'s discount), so the hours add up to
    the floor of the whole."""
    n = len(columns[0])
    if not model.epochs and (key is None or not key.discounts):
        scale, weights = price_weights(model)
        cost = [0] * n
        for column, weight in zip(columns, weights):
            if weight:
                cost = [c + x * weight for c, x in zip(cost, column)]
    else:
        hourly = [price_weights(model, start + h * HOUR, key) for h in range(n)]
        scale = lcm(*(sc for sc, _ in hourly))
        cost = [sum(column[h] * w[i] for i, column in enumerate(columns) if w[i]) * (scale // sc)
                for h, (sc, w) in enumerate(hourly)]
    due = [c // scale for c in accumulate(cost)]  # floor of the running cost, per hour
    return [d - p for d, p in zip(due, [0] + due[:-1])]


def mask_columns(model: Model, columns: list[list[int]], life: Life, start: int,
                 key: ApiKey | None = None) -> list[list[int]]:
    """Hourly columns (drawn ones, the amount last) from `start` kept in the share of each hour
    the life covers, as the data clock's hour is (`emulator.domain.figures.share`)."""
    out = [list(column) for column in columns]
    for h in range(len(columns[0])):
        covered = life.seconds(start + h * HOUR, start + (h + 1) * HOUR)
        if covered == HOUR:
            continue
        drawn = [column[h] * covered // HOUR for column in columns[:-1]]
        amount = min(amount_of(model, drawn, start + h * HOUR, key), columns[-1][h]) if drawn[0] else 0
        for c, value in enumerate([*([x if drawn[0] else 0 for x in drawn]), amount]):
            out[c][h] = value
    return out

