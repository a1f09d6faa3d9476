"""Fault injection (CONTRACT §7): make the emulator fail on demand, exactly as the real one fails.

Two ways in: a request header (`x-emulator-fault: <code>`, `x-emulator-delay-ms: N`), or rules
posted to `/_emulator/faults` that match requests by query values and AccessKey id, fire a number
of times or at a seeded rate, and may add a delay. The error bodies are the catalogue's own.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from emulator import errors
from emulator.errors import ApiError, ErrorSpec
from emulator.wire import WireRequest

MAX_DELAY_MS = 60_000
FAULT_HEADER = "x-emulator-fault"
DELAY_HEADER = "x-emulator-delay-ms"


class FaultSpecError(ValueError):
    """A fault rule or header the emulator cannot apply; the message says which field and why."""


def spec_for(code: str) -> ErrorSpec:
    spec = errors.CATALOGUE.get(code)
    if spec is None:
        raise FaultSpecError(f"unknown error code {code!r}; choose one of {', '.join(sorted(errors.CATALOGUE))}")
    return spec


def _delay(value: Any, what: str) -> int:
    if isinstance(value, str):
        value = int(value) if value.isascii() and value.isdigit() else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DELAY_MS:
        raise FaultSpecError(f"{what} must be an integer number of milliseconds from 0 to {MAX_DELAY_MS}")
    return value


@dataclass
class FaultRule:
    id: int
    code: str | None  # None: a delay only
    query: dict[str, str]  # every listed parameter must have exactly this value
    access_key_id: str | None
    times: int | None  # fires this many times more, then stops; None: no limit
    rate: float  # chance per matching request, drawn from a seeded stream
    delay_ms: int
    hits: int = 0
    _rng: random.Random = field(repr=False, default_factory=random.Random)

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "code": self.code, "match": {"query": self.query, "accessKeyId": self.access_key_id},
                "times": self.times, "rate": self.rate, "delayMs": self.delay_ms, "hits": self.hits}

    def matches(self, query: dict[str, str], access_key_id: str | None) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.access_key_id is not None and self.access_key_id != access_key_id:
            return False
        return all(query.get(k) == v for k, v in self.query.items())


@dataclass(frozen=True)
class Injection:
    error: ApiError | None
    delay_ms: int


class FaultBook:
    """The active rules. Thread-safe: the control API and the Emulator helper may touch it."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._lock = threading.Lock()

    def add(self, spec: Any) -> FaultRule:
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault rule must be a JSON object")
        unknown = set(spec) - {"code", "match", "times", "rate", "delayMs"}
        if unknown:
            raise FaultSpecError(f"unknown field(s) {sorted(unknown)}; use code, match, times, rate, delayMs")
        code = spec.get("code")
        if code is not None:
            spec_for(code)
        match = spec.get("match") or {}
        if not isinstance(match, dict) or set(match) - {"query", "accessKeyId"}:
            raise FaultSpecError('match must be an object with "query" and/or "accessKeyId"')
        query = match.get("query") or {}
        if not isinstance(query, dict) or not all(isinstance(v, (str, int)) for v in query.values()):
            raise FaultSpecError("match.query must map parameter names to values")
        times = spec.get("times")
        if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
            raise FaultSpecError("times must be a positive integer (or absent for no limit)")
        rate = spec.get("rate", 1.0)
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise FaultSpecError("rate must be a number from 0 to 1")
        delay = _delay(spec.get("delayMs", 0), "delayMs")
        if code is None and delay == 0:
            raise FaultSpecError("a rule needs a code, a delayMs, or both")
        ak = match.get("accessKeyId")
        if ak is not None and not isinstance(ak, str):
            raise FaultSpecError("match.accessKeyId must be a string")
        with self._lock:
            rule = FaultRule(self._next_id, code, {k: str(v) for k, v in query.items()}, ak, times, float(rate),
                             delay, _rng=random.Random(self.seed * 1_000_003 + self._next_id))
            self._next_id += 1
            self._rules.append(rule)
        return rule

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._next_id = 1

    def injection_for(self, req: WireRequest, access_key_id: str | None) -> Injection | None:
        """The header's fault wins; otherwise the first matching rule that fires."""
        header_code, header_delay = req.header(FAULT_HEADER), req.header(DELAY_HEADER)
        if header_code is not None or header_delay is not None:
            try:
                err = ApiError(spec_for(header_code.strip())) if header_code else None
                delay = _delay(header_delay.strip(), DELAY_HEADER) if header_delay else 0
            except FaultSpecError as exc:
                raise errors.invalid_parameter(FAULT_HEADER if header_code else DELAY_HEADER, str(exc)) from None
            return Injection(err, delay)
        if not self._rules:
            return None
        query = {}
        try:
            query = dict(req.query)
        except ApiError:
            pass  # an undecodable query matches no rule by value; validation will name it
        with self._lock:
            for rule in self._rules:
                if rule.matches(query, access_key_id) and (rule.rate >= 1 or rule._rng.random() < rule.rate):
                    rule.hits += 1
                    if rule.times is not None:
                        rule.times -= 1
                    return Injection(ApiError(spec_for(rule.code)) if rule.code else None, rule.delay_ms)
        return None
