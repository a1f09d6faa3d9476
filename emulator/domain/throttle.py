"""The `exhaustion=throttle` form: a wallet that runs out stops its keys, and every figure agrees.

Each enabled wallet's ledger is built with throttling (`emulator.domain.ledger.build`): from the
whole hour after its balance reaches 0 or less until the whole hour after a credit takes it above
0, the keys charged to it accrue nothing. Those stops become part of the keys' lives in a derived
directory, the one every read of the request sees: model-detail, the billing family, the
breakdowns and the ledgers themselves then agree hour by hour. The ledgers are built from the
undisturbed figures (an hour is stopped or not before its usage counts), so one pass suffices.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import TYPE_CHECKING

from emulator.domain.life import ALWAYS, NEVER, Life, both
from emulator.domain.query import DataState
from emulator.domain.scenario import ApiKey, Scenario
from emulator.domain.timeline import HOUR

if TYPE_CHECKING:
    from emulator.domain.ledger import Ledgers

_GENERATIONS = itertools.count(-1, -1)  # derived directories: never a generation a write makes


def _outside(stops: list[tuple[int, int]]) -> Life:
    """The life that is every instant but the stops (sorted, disjoint)."""
    out: list[tuple[int, int]] = []
    start = ALWAYS
    for a, b in stops:
        if a > start:
            out.append((start, a))
        start = max(start, b)
    if start < NEVER:
        out.append((start, NEVER))
    return Life(tuple(out))


def throttled(ledgers: Ledgers, scenario: Scenario, state: DataState) -> Scenario:
    """The directory with the stops of every wallet that ran out in its keys' lives; the same
    directory when none did."""
    from emulator.domain.ledger import charged_keys

    stopped: dict[int, list[tuple[int, int]]] = {}
    for key in scenario.wallets:
        ledger = ledgers.of(scenario, key, state, throttle=True)
        if ledger is None or not ledger.throttled:
            continue
        for charged, start, end in charged_keys(scenario, key):
            for a, b in ledger.throttled:
                lo, hi = max(a, start), min(b, end)
                if lo < hi:
                    for k in charged:
                        stopped.setdefault(k.id, []).append((lo, hi))
    if not stopped:
        return scenario
    api_keys: dict[int, ApiKey] = dict(scenario.api_keys)
    for key_id, stops in stopped.items():
        k = api_keys[key_id]
        api_keys[key_id] = dataclasses.replace(k, life=both(k.life, _outside(sorted(stops))))
    return dataclasses.replace(scenario, api_keys=api_keys, generation=next(_GENERATIONS), _names=scenario._names,
                               _contacts=scenario._contacts, _fakers=scenario._fakers)


def memo_key(scenario: Scenario, state: DataState) -> tuple[object, ...]:
    """What the derived directory depends on: the directory, the closed hours, the hour of now
    (month starts and subscriptions fall on whole hours; movements change the directory) and
    the usage events."""
    return (scenario.generation, state.cutoff // HOUR, state.now // HOUR, state.events)
