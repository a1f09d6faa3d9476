"""Fault injection: make the emulator fail on demand, exactly as the real one fails.

Two ways in: request headers (`x-emulator-fault: <code>`, `x-emulator-delay-ms: N`,
`x-emulator-retry-after-ms: N`), or rules (`FaultRuleSpec`, posted to `/_emulator/faults` or
given to `Emulator.faults.add`) that match requests by action, method, query values and AccessKey id, fire a
number of times or at a seeded rate, and may add a delay. The error bodies are the catalogue's own.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Protocol

from pydantic import AfterValidator, BaseModel, Field

from emulator import errors
from emulator.errors import ApiError, ErrorSpec
from emulator.validation import STRICT, FieldError, Text, mapping_of, validate
from emulator.wire import WireRequest

MAX_DELAY_MS = 60_000
MAX_RULES = 1000
FAULT_HEADER = "x-emulator-fault"
DELAY_HEADER = "x-emulator-delay-ms"
RETRY_AFTER_HEADER = "x-emulator-retry-after-ms"
FAULT_HEADERS = frozenset((FAULT_HEADER, DELAY_HEADER, RETRY_AFTER_HEADER))


def spec_for(code: str) -> ErrorSpec:
    spec = errors.CATALOGUE.get(code)
    if spec is None:
        raise ValueError(f"unknown error code {errors.echo(code)!r}; "
                         f"choose one of {', '.join(sorted(errors.CATALOGUE))}")
    return spec


def _known_code(code: str) -> str:
    spec_for(code)
    return code


def _known_action(name: str) -> str:
    from emulator.api.table import BY_NAME  # the table, not the other way round

    if name not in BY_NAME:
        raise ValueError(f"unknown action {errors.echo(name)!r}; the actions are the SDK's, like "
                         "ModelRouterCreateApiKey (GET /_emulator/scenario lists them)")
    return name


def _method(name: str) -> str:
    if name not in ("GET", "POST", "PUT", "DELETE"):
        raise ValueError("must be GET, POST, PUT or DELETE")
    return name


class FaultMatch(BaseModel):
    """Which requests a rule applies to: the action, the method, every listed query value and the
    AccessKey id, each when given, must be equal."""

    model_config = STRICT
    action: Annotated[Text, AfterValidator(_known_action)] | None = Field(
        None, description="One action, by its name: ModelRouterCreateApiKey.")
    method: Annotated[Text, AfterValidator(_method)] | None = Field(None, description="GET, POST, PUT or DELETE.")
    query: dict[Annotated[Text, Field(max_length=128)], Annotated[Text, Field(max_length=1024)] | int] = Field(
        default_factory=dict, max_length=32)
    accessKeyId: Annotated[Text, Field(max_length=128)] | None = None


class FaultRuleSpec(BaseModel):
    """A fault rule as a test states it (the body of `POST /_emulator/faults`)."""

    model_config = STRICT
    code: Annotated[Text, AfterValidator(_known_code)] | None = Field(
        None, description="An error code of the catalogue; absent: the rule only delays.")
    match: FaultMatch = Field(default_factory=lambda: FaultMatch.model_validate({}))
    times: int | None = Field(None, ge=1, le=2**31, description="Fires this many times, then stops; absent: no limit.")
    rate: float = Field(1.0, ge=0, le=1,
                        description="The chance per matching request, from a stream seeded by the seed.")
    delayMs: int = Field(0, ge=0, le=MAX_DELAY_MS, description="Milliseconds to wait before answering.")
    retryAfterMs: int | None = Field(
        None, ge=1, le=86_400_000, description="Sent as the x-acs-retry-after header (the SDK's ThrottlingException).")


@dataclass
class FaultRule:
    id: int
    spec: FaultRuleSpec
    times: int | None  # fires this many times more, then stops; None: no limit
    hits: int = 0

    def public(self) -> dict[str, Any]:
        s = self.spec
        return {"id": self.id, "code": s.code, "match": {"action": s.match.action, "method": s.match.method,
                                                         "query": {k: str(v) for k, v in s.match.query.items()},
                                                         "accessKeyId": s.match.accessKeyId},
                "times": self.times, "rate": s.rate, "delayMs": s.delayMs, "retryAfterMs": s.retryAfterMs,
                "hits": self.hits}

    def matches(self, query: dict[str, str], access_key_id: str | None, action: str, method: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        m = self.spec.match
        if m.accessKeyId is not None and m.accessKeyId != access_key_id:
            return False
        if (m.action is not None and m.action != action) or (m.method is not None and m.method != method):
            return False
        return all(query.get(k) == str(v) for k, v in m.query.items())


@dataclass(frozen=True)
class Injection:
    error: ApiError | None
    delay_ms: int


def _injected(code: str | None, source: str, retry_after_ms: int | None) -> ApiError | None:
    if code is None:
        return None
    return ApiError(spec_for(code), reason=f"injected by {source}", retry_after_ms=retry_after_ms)


def _header_int(req: WireRequest, name: str, low: int, high: int) -> int | None:
    """An integer header in low..high, judged before conversion (a 5,000-digit value is refused at once)."""
    raw = req.header(name)
    if raw is None:
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(high)) and low <= int(raw) <= high):
        raise errors.invalid_parameter(name, f"must be an integer from {low} to {high}, got \"{errors.echo(raw)}\"")
    return int(raw)


def chance(seed: int, rule_id: int, draw: int) -> float:
    """The `draw`-th number in [0, 1) of a rule's stream: seeded, the same in every worker."""
    digest = hashlib.blake2b(b"%d|%d|%d" % (seed, rule_id, draw), digest_size=8, person=b"fault-rate").digest()
    return int.from_bytes(digest, "little") / 2**64


