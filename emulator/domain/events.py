"""Usage events: a test shapes the data (an outage, a spike, exact figures for one key).

An event selects usage (one model or all; one API key, a member's keys, a department's keys or
every key; whole hours from `startTime` to `endTime`) and has one effect, applied per key and
hour in the order the events were added:
- `factor` f ≥ 0: every usage figure x becomes floor(x·f); the amount follows from the model's
  prices (floor of the exact cost), so a 0 is an outage and a 10 a spike;
- `set`: exact per-hour figures for one key and one model; `total_tokens` and `total_amount` are
  derived unless given, and a given `total_amount` is kept exactly.
Every coarser figure is still a sum of key-hour figures, so every exact-sum rule holds.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from emulator.domain.clock import MAX_INSTANT
from emulator.domain.fixture import Id
from emulator.domain.scenario import MINOR_PER_YUAN, ApiKey, Model, Scenario
from emulator.domain.timeline import HOUR
from emulator.validation import FieldError, Text, mapping_of, validate, written

MAX_EVENTS = 10_000
MAX_FACTOR = 1_000_000
# The work the events in force may cost one request, in key-model-days: each event counts the
# models and keys it selects times the days it covers, at most the longest span a request may ask
# (max_span_days + 1). One whole-year event on every key and model of the default scenario is
# 57,252 (13 keys × 12 models × 367 days); the most a request can then cost (about 0.3 ms per
# key-model-day, the first time a span is asked) stays a few seconds, answered off the event loop.
WORK_BUDGET = 60_000
Seconds = Annotated[int, Field(ge=0, lt=MAX_INSTANT)]


class UsageEventSpec(BaseModel):
    """A usage event as a test states it (the body of `POST /_emulator/usage-events`, an entry of
    the fixture's `usageEvents`)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    startTime: Seconds = Field(description="Start, Unix seconds, on the hour.")
    endTime: Seconds = Field(description="End (exclusive), Unix seconds, on the hour, after startTime.")
    modelId: Id | None = Field(None, description="The model; absent: every model.")
    apiKeyId: Id | None = Field(None, description="One API key.")
    memberUserId: Id | None = Field(None, description="Every key of one member.")
    clientId: Id | None = Field(None, description="Every key of one department; no scope at all: every key.")
    factor: Annotated[float, Field(ge=0, le=MAX_FACTOR)] | None = Field(
        None, description="Scale every usage figure (0: an outage, 10: a spike).")
    set: dict[str, int | float | str] | None = Field(
        None, max_length=16, description="Exact figures per hour for one key and one model, e.g. "
                                         '{"total_calls": 500, "input_tokens": 400000, "output_tokens": 100000}.')
    note: Annotated[Text, Field(max_length=200)] | None = Field(None, description="Free text for people.")


@dataclass(frozen=True, eq=False)  # identity: the tuple of events in force keys the aggregate caches
class UsageEvent:
    """A checked event: the keys and models it selects, and its effect in exact numbers."""

    id: int
    spec: UsageEventSpec
    key_ids: frozenset[int] | None  # None: every key
    factor: Fraction | None
    figures: tuple[tuple[str, int], ...]  # a set event's given usage figures (drawn metrics)
    amount: int | None  # a set event's given total_amount, in 0.0001 元

    @property
    def start(self) -> int:
        return self.spec.startTime

    @property
    def end(self) -> int:
        return self.spec.endTime

    def selects(self, model: Model, key: ApiKey) -> bool:
        return (self.spec.modelId is None or self.spec.modelId == model.id) and (
            self.key_ids is None or key.id in self.key_ids)

    def public(self) -> dict[str, Any]:
        return {"id": self.id, **self.spec.model_dump(exclude_none=True)}


DECIMAL = re.compile(r"[0-9]{1,15}(\.[0-9]{1,4})?")  # ASCII digits, an optional point, at most 4 decimals


def _number(field: str, value: int | float | str) -> Decimal:
    """A non-negative decimal by one strict grammar, whatever JSON type it came as: ASCII digits,
    an optional point and at most 4 decimals, at most 15 digits before it, no sign, exponent,
    space, underscore or other digits (a float is judged by its shortest text: 1e-05 is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise FieldError(field, f"must be a decimal like 12.5, got {type(value).__name__}")
    text = written(value)
    if len(text) > 24 or DECIMAL.fullmatch(text) is None:
        shown = text if len(text) <= 24 else text[:24] + "…"
        raise FieldError(field, f"must be a decimal like 12.5 (ASCII digits, at most 4 decimals, no exponent), "
                                f"got {shown!r}")
    return Decimal(text)


def _decimals_as_written(raw: Any) -> None:
    """Judge the decimals as the client wrote them (`1e2` or `12.50000` in JSON), before they
    become floats: the grammar is about the text."""
    if not isinstance(raw, Mapping):
        return
    if isinstance(raw.get("factor"), float):
        _number("factor", raw["factor"])
    given = raw.get("set")
    if isinstance(given, Mapping) and isinstance(given.get("total_amount"), float):
        _number("set.total_amount", given["total_amount"])


def check_event(spec: UsageEventSpec, event_id: int, scenario: Scenario, window: tuple[int, int]) -> UsageEvent:
    """Resolve and check an event against the scenario; anything wrong raises FieldError."""
    if (spec.factor is None) == (spec.set is None):
        raise FieldError("factor" if spec.factor is not None else "set", "give exactly one effect: factor or set")
    scopes = [n for n in ("apiKeyId", "memberUserId", "clientId") if getattr(spec, n) is not None]
    if len(scopes) > 1:
        raise FieldError(scopes[1], f"give at most one scope, not {' and '.join(scopes)}")
    if spec.startTime % HOUR or spec.endTime % HOUR:
        which = "startTime" if spec.startTime % HOUR else "endTime"
        raise FieldError(which, "must be on the hour (a multiple of 3600): events select whole hours")
    if spec.endTime <= spec.startTime:
        raise FieldError("endTime", f"must be later than startTime ({spec.startTime})")
    if spec.startTime < window[0] or spec.endTime > window[1]:
        raise FieldError("startTime" if spec.startTime < window[0] else "endTime",
                         f"the span must lie within the data window [{window[0]}, {window[1]})")
    model = None
    if spec.modelId is not None:
        model = scenario.models.get(spec.modelId)
        if model is None:
            raise FieldError("modelId", f"no model has id {spec.modelId}")
    keys: frozenset[int] | None = None
    if spec.apiKeyId is not None:
        if spec.apiKeyId not in scenario.api_keys:
            raise FieldError("apiKeyId", f"no API key has id {spec.apiKeyId}")
        keys = frozenset((spec.apiKeyId,))
    elif spec.memberUserId is not None:
        if spec.memberUserId not in scenario.members:
            raise FieldError("memberUserId", f"no member has id {spec.memberUserId}")
        keys = frozenset(k.id for k in scenario.api_keys.values() if k.member_id == spec.memberUserId)
    elif spec.clientId is not None:
        if spec.clientId not in scenario.departments:
            raise FieldError("clientId", f"no department has id {spec.clientId}")
        keys = frozenset(k.id for k in scenario.api_keys.values() if k.department_id == spec.clientId)
    if spec.factor is not None:
        factor = Fraction(_number("factor", spec.factor))
        return UsageEvent(event_id, spec, keys, factor, (), None)
    assert spec.set is not None
    if spec.apiKeyId is None or model is None:
        raise FieldError("set", "needs apiKeyId and modelId: exact figures are for one key and one model")
    return _set_event(spec, event_id, keys, model, spec.set)


def _set_event(spec: UsageEventSpec, event_id: int, keys: frozenset[int] | None, model: Model,
               given: Mapping[str, int | float | str]) -> UsageEvent:
    columns = [c.key for c in model.type.columns]
    for name in given:
        if name not in columns:
            raise FieldError(f"set.{name}", f"model {model.id} ({model.type.name}) has no such column; "
                                            f"its columns are {', '.join(columns)}")
    figures = []
    for name in model.type.drawn:
        value = given.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**53:
            raise FieldError(f"set.{name}", f"must be a whole number from 0 to 2^53, got {value!r}")
        figures.append((name, value))
    drawn = dict(figures)
    for name, parts in model.type.derived:
        if name in given and given[name] != sum(drawn[p] for p in parts):
            raise FieldError(f"set.{name}", f"must equal {' + '.join(parts)} ({sum(drawn[p] for p in parts)}); "
                                            "leave it out to have it derived")
    amount = None
    if "total_amount" in given:
        yuan = _number("set.total_amount", given["total_amount"])
        minor = yuan * MINOR_PER_YUAN
        if minor >= 2**53:
            raise FieldError("set.total_amount", "must be below 9e11 元")
        amount = int(minor)
    return UsageEvent(event_id, spec, keys, None, tuple(figures), amount)


class Bound(Protocol):
    """What the events in force could add up to (`emulator.domain.figures.Room`)."""

    def add(self, event: UsageEvent) -> None: ...

    def fits(self, event: UsageEvent) -> None: ...

    def rebind(self, scenario: Scenario) -> None: ...


class EventBook:
    """The events in force, in the order added. Readers take the current tuple (never locked);
    it is replaced whole, so a request sees one consistent list.

    A change is written through `commit` (the store: every worker sees it) and applied when it
    is committed, by `apply` (events added) or `load` (the whole list); used alone (no commit)
    the book applies its changes at once. Either way an event is checked before anything is
    written, and a refused one changes nothing."""

    def __init__(self, scenario: Scenario, window: tuple[int, int], started: Iterable[Mapping[str, Any]] = (),
                 room: Callable[[], Bound] | None = None, max_days: int = 367,
                 commit: Callable[[Callable[[Any], Any]], Any] | None = None) -> None:
        self.scenario, self.window = scenario, window
        self.max_days = max_days
        self.work = 0  # of the events in force, key-model-days (WORK_BUDGET)
        self._new_room = room
        self.room = room() if room is not None else None
        self._lock = threading.Lock()
        self.events: tuple[UsageEvent, ...] = ()
        self._by_id: dict[int, UsageEvent] = {}
        self._next_id = 1
        self._commit = commit
        self.started: list[dict[str, Any]] = []  # the fixture's events, as the store keeps them
        for i, spec in enumerate(started):
            try:
                checked = validate(UsageEventSpec, mapping_of(spec))
                self._append(self._checked(checked))
            except FieldError as exc:
                raise FieldError(f"usageEvents.{i}.{exc.field}", exc.reason) from None
            self.started.append(checked.model_dump(exclude_none=True))

    def _checked(self, checked: UsageEventSpec) -> UsageEvent:
        """The next event, judged against the events in force (nothing changes)."""
        if len(self.events) >= MAX_EVENTS:
            raise FieldError("body", f"there are already {MAX_EVENTS} usage events; remove some first")
        event = check_event(checked, self._next_id, self.scenario, self.window)
        work = self.work_of(event)
        if self.work + work > WORK_BUDGET:
            raise FieldError("body", f"this event covers {work:,} key-model-days (keys × models × days, at most "
                                     f"{self.max_days} days counted); with the {self.work:,} of the events in "
                                     f"force that passes the budget of {WORK_BUDGET:,}: narrow it to a model, a "
                                     "department or fewer days, or remove events")
        if self.room is not None:
            self.room.fits(event)
        return event

    def _append(self, event: UsageEvent) -> None:
        if self.room is not None:
            self.room.add(event)
        self.events = self.events + (event,)
        self._by_id[event.id] = event
        self.work += self.work_of(event)
        self._next_id = max(self._next_id, event.id + 1)

    def add(self, spec: Mapping[str, Any] | UsageEventSpec | None = None, **fields: Any) -> UsageEvent:
        """Add an event (a UsageEventSpec, or its fields as a dict or keywords); a malformed one
        raises FieldError naming the field and changes nothing."""
        raw = mapping_of(spec, **fields)
        _decimals_as_written(raw)
        checked = validate(UsageEventSpec, raw)

        def write(writer: Any) -> int:
            event = self._checked(checked)
            if writer is None:
                self._append(event)
            else:
                writer.add_event(event.id, checked.model_dump(exclude_none=True))
            return event.id
        event_id = self._run(write)  # the commit may reload the events: look it up after
        return self._by_id[event_id]

    def add_with_id(self, event_id: int, spec: Mapping[str, Any]) -> UsageEvent:
        """Add an event under a given id (a state document's), at least the next one."""
        self._next_id = max(self._next_id, event_id)
        return self.add(spec)

    def remove(self, event_id: int) -> bool:
        def write(writer: Any) -> bool:
            if event_id not in self._by_id:
                return False
            if writer is None:
                self._replace(tuple(e for e in self.events if e.id != event_id))
            else:
                writer.remove_event(event_id)
            return True
        return bool(self._run(write))

    def clear(self) -> None:
        def write(writer: Any) -> None:
            if writer is None:
                self._replace(())
            else:
                writer.set_events([], self._next_id)
        self._run(write)

    def reset(self) -> None:
        """Back to the fixture's events (ids from 1)."""
        started = list(enumerate(self.started, start=1))

        def write(writer: Any) -> None:
            if writer is None:
                self.load(started, len(started) + 1)
            else:
                writer.set_events(started, len(started) + 1)
        self._run(write)

    def _run(self, write: Callable[[Any], Any]) -> Any:
        if self._commit is None:
            with self._lock:
                return write(None)
        return self._commit(write)

    def apply(self, added: list[tuple[int, dict[str, Any]]]) -> None:
        """Events added by another change of the store (ids after the last one), in order."""
        for event_id, spec in added:
            if event_id not in self._by_id:
                self._append(check_event(validate(UsageEventSpec, spec), event_id, self.scenario, self.window))

    def load(self, events: list[tuple[int, dict[str, Any]]], next_id: int) -> None:
        """The events in force as the store has them, counted again."""
        self._replace(tuple(check_event(validate(UsageEventSpec, spec), i, self.scenario, self.window)
                            for i, spec in events))
        self._next_id = next_id

    def rebind(self, scenario: Scenario, check: bool = True) -> None:
        """The directory changed: the events in force resolved again against it (an event on a
        department or member covers its keys as they are now), the bounds kept for new models;
        not `check`: the events are about to be replaced (`load`), against it."""
        self.scenario = scenario
        if not check:
            return
        if self.events:
            self._replace(tuple(check_event(e.spec, e.id, scenario, self.window) for e in self.events))
        elif self.room is not None:
            self.room.rebind(scenario)

    @property
    def next_id(self) -> int:
        return self._next_id

    def work_of(self, event: UsageEvent) -> int:
        """What the event may cost a request: keys × models × days covered (at most max_days)."""
        keys = len(event.key_ids) if event.key_ids is not None else len(self.scenario.api_keys)
        models = 1 if event.spec.modelId is not None else len(self.scenario.models)
        days = min(-(-(event.end - event.start) // 86_400), self.max_days)
        return keys * models * days

    def _replace(self, events: tuple[UsageEvent, ...]) -> None:
        """The events in force, and what they could add up to counted again."""
        self.work = sum(self.work_of(e) for e in events)
        if self._new_room is not None:
            self.room = self._new_room()
            for e in events:
                self.room.add(e)
        self.events = events
        self._by_id = {e.id: e for e in events}
