"""The emulated API behind any transport: one request in, one reply out.

`Service.handle` runs the whole pipeline in the order written once below. It knows nothing of
ASGI or FastAPI; the web layer only turns a connection into a `WireRequest` and a `Reply` back.
What a test may change while it runs (forms, the data clock) lives here, and `reset` returns
it to the started settings.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import os
import random
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from emulator import errors, render
from emulator.api import bodies, parsing
from emulator.api.answers import Answers
from emulator.api.call import Call
from emulator.api.resolve import Resolution, resolve
from emulator.api.spec import VERSION, Action, Limits
from emulator.api.table import ROUTER
from emulator.api.world import Forms, World
from emulator.auth.accounts import AccountBook, load_accounts
from emulator.auth.authenticate import authenticate, claimed_access_key
from emulator.auth.permission import check_action, organization_of, scope_bytes, visible_departments
from emulator.auth.policy import RequestContext
from emulator.domain import throttle
from emulator.domain.aggregate import Aggregator
from emulator.domain.directory import Draft, Refused
from emulator.domain.events import EventBook
from emulator.domain.figures import Figures, Room
from emulator.domain.ledger import Ledgers
from emulator.domain.operations import MAX_OPERATIONS, OPERATIONS, apply, replay
from emulator.domain.query import DataState
from emulator.domain.scenario import Scenario, ScenarioError, load_scenario
from emulator.domain.timeline import DAY
from emulator.domain.tokens import PageTokens
from emulator.domain.usage import UsageGenerator, check_capacity
from emulator.errors import ApiError
from emulator.harness.journal import JournalEntry
from emulator.harness.state import WorldState
from emulator.settings import FORMS, Settings
from emulator.store.sqlite import Identity, StateError
from emulator.validation import FieldError
from emulator.wire import WireRequest

__all__ = ["Forms", "Reply", "Service", "new_request_id"]
Finish = Callable[[Scenario, Any, int], dict[str, Any]]

UNEXPECTED_KEPT = 20  # tracebacks of our own bugs kept for the pytest plugin (the newest)
log = logging.getLogger("emulator")


_ids = random.Random()  # request ids only, never data: seeded from the OS, reseeded in forked children
os.register_at_fork(after_in_child=_ids.seed)


def new_request_id() -> str:
    """A request id in the service's form, 592A27EF-26D3-1434-98C1-97AD63337852: random, never data."""
    h = f"{_ids.getrandbits(128):032X}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Reply(NamedTuple):  # a tuple: made on every request, cheaply
    status: int
    body: bytes
    request_id: str
    content_type: str = render.CONTENT_TYPE
    error_code: str | None = None
    reason: str | None = None
    retry_after_ms: int | None = None


HEAVY_KEY_MODEL_DAYS = 5_000  # a request over more of the generated figures than this is answered in a thread