class Counters(Protocol):
    """Where hits and draws are counted: the store (every worker shares them) or this process."""

    def fire_fault(self, rule_id: int) -> bool: ...

    def draw_fault(self, rule_id: int) -> int: ...

    def fault_counters(self) -> dict[int, tuple[int | None, int]]: ...


class _LocalCounters:
    def __init__(self, book: FaultBook) -> None:
        self.book = book
        self.draws: dict[int, int] = {}

    def fire_fault(self, rule_id: int) -> bool:
        rule = next((r for r in self.book._rules if r.id == rule_id), None)
        if rule is None or (rule.times is not None and rule.times <= 0):
            return False
        rule.hits += 1
        rule.times = rule.times - 1 if rule.times is not None else None
        return True

    def draw_fault(self, rule_id: int) -> int:
        self.draws[rule_id] = self.draws.get(rule_id, -1) + 1
        return self.draws[rule_id]

    def fault_counters(self) -> dict[int, tuple[int | None, int]]:
        return {r.id: (r.times, r.hits) for r in self.book._rules}


def check_rule(spec: Any) -> FaultRuleSpec:
    """A rule as declared, and one that does something: FieldError naming the field otherwise."""
    checked = validate(FaultRuleSpec, spec)
    if checked.code is None and checked.delayMs == 0:
        raise FieldError("code", "a rule needs a code, a delayMs, or both")
    if checked.retryAfterMs is not None and checked.code is None:
        raise FieldError("retryAfterMs", "needs a code: only an error carries x-acs-retry-after")
    return checked


class FaultBook:
    """The active rules. A change is written through `commit` (the store) and applied by `load`
    once committed; hits, times left and rate draws are counted by `counters` (the store), so a
    rule that fires once fires once whichever worker gets the request. Used alone (no commit)
    it keeps everything in this process."""

    def __init__(self, seed: int, commit: Callable[[Callable[[Any], Any]], Any] | None = None,
                 counters: Counters | None = None) -> None:
        self.seed = seed
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._lock = threading.Lock()
        self._commit = commit
        self._counters: Counters = counters if counters is not None else _LocalCounters(self)

    def load(self, rules: list[tuple[int, dict[str, Any], int | None, int]], next_id: int) -> None:
        """The rules as the store has them: (id, spec, times left, hits)."""
        self._rules = [FaultRule(i, validate(FaultRuleSpec, spec), times, hits) for i, spec, times, hits in rules]
        self._next_id = next_id

    def _run(self, write: Callable[[Any], Any]) -> Any:
        if self._commit is None:
            with self._lock:
                return write(None)
        return self._commit(write)

    def add(self, spec: Mapping[str, Any] | FaultRuleSpec | None = None, **fields: Any) -> FaultRule:
        """Add a rule; a malformed one raises FieldError naming the field and changes nothing."""
        checked = check_rule(mapping_of(spec, **fields))

        def write(writer: Any) -> int:
            if len(self._rules) >= MAX_RULES:
                raise FieldError("body", f"there are already {MAX_RULES} fault rules; remove some first")
            rule_id = self._next_id
            if writer is None:
                self._rules.append(FaultRule(rule_id, checked, checked.times))
                self._next_id += 1
            else:
                writer.add_fault(rule_id, checked.model_dump(exclude_none=True), checked.times)
            return rule_id
        rule_id = self._run(write)
        return next(r for r in self._rules if r.id == rule_id)

    def rules(self) -> list[FaultRule]:
        """The rules, with their hits and times left as counted by every worker."""
        counted = self._counters.fault_counters()
        out = []
        for r in list(self._rules):
            times, hits = counted.get(r.id, (r.times, r.hits))
            out.append(FaultRule(r.id, r.spec, times, hits))
        return out

    def remove(self, rule_id: int) -> bool:
        def write(writer: Any) -> bool:
            if all(r.id != rule_id for r in self._rules):
                return False
            if writer is None:
                self._rules = [r for r in self._rules if r.id != rule_id]
            else:
                writer.remove_fault(rule_id)
            return True
        return bool(self._run(write))

    def clear(self) -> None:
        def write(writer: Any) -> None:
            if writer is None:
                self._rules, self._next_id = [], 1
            else:
                writer.set_faults([], 1)
        self._run(write)

    def injection_for(self, req: WireRequest, access_key_id: str | None, action: str = "") -> Injection | None:
        """The headers' fault wins; otherwise the first matching rule that fires."""
        rules = self._rules
        if not rules and not req.has_any(FAULT_HEADERS):
            return None
        header_code = req.header(FAULT_HEADER)
        delay = _header_int(req, DELAY_HEADER, 0, MAX_DELAY_MS)
        retry_after = _header_int(req, RETRY_AFTER_HEADER, 1, 86_400_000)
        if header_code is not None or delay is not None:
            try:
                err = _injected(header_code.strip() or None, f"the {FAULT_HEADER} header", retry_after) \
                    if header_code else None
            except ValueError as exc:
                raise errors.invalid_parameter(FAULT_HEADER, str(exc)) from None
            return Injection(err, delay or 0)
        if not rules:
            return None
        query = {}
        try:
            query = dict(req.query)
        except ApiError:
            pass  # an undecodable query matches no rule by value; validation will name it
        for rule in rules:
            if not rule.matches(query, access_key_id, action, req.method):
                continue
            s = rule.spec
            if s.rate < 1 and chance(self.seed, rule.id, self._counters.draw_fault(rule.id)) >= s.rate:
                continue
            if not self._counters.fire_fault(rule.id):
                rule.times = 0  # spent, in another worker perhaps
                continue
            return Injection(_injected(s.code, f"fault rule {rule.id}", s.retryAfterMs), s.delayMs)
        return None
