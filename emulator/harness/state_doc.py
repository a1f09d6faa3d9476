"""The changed state as one JSON document (`GET/PUT /_emulator/state`, `Emulator.export_state()` /
`import_state(doc)`): what a test changed, to save with a bug report and start another run from.

The document holds only what changed from the started state (switched forms, the data clock,
the usage events in force, fault rules with their counters, the operations of writes), in a
deterministic order, and names the seed and fixture it belongs to. An import is checked in full
first, against a scratch copy of the world, and then replaces the state in one transaction: all
or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from emulator.domain.clock import MAX_INSTANT, MAX_LAG_MINUTES, ClockState, parse_instant
from emulator.domain.events import MAX_EVENTS, EventBook
from emulator.domain.operations import MAX_OPERATIONS
from emulator.harness.faults import MAX_RULES, check_rule
from emulator.store.sqlite import FORMAT
from emulator.validation import FieldError, validate

if TYPE_CHECKING:
    from emulator.harness.state import WorldState

DOC_VERSION = 1
_LOOSE = ConfigDict(extra="forbid", strict=True)


class ClockDoc(BaseModel):
    model_config = _LOOSE
    now: Annotated[int, Field(ge=0, lt=MAX_INSTANT)] | None = None  # None: the wall clock
    dataLagMinutes: Annotated[int, Field(ge=0, le=MAX_LAG_MINUTES)] = 0


class EventDoc(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    id: Annotated[int, Field(ge=1, le=2**62)]


class FaultDoc(BaseModel):
    model_config = _LOOSE
    id: Annotated[int, Field(ge=1, le=2**62)]
    spec: dict[str, Any]
    timesLeft: Annotated[int, Field(ge=0, le=2**31)] | None = None
    hits: Annotated[int, Field(ge=0, le=2**62)] = 0


class OperationDoc(BaseModel):
    model_config = _LOOSE
    name: Annotated[str, Field(min_length=1, max_length=64)]
    args: dict[str, Any]
    at: Annotated[int, Field(ge=0, lt=MAX_INSTANT)]


class StateDoc(BaseModel):
    """The document's declared shape (the body of `PUT /_emulator/state`)."""

    model_config = _LOOSE
    format: Literal["aicontent-emulator state"]
    version: Annotated[int, Field(ge=1, le=DOC_VERSION)]
    seed: int
    fixture: Annotated[str, Field(max_length=128)]
    forms: dict[str, str] = {}
    clock: ClockDoc | None = None
    usageEvents: Annotated[list[EventDoc], Field(max_length=MAX_EVENTS)] = []
    nextEventId: Annotated[int, Field(ge=1, le=2**62)] = 1
    faultRules: Annotated[list[FaultDoc], Field(max_length=MAX_RULES)] = []
    nextFaultRuleId: Annotated[int, Field(ge=1, le=2**62)] = 1
    operations: Annotated[list[OperationDoc], Field(max_length=MAX_OPERATIONS)] = []


def export(state: WorldState) -> dict[str, Any]:
    state.sync()
    snap = state.store.snapshot()
    counters = state.store.fault_counters()
    clock = None if snap.clock is None else {"now": snap.clock[0], "dataLagMinutes": snap.clock[1]}
    return {
        "format": FORMAT, "version": DOC_VERSION, "seed": state.settings.seed, "fixture": state.identity.fixture,
        "forms": dict(sorted(snap.forms.items())), "clock": clock,
        "usageEvents": [{"id": i, **spec} for i, spec in snap.events], "nextEventId": snap.next_event_id,
        "faultRules": [{"id": i, "spec": spec, "timesLeft": counters.get(i, (t, h))[0],
                        "hits": counters.get(i, (t, h))[1]} for i, spec, t, h in snap.faults],
        "nextFaultRuleId": snap.next_fault_id,
        "operations": [{"name": n, "args": a, "at": at} for _, n, a, at in snap.operations],
    }


def import_(state: WorldState, raw: Any,
            scratch: Callable[[list[tuple[str, dict[str, Any], int]]], EventBook]) -> None:
    """Replace the changed state with the document's; FieldError (naming the field) if any part
    of it could not be applied, and then nothing changes. `scratch(operations)` replays the
    document's operations on the fixture's scenario (FieldError naming the operation) and gives
    an empty event book of the scenario they make, kept in memory, to check the events in order."""
    doc = validate(StateDoc, raw)
    if doc.seed != state.settings.seed or doc.fixture != state.identity.fixture:
        raise FieldError("fixture" if doc.seed == state.settings.seed else "seed",
                         f"the document is the state of another scenario (seed {doc.seed}); this emulator runs seed "
                         f"{state.settings.seed} with its own fixture file")
    forms = state.started_forms.replaced(**doc.forms)  # raises FieldError naming the form
    clock = None
    if doc.clock is not None:
        if doc.clock.now is not None:
            parse_instant(doc.clock.now, "clock.now")
        clock = (doc.clock.now, doc.clock.dataLagMinutes)
        if ClockState(*clock) == ClockState(state.settings.now, state.settings.data_lag_minutes):
            clock = None
    operations = [(o.name, o.args, o.at) for o in doc.operations]
    scratch_events = scratch(operations)
    events = []
    last = 0
    for i, e in enumerate(doc.usageEvents):
        spec = {k: v for k, v in (e.model_extra or {}).items()}
        if e.id <= last or e.id >= doc.nextEventId:
            raise FieldError(f"usageEvents.{i}.id", "ids must ascend and be below nextEventId")
        try:
            scratch_events.add_with_id(e.id, spec)
        except FieldError as exc:
            raise FieldError(f"usageEvents.{i}.{exc.field}", exc.reason) from None
        events.append((e.id, spec))
        last = e.id
    rules: list[tuple[int, dict[str, Any], int | None, int]] = []
    for i, f in enumerate(doc.faultRules):
        try:
            checked = check_rule(f.spec)
        except FieldError as exc:
            raise FieldError(f"faultRules.{i}.spec.{exc.field}", exc.reason) from None
        if f.id >= doc.nextFaultRuleId or any(f.id == r[0] for r in rules):
            raise FieldError(f"faultRules.{i}.id", "ids must be unique and below nextFaultRuleId")
        rules.append((f.id, checked.model_dump(exclude_none=True), f.timesLeft, f.hits))

    def write(writer: Any) -> None:
        writer.set_forms({k: v for k, v in forms.items() if v != state.started_forms[k]})
        writer.set_clock(clock)
        writer.set_events(events, doc.nextEventId)
        writer.set_faults(rules, doc.nextFaultRuleId)
        writer.set_operations(operations)
    state.commit(write)
