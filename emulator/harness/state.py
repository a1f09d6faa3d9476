"""One world for every worker: what changes at run time, kept in the store and applied by each
process as it changes.

`WorldState` owns the store and the parts of the world that change (forms, the data clock,
usage events, fault rules, nonces, the journal). A change goes through `commit`: under the
store's write lock the process first catches up with every change made elsewhere, then the part
checks the change against that state and writes it, the transaction commits (with its entry in
the change log), and the process applies it. Every request starts with `sync`, one 8-byte read
when nothing changed. Reset returns every worker to the started state.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from emulator.api.world import Forms
from emulator.auth.nonces import NonceCache, SharedNonces
from emulator.domain.clock import DataClock
from emulator.domain.events import EventBook
from emulator.harness.faults import FaultBook
from emulator.harness.journal import Journal
from emulator.settings import Settings
from emulator.store.sqlite import Identity, Snapshot, Store, Writer

T = TypeVar("T")
OnOperations = Callable[[list[tuple[int, str, dict[str, Any], int]], bool, bool], None]
SHARED_ENV = "AICONTENT_EMULATOR_SHARED_STATE"  # set by the CLI for its workers: the parent owns the state
TEMPORARY_ENV = "AICONTENT_EMULATOR_TEMPORARY_STATE"  # ... and it is a temporary one (no --state)


def state_path(settings: Settings) -> tuple[Path, bool]:
    """(the store's file, whether this process made it for itself and removes it when done)."""
    if settings.state:
        return Path(settings.state), False
    folder = tempfile.mkdtemp(prefix="aicontent-emulator-")
    return Path(folder) / "state.db", True


class WorldState:
    def __init__(self, settings: Settings, identity: Identity, events: Callable[[Callable[..., Any]], EventBook],
                 owner: bool = True, on_operations: OnOperations | None = None) -> None:
        """`events` makes the event book with the commit it is given (the fixture's events are
        checked by it, before anything is stored); `on_operations` applies the directory's
        stored operations (all of them, or those after the last applied), before the events
        that may name what they made."""
        self.settings = settings
        self.identity = identity
        path, temporary = state_path(settings)
        self.path = path
        self.clock = DataClock(settings.now, settings.data_lag_minutes, commit=self.commit)
        self.events = events(self.commit)
        self.temporary = temporary or os.environ.get(TEMPORARY_ENV) == "1"  # a CLI's workers: their parent's
        self.store = Store(path, identity, list(self.events.started), owner=owner, durable=not self.temporary)
        # A temporary state goes when the emulator stops (close), or at the latest with this object.
        self._remove = weakref.finalize(self, shutil.rmtree, path.parent, True) if temporary else None
        self.faults = FaultBook(settings.seed, commit=self.commit, counters=self.store)
        # What only this process could see stays in it: with one worker and no --state, the nonces
        # and the journal need no store (and requests pay nothing for it).
        shared = settings.workers > 1 or bool(settings.state)
        self.nonces: NonceCache | SharedNonces = SharedNonces(self.store) if shared else NonceCache()
        self.journal = Journal(settings.journal_size, self.store if shared else None)
        self.started_forms = Forms.of(settings)
        self.forms = self.started_forms
        self.loaded = -1  # the last change applied
        self.on_operations = on_operations
        self.sync()

    # -- catching up -------------------------------------------------------------------------------
    def sync(self) -> None:
        """Apply every change made since the last one applied (by any worker)."""
        if self.store.shared.get() != self.loaded:
            self._catch_up()

    def _catch_up(self) -> None:
        changes, part = self.store.changes_since(self.loaded)
        if part is None or not changes:
            return
        if any(c.component == "all" for c in changes):
            self._load(part)
            return
        touched = {c.component for c in changes}
        if "forms" in touched:
            self.forms = self.started_forms.replaced(**part.forms)
        if "clock" in touched:
            self.clock.load(part.clock)
        reload = "events" in touched and any(c.component == "events" and c.kind != "add" for c in changes)
        if "operations" in touched and self.on_operations is not None:
            whole = any(c.component == "operations" and c.kind == "reset" for c in changes)
            after = 0 if whole else min(c.ref or 0 for c in changes if c.component == "operations") - 1
            # the events in force are resolved again against the new directory, unless they are
            # replaced next (those of before may name what the new directory does not have)
            self.on_operations(self.store.operations_after(after), whole, not reload)
        if "events" in touched:
            if reload:
                self.events.load(self.store.snapshot().events, part.next_event_id)
            else:
                self.events.apply(part.events)
        if "faults" in touched:
            self.faults.load(part.faults, part.next_fault_id)
        self.loaded = part.version

    def _load(self, snap: Snapshot) -> None:
        self.forms = self.started_forms.replaced(**snap.forms)
        self.clock.load(snap.clock)
        if self.on_operations is not None:
            self.on_operations(snap.operations, True, False)  # the events are loaded next, against it
        self.events.load(snap.events, snap.next_event_id)
        self.faults.load(snap.faults, snap.next_fault_id)
        self.loaded = snap.version

    # -- changing ----------------------------------------------------------------------------------
    def commit(self, write: Callable[[Writer], T], applied: Callable[[T], None] | None = None) -> T:
        """Run `write` in one write transaction, on the latest state; apply it once committed:
        by reading it back, or (`applied`) by applying what `write` already made of it, which
        is the same since nothing else could change in between."""
        with self.store.writing() as writer:
            self.sync()  # every other commit set the shared version before it committed
            result = write(writer)
        if applied is not None and self.loaded == writer.version - 1:  # the change log has only ours since
            applied(result)
            self.loaded = writer.version
        self.sync()
        return result

    def set_forms(self, **changes: str) -> Forms:
        """Switch forms of the unknowns; an unknown name or form raises FieldError, changing nothing."""
        def write(writer: Writer) -> None:
            new = self.forms.replaced(**changes)
            writer.set_forms({k: v for k, v in new.items() if v != self.started_forms[k]})
        self.commit(write)
        return self.forms

    def reset(self) -> None:
        """Every worker back to the started state: no fault rules, nonces or journal; the started
        forms, clock and usage events; no operations."""
        started = list(enumerate(self.events.started, start=1))

        def write(writer: Writer) -> None:
            writer.set_forms({})
            writer.set_clock(None)
            writer.set_events(started, len(started) + 1)
            writer.set_faults([], 1)
            writer.set_operations([])
        self.commit(write)
        self.nonces.clear()
        self.journal.clear()

    def close(self) -> None:
        self.journal.close()
        self.store.close()
        if self._remove is not None:
            self._remove()


def owner_of_state() -> bool:
    """Whether this process answers for its state (not a worker of a CLI that does)."""
    return os.environ.get(SHARED_ENV) != "1"