def heavy(call: Call) -> bool:
    """Whether a call may take long enough to hold the event loop (more than a few ms): usage
    events touching its span, the omit form (the whole span is looked at), or a span over many
    keys, models and days. The common pages stay on the loop: a thread costs tens of µs."""
    args = call.args
    if "startTime" not in args:
        return False
    start: int = args["startTime"]
    end: int = args["endTime"]
    if call.state.omit_empty or any(e.start < end and e.end > start for e in call.state.events):
        return True
    models = 1 if "modelId" in args else len(call.world.scenario.models)
    keys = len(call.world.figures.contributing(call.keys, call.state.events))  # those that generate usage
    return keys * models * -(-(end - start) // 86_400) > HEAVY_KEY_MODEL_DAYS


class Service:
    def __init__(self, settings: Settings, owner: bool = True) -> None:
        """`owner`: this process answers for the state (a CLI's workers share their parent's)."""
        self.settings = settings
        self.base: Scenario = load_scenario(settings.fixtures, settings.seed)  # the fixture's directory
        self.scenario: Scenario = self.base  # the directory now: the base after the stored operations
        self.accounts: AccountBook = load_accounts(self.scenario)
        self.usage = UsageGenerator(settings.seed, settings.data_start, settings.data_end)
        check_capacity(self.usage, self.scenario)
        self.tokens = PageTokens(self.scenario.digest)
        self.figures = Figures(self.usage)
        self.aggregate = Aggregator(self.figures)
        self.limits = Limits(settings.max_span_days)
        self._world = World(self.scenario, self.figures, self.aggregate, self.tokens, Forms.of(settings),
                            settings.hourly_max_days, self._write, Ledgers(self.aggregate))
        self._events: EventBook | None = None
        self._throttle_memo: dict[tuple[object, ...], tuple[World, World]] = {}
        self.answers = Answers()  # reads' bodies, kept for their repeats (emulator.api.answers)
        try:
            self.state = WorldState(settings, Identity(settings.seed, self.scenario.digest.hex()), self._event_book,
                                    owner=owner, on_operations=self._on_operations)
        except StateError as exc:
            raise ScenarioError(str(exc)) from None
        self.clock, self.events, self.faults = self.state.clock, self.state.events, self.state.faults
        self.nonces, self.journal = self.state.nonces, self.state.journal
        self.unexpected: deque[str] = deque(maxlen=UNEXPECTED_KEPT)  # our bugs, for the pytest plugin
        self._pool: ThreadPoolExecutor | None = None

    def _event_book(self, commit: Callable[[Callable[[Any], Any]], Any]) -> EventBook:
        """The fixture's `usageEvents`, checked like events posted at run time."""
        window = (self.usage.window_start, self.usage.window_start + self.usage.days * DAY)
        try:
            self._events = EventBook(self.scenario, window, self.scenario.spec.usageEvents,
                                     room=lambda: Room(self.usage, self.scenario),
                                     max_days=self.settings.max_span_days + 1, commit=commit)
        except FieldError as exc:
            raise ScenarioError(f"{self.scenario.source}: {exc}") from None
        return self._events

    # -- the directory's writes --------------------------------------------------------------------
    def _on_operations(self, operations: list[tuple[int, str, dict[str, Any], int]], whole: bool,
                       rebind: bool) -> None:
        """Stored operations applied: all of them from the fixture's directory, or the new ones;
        `rebind`: the events in force resolved again against it (not when they are loaded next)."""
        listed = [(name, args, at) for _, name, args, at in operations]
        if not whole and not listed:
            return
        try:
            scenario = replay(self.base if whole else self.scenario, listed)
        except Refused as exc:  # the store holds what this fixture cannot replay: not ours to fix
            raise StateError(f"the state's operations do not apply to this fixture: {exc}") from None
        self._install(scenario, rebind)

    def _install(self, scenario: Scenario, rebind: bool = True) -> None:
        self.scenario = scenario
        self._world = dataclasses.replace(self._world, scenario=scenario)
        if self._events is not None:
            self._events.rebind(scenario, check=rebind)

    def _write(self, name: str, args: dict[str, Any], finish: Finish | None = None) -> tuple[Any, World]:
        """One named operation at the data clock's now: checked on a draft of the latest
        directory (Refused: nothing is stored), stored, then applied by every worker (this one
        installs the draft it checked). Gives the operation's result and the world it made.
        `finish(directory, result, at)`: what the operation should also keep, figured from the
        directory it made (a money write's answer): then it is made again with those arguments."""
        def txn(writer: Any) -> tuple[Any, Draft]:
            nonlocal args
            at = self.clock.now()
            held = self.scenario.serials.get("operations", 0)
            if held >= MAX_OPERATIONS:  # what is kept is bounded: a state document holds as many
                raise errors.rejected(errors.TOO_MANY_CHANGES, f"the world holds {held} writes, the most it keeps")
            draft = Draft(self.scenario)
            result = apply(draft, name, args, at)
            extra = finish(draft.publish(), result, at) if finish is not None else None
            if extra:
                args = {**args, **extra}
                draft = Draft(self.scenario)
                result = apply(draft, name, args, at)
            writer.add_operation(name, args, at)
            return result, draft
        result, _ = self.state.commit(txn, applied=lambda done: self._install(done[1].publish()))
        return result, self.world

    @property
    def world(self) -> World:
        """What actions see: replaced whole when something it holds changes."""
        if self._world.forms is not self.state.forms:
            self._world = self._world.with_forms(self.state.forms)
        return self._world

    def sync(self) -> None:
        """Catch up with every change made by any worker."""
        self.state.sync()

    def export_state(self) -> dict[str, Any]:
        """The changed state as one JSON document (README "One world")."""
        from emulator.harness.state_doc import export

        return export(self.state)

    def import_state(self, doc: Any) -> None:
        """Replace the changed state with a document's, checked in full first (FieldError)."""
        from emulator.harness.state_doc import import_

        def scratch(operations: list[tuple[str, dict[str, Any], int]]) -> EventBook:
            for i, (name, args, at) in enumerate(operations):
                if name not in OPERATIONS:
                    raise FieldError(f"operations.{i}.name", f"{name!r} is not an operation of the directory")
                try:
                    apply(draft, name, args, at)
                except Refused as exc:
                    raise FieldError(f"operations.{i}.args.{exc.field}", exc.reason) from None
                except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:  # written by hand
                    raise FieldError(f"operations.{i}.args", f"cannot be applied: {type(exc).__name__} "
                                                             f"{errors.echo(str(exc))}") from None
            scenario = draft.publish()
            return EventBook(scenario, self.events.window, room=lambda: Room(self.usage, scenario),
                             max_days=self.settings.max_span_days + 1)
        draft = Draft(self.base)
        import_(self.state, doc, scratch)

    def reset(self) -> None:
        """Every worker back to the started state: no fault rules, nonces or journal; the started
        forms, clock and usage events."""
        self.state.reset()
        self.unexpected.clear()

    @property
    def forms(self) -> Forms:
        return self.state.forms

    def data_state(self) -> DataState:
        """The clock's cutoff, the events and the empty-bucket form, taken once for a request."""
        now, cutoff = self.clock.instants()
        return DataState(cutoff, self.events.events, self.forms.empty_buckets == "omit", now)

    def set_forms(self, **changes: str) -> Forms:
        """Switch forms of the unknowns; an unknown name or form raises FieldError, changing nothing."""
        return self.state.set_forms(**changes)

    def effective_config(self) -> dict[str, Any]:
        """The settings with what was switched at run time in force (`GET /_emulator/config`)."""
        out = self.settings.as_public_dict()
        out.update(self.forms.public())
        out["forms"] = {name: list(values) for name, values in FORMS.items()}  # what PATCH takes
        out["now"] = self.clock.now() if self.clock.fixed else None
        out["data_lag_minutes"] = self.clock.lag_minutes
        return out

    async def handle(self, req: WireRequest) -> Reply:
        started = time.perf_counter()
        arrived = dt.datetime.now(dt.UTC)
        request_id = new_request_id()
        access_key = claimed_access_key(req)  # unverified: for fault rules and the journal
        action: Action | None = None
        self.state.sync()  # what any worker changed: one 8-byte read when nothing did
        try:
            action, path_args = ROUTER.match(req.method, req.path, req.raw_path)
            body = await self._pipeline(req, action, path_args, request_id, arrived, access_key)
            reply = Reply(200, body, request_id)
        except ApiError as err:
            reply = self._error_reply(err, req, request_id)
        except Exception:  # a bug of ours: answer like the service would, keep the evidence
            log.exception("unexpected error handling %s %s", req.method, req.path)
            self.unexpected.append(traceback.format_exc())
            reply = self._error_reply(ApiError(errors.UNKNOWN_ERROR, reason="a bug in the emulator"), req,
                                      request_id)
        self.journal.record(JournalEntry.bounded(
            arrived.timestamp(), req.method, req.path, req.raw_query, access_key, reply.status, reply.error_code,
            request_id, round((time.perf_counter() - started) * 1000, 3), reply.reason,
            action.name if action is not None else None))
        return reply

    def _error_reply(self, err: ApiError, req: WireRequest, request_id: str) -> Reply:
        xml = not render.accepts_json(req.header("accept"))
        body, content_type = render.error(err, request_id, self.settings.host_id, xml, self.forms.product_errors)
        return Reply(err.status, body, request_id, content_type, err.code, err.reason, err.retry_after_ms)

    async def _pipeline(self, req: WireRequest, action: Action, path_args: tuple[str, ...], request_id: str,
                        now: dt.datetime, access_key: str | None) -> bytes:
        # The order of checks, written once for every action of the table:
        #  1. routing: a method and path template of the action table, else 404 InvalidAction.NotFound
        #     (done by the caller, so that the journal names the action)
        #  2. x-acs-action / x-acs-version, when sent, must name the routed action and this version
        #  3. injected faults (header or rule), after an optional delay
        #  4. authentication: the auth mode, then the signature checks (auth/authenticate.py)
        #  5. syntax: path parameters, query parameters and their rules (api/parsing.py), the JSON
        #     body of a write (api/bodies.py); an action not emulated yet stops here: 501
        #  6. organisation of the caller: OrgNoExistException
        #  7. RAM policy for the action, where it has one: DeniedException
        #  8. what the parameters name in the caller's organisation (api/resolve.py), and the
        #     department scope of the caller: InvalidParameter, DeniedException
        #  9. the page token, bound to action, query and scope; then the action's answer
        named, version = req.header("x-acs-action"), req.header("x-acs-version")
        if named is not None and named != action.name:
            raise errors.rejected(errors.INVALID_ACTION,
                                  f"x-acs-action is {errors.echo(named)}; {req.method} {errors.echo(req.path)} is "
                                  f"{action.name}")
        if version is not None and version != VERSION:
            raise errors.rejected(errors.INVALID_VERSION,
                                  f"x-acs-version is {errors.echo(version)}; this API is version {VERSION}")
        injection = self.faults.injection_for(req, access_key, action.name)
        if injection is not None:
            if injection.delay_ms:
                await asyncio.sleep(injection.delay_ms / 1000)
            if injection.error is not None:
                raise injection.error
        settings = self.settings
        account = authenticate(req, settings.auth, self.accounts, self.nonces, now,
                               settings.clock_skew_minutes, settings.nonce_ttl_minutes)
        args = parsing.parse(action, req.query, self.limits, path_args)
        body = bodies.read(action, req.body, req.header("content-type"), req.body_size) \
            if action.method != "GET" else None
        if action.answer is None:
            raise errors.not_implemented(action.name)
        world, state = self.world, self.data_state()
        if world.forms.exhaustion == "throttle" and world.scenario.wallets:
            world = self._throttled(world, state)
        org = organization_of(account, world.scenario)
        if action.ram_action is not None:
            check_action(account, action.ram_action, RequestContext(req.client_ip, req.secure, now))
        found = resolve(action, Resolution(world, account, org, visible_departments(account, org), args))
        fingerprint = world.tokens.fingerprint(scope_bytes(account, org), parsing.canonical(action, args))
        paging = parsing.paging(action, args)
        if paging.token_style:
            offset = world.tokens.open(paging.next_token, fingerprint) if paging.next_token else 0
        else:
            offset = (paging.page - 1) * (paging.size or 0)
        kept = (action.name, fingerprint, offset, paging.size, paging.page, paging.token_style,
                world.scenario.generation, world.forms, state.cutoff, state.now, state.omit_empty, id(state.events)) \
            if action.method == "GET" else None
        if kept is not None:
            again = self.answers.get(kept, state.events, request_id)
            if again is not None:
                return again
        call = Call(action, args, request_id, account, org, found.keys, found.visible, state, paging,
                    offset, fingerprint, world, found.entities, body)
        if heavy(call):  # answered in a thread, so the event loop (health, other requests) is never held long
            answer = await asyncio.get_running_loop().run_in_executor(self._answers(), action.answer, call)
        else:
            answer = action.answer(call)
        if kept is not None:
            self.answers.put(kept, state.events, request_id, answer)
        return answer

    def _throttled(self, world: World, state: DataState) -> World:
        """The world whose directory stops the keys of wallets that ran out (exhaustion=throttle),
        made once for each directory, closed hour and usage events (the last few kept)."""
        key = throttle.memo_key(world.scenario, state)
        found = self._throttle_memo.get(key)
        if found is None or found[0] is not world:
            stopped = throttle.throttled(world.ledgers, world.scenario, state)
            found = (world, dataclasses.replace(world, scenario=stopped))
            self._throttle_memo[key] = found
            while len(self._throttle_memo) > 16:
                del self._throttle_memo[next(iter(self._throttle_memo))]
        return found[1]

    def _answers(self) -> ThreadPoolExecutor:
        if self._pool is None:
            # Several, so a request touched by events does not queue behind a long one (they share the GIL).
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="aicontent-answers")
        return self._pool

    def close(self) -> None:
        """Let go of the thread that answers heavy requests, the journal's writer and the store."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self.state.close()
