"""The store of everything that changes at run time: one SQLite database (Python's `sqlite3`,
WAL) that every worker of an emulator shares, kept across restarts when the user asks
(`--state PATH`), otherwise in a temporary directory.

What is derived from the seed and the fixture is never stored: the store holds only what
changed (forms switched, the data clock, usage events, fault rules, the operations of writes),
and the counters and logs every worker must agree on (fault hits, nonces, the journal). Every
change is logged (`changes`) in the same transaction, and the log's last entry is the world's version
(mirrored in `SharedVersion`), so each worker notices a change on its next request and applies
only what is new.

Durability: WAL with `synchronous=NORMAL`; a commit is in the database before the answer is
sent, so a process killed at any moment loses nothing it answered 2xx (an OS crash may lose the
last commits). Busy writers wait up to 10 s for the write lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.store.version import SharedVersion

FORMAT = "aicontent-emulator state"
SCHEMA = 1
SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forms(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clock(id INTEGER PRIMARY KEY CHECK (id = 1), fixed INTEGER, lag INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS faults(id INTEGER PRIMARY KEY, spec TEXT NOT NULL, times_left INTEGER,
                                  hits INTEGER NOT NULL DEFAULT 0, draws INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS operations(seq INTEGER PRIMARY KEY, name TEXT NOT NULL, args TEXT NOT NULL,
                                      at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS nonces(digest BLOB PRIMARY KEY, until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS journal(seq INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, entry TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS journal_by_time ON journal(at, seq);
CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, component TEXT NOT NULL,
                                   kind TEXT NOT NULL, ref INTEGER);
"""
MAX_CHANGES = 50_000  # then the log is folded into one "reset" (every worker loads everything once)


class StateError(ValueError):
    """A state file the emulator cannot use (another seed or fixture, a newer version, not one
    at all, or in use by another emulator); the message says which."""


@dataclass(frozen=True)
class Identity:
    """What a state belongs to: a state is only ever opened by the same seed and fixture file."""

    seed: int
    fixture: str  # hex digest of seed + fixture bytes


@dataclass
class Snapshot:
    """Everything the store holds that shapes answers, read in one transaction."""

    version: int
    forms: dict[str, str] = field(default_factory=dict)
    clock: tuple[int | None, int] | None = None  # (fixed, lag); None: the started setting
    events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    next_event_id: int = 1
    faults: list[tuple[int, dict[str, Any], int | None, int]] = field(default_factory=list)
    next_fault_id: int = 1
    operations: list[tuple[int, str, dict[str, Any], int]] = field(default_factory=list)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Change:
    """One entry of the change log: which component changed and how (`ref`: the event, rule or
    operation it names), so a worker applies only what is new."""

    seq: int
    component: str  # forms, clock, events, faults, operations, all
    kind: str  # set, add, remove, reset
    ref: int | None


class Store:
    def __init__(self, path: Path, identity: Identity, started_events: list[dict[str, Any]],
                 owner: bool = True, durable: bool = True) -> None:
        """Open (or create) the state at `path`. `owner`: this process answers for it and takes
        its lock (a worker of a CLI whose parent holds the lock opens it without). `durable`:
        kept across restarts (`--state`); a temporary state, removed when the emulator stops,
        needs no write to reach the disk before the answer (synchronous=OFF)."""
        self.path = path
        self._lock = threading.RLock()
        self._lock_fd: int | None = None
        self._made_lock = False
        if owner:
            self._take_lock()
        try:
            self._check(identity)
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={'NORMAL' if durable else 'OFF'}")
            self._create(identity, started_events)
            self.shared = SharedVersion(Path(f"{path}.version"))
            self.shared.set(max(self.shared.get(), self._last_change()))
        except sqlite3.Error as exc:
            self._release_lock(refused=True)
            raise StateError(f"cannot open the state {self.path}: {exc}") from None
        except BaseException:
            self._release_lock(refused=True)
            raise

    # -- opening ------------------------------------------------------------------------------
    def _take_lock(self) -> None:
        lock = Path(f"{self.path}.lock")
        self._made_lock = not lock.exists()
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateError(f"cannot open the state {self.path}: {exc.strerror} (does its folder exist, and may "
                             "the emulator write there?)") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StateError(f"{self.path} is in use by another emulator (its lock file {self.path}.lock is "
                             "held); stop it, or give this one another --state") from None
        self._lock_fd = fd

    def _release_lock(self, refused: bool = False) -> None:
        """Let go of the lock; a refused start removes the lock file it made."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            if refused and self._made_lock:
                Path(f"{self.path}.lock").unlink(missing_ok=True)
            self._lock_fd = None

    def _check(self, identity: Identity) -> None:
        """Refuse, without writing anything, a file that is not a state of this seed and fixture."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
            finally:
                probe.close()
        except sqlite3.DatabaseError:
            raise StateError(f"{self.path} is not an emulator state (not an SQLite database of one)") from None
        if meta.get("format") != FORMAT:
            raise StateError(f"{self.path} is not an emulator state")
        if int(meta.get("schema", "0")) > SCHEMA:
            raise StateError(f"{self.path} was written by a newer emulator (state schema {meta['schema']}, this "
                             f"one reads {SCHEMA})")
        if meta.get("seed") != str(identity.seed) or meta.get("fixture") != identity.fixture:
            theirs = "another fixture file" if meta.get("seed") == str(identity.seed) else f"seed {meta.get('seed')}"
            raise StateError(f"{self.path} is the state of another scenario ({theirs}; this emulator runs seed "
                             f"{identity.seed} with its fixture file); start with the same seed and fixtures, or "
                             "give another --state")

    def _create(self, identity: Identity, started_events: list[dict[str, Any]]) -> None:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA_SQL.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                if self.db.execute("SELECT 1 FROM meta WHERE key = 'format'").fetchone() is None:
                    for key, value in (("format", FORMAT), ("schema", SCHEMA), ("seed", identity.seed),
                                       ("fixture", identity.fixture), ("journal_total", 0)):
                        self.db.execute("INSERT INTO meta VALUES (?, ?)", (key, str(value)))
                    self._put_events(started_events)
                    self.db.execute("INSERT INTO changes(component, kind, ref) VALUES ('all', 'reset', NULL)")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self.db.close()
            self.shared.close()
            self._release_lock()

    # -- reading ------------------------------------------------------------------------------
    def _meta_int(self, key: str) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else 0

    def _last_change(self) -> int:
        row = self.db.execute("SELECT max(seq) FROM changes").fetchone()
        return int(row[0] or 0)

    def _first_change(self) -> int:
        row = self.db.execute("SELECT min(seq) FROM changes").fetchone()
        return int(row[0] or 0)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """One read transaction (or the write transaction already open)."""
        with self._lock:
            if self.db.in_transaction:
                yield
                return
            self.db.execute("BEGIN")
            try:
                yield
            finally:
                self.db.execute("COMMIT")

    def snapshot(self) -> Snapshot:
        """Everything, as of the last change."""
        with self._reading():
            snap = Snapshot(self._last_change())
            snap.forms = dict(self.db.execute("SELECT name, value FROM forms").fetchall())
            row = self.db.execute("SELECT fixed, lag FROM clock").fetchone()
            snap.clock = (row[0], row[1]) if row else None
            snap.events = [(i, json.loads(s)) for i, s in self.db.execute("SELECT id, spec FROM events ORDER BY id")]
            snap.next_event_id = max(self._meta_int("next_event_id"), 1)
            snap.faults = self._faults()
            snap.next_fault_id = max(self._meta_int("next_fault_id"), 1)
            snap.operations = self.operations_after(0)
            return snap

    def _faults(self) -> list[tuple[int, dict[str, Any], int | None, int]]:
        return [(i, json.loads(s), t, h) for i, s, t, h in
                self.db.execute("SELECT id, spec, times_left, hits FROM faults ORDER BY id")]

    def changes_since(self, seq: int) -> tuple[list[Change], Snapshot | None]:
        """The changes after `seq`, and what a worker needs to apply them: the whole snapshot
        when the log says to load everything, else (in the same transaction) the parts named."""
        with self._reading():
            changes = [Change(*row) for row in self.db.execute(
                "SELECT seq, component, kind, ref FROM changes WHERE seq > ? ORDER BY seq", (seq,))]
            if any(c.component == "all" for c in changes) or (changes and changes[0].seq > seq + 1 and seq):
                return changes, self.snapshot()  # folded or truncated: load everything
            part = Snapshot(changes[-1].seq if changes else seq)
            touched = {c.component for c in changes}
            if "forms" in touched:
                part.forms = dict(self.db.execute("SELECT name, value FROM forms").fetchall())
            if "clock" in touched:
                row = self.db.execute("SELECT fixed, lag FROM clock").fetchone()
                part.clock = (row[0], row[1]) if row else None
            if "events" in touched:
                added = [c.ref for c in changes if c.component == "events" and c.kind == "add" and c.ref]
                part.events = self._events_by_id(added)
                part.next_event_id = max(self._meta_int("next_event_id"), 1)
            if "faults" in touched:
                part.faults = self._faults()
                part.next_fault_id = max(self._meta_int("next_fault_id"), 1)
            return changes, part

    def _events_by_id(self, ids: list[int]) -> list[tuple[int, dict[str, Any]]]:
        out: list[tuple[int, dict[str, Any]]] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out += [(r[0], json.loads(r[1])) for r in self.db.execute(
                f"SELECT id, spec FROM events WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)]
        return out

    def operations_after(self, seq: int) -> list[tuple[int, str, dict[str, Any], int]]:
        with self._reading():
            return [(q, n, json.loads(a), at) for q, n, a, at in
                    self.db.execute("SELECT seq, name, args, at FROM operations WHERE seq > ? ORDER BY seq", (seq,))]

    # -- writing ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[Writer]:
        """One write transaction: everything the block does, and a new version, or nothing."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                writer = Writer(self)
                yield writer
                last = writer.logged or self._last_change()
                # checked now and then (O(1) per write); the log is then folded into one "reset"
                if last % min(1024, MAX_CHANGES) == 0 and last - self._first_change() >= MAX_CHANGES:
                    self.db.execute("DELETE FROM changes")
                    writer.log("all", "reset")
                    last = self._last_change()
                writer.version = last
                self.shared.set(last)  # under the write lock: only grows
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def _put_events(self, events: list[dict[str, Any]]) -> None:
        for i, spec in enumerate(events, start=1):
            self.db.execute("INSERT INTO events VALUES (?, ?)", (i, _dumps(spec)))
        self._set_meta("next_event_id", len(events) + 1)

    def _set_meta(self, key: str, value: int) -> None:
        self.db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, str(value)))

    # -- counters every worker shares, outside the version ------------------------------------
    def fire_fault(self, rule_id: int) -> bool:
        """Count a hit of the rule if it has times left; whether it fired."""
        with self._lock:
            cur = self.db.execute("UPDATE faults SET hits = hits + 1, times_left = times_left - 1 "
                                  "WHERE id = ? AND (times_left IS NULL OR times_left > 0)", (rule_id,))
            return cur.rowcount == 1

    def draw_fault(self, rule_id: int) -> int:
        """The next draw number of a rule with a rate (0, 1, 2, ... across every worker)."""
        with self._lock:
            row = self.db.execute("UPDATE faults SET draws = draws + 1 WHERE id = ? RETURNING draws - 1",
                                  (rule_id,)).fetchone()
            return int(row[0]) if row else 0

    def fault_counters(self) -> dict[int, tuple[int | None, int]]:
        with self._lock:
            return {i: (t, h) for i, t, h in self.db.execute("SELECT id, times_left, hits FROM faults")}

    def remember_nonce(self, digest: bytes, until: float, now: float, limit: int) -> bool:
        """Remember a nonce until `until`; False if it is remembered already (a replay)."""
        with self._lock:
            cur = self.db.execute("INSERT INTO nonces VALUES (?, ?) ON CONFLICT(digest) DO UPDATE SET "
                                  "until = excluded.until WHERE nonces.until <= ?", (digest, until, now))
            fresh = cur.rowcount == 1
            if fresh and int.from_bytes(digest[:2], "little") < 64:  # now and then: forget what expired
                self.db.execute("DELETE FROM nonces WHERE until <= ?", (now,))
                self.db.execute("DELETE FROM nonces WHERE digest IN (SELECT digest FROM nonces ORDER BY until "
                                "LIMIT max(0, (SELECT count(*) FROM nonces) - ?))", (limit,))
            return fresh

    def clear_nonces(self) -> None:
        with self._lock:
            self.db.execute("DELETE FROM nonces")

    def append_journal(self, entries: list[tuple[float, str]], keep: int) -> None:
        """Entries (the time each request arrived, the entry) of one worker, those that arrived
        before the last reset left out; the newest `keep` by arrival kept (trimmed now and then:
        a read asks for at most `keep`)."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute("SELECT value FROM meta WHERE key = 'journal_cleared'").fetchone()
                cleared = float(row[0]) if row else 0.0
                fresh = [(at, e) for at, e in entries if at >= cleared]
                self.db.executemany("INSERT INTO journal(at, entry) VALUES (?, ?)", fresh)
                self.db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'journal_total'",
                                (len(fresh),))
                first, last = self.db.execute("SELECT min(seq), max(seq) FROM journal").fetchone()
                if first is not None and last - first + 1 > keep + max(64, keep // 8):  # now and then: O(1) a row
                    self.db.execute("DELETE FROM journal WHERE seq IN (SELECT seq FROM journal ORDER BY at DESC, "
                                    "seq DESC LIMIT -1 OFFSET ?)", (keep,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def read_journal(self, limit: int | None = None) -> list[str]:
        """The newest `limit` entries kept (None: all), oldest first: in the order the requests
        arrived, whichever worker answered them."""
        with self._lock:
            rows = [e for (e,) in self.db.execute("SELECT entry FROM journal ORDER BY at DESC, seq DESC LIMIT ?",
                                                  (-1 if limit is None else limit,))]
            rows.reverse()
            return rows

    def journal_total(self) -> int:
        """Requests since the last reset, whether or not they are still kept."""
        with self._lock:
            return self._meta_int("journal_total")

    def clear_journal(self, at: float) -> None:
        """Empty the journal; entries of requests that arrived before `at`, still buffered in a
        worker, are left out when they come."""
        with self._lock:
            self.db.execute("DELETE FROM journal")
            self._set_meta("journal_total", 0)
            self.db.execute("INSERT INTO meta VALUES ('journal_cleared', ?) ON CONFLICT(key) DO UPDATE SET "
                            "value = excluded.value", (repr(at),))


class Writer:
    """What one write transaction may do to the store; each change is logged for the workers."""

    def __init__(self, store: Store) -> None:
        self.db = store.db
        self._store = store
        self.version = 0  # the store's version once the transaction's changes are in
        self.logged = 0  # the last change this transaction logged

    def log(self, component: str, kind: str, ref: int | None = None) -> None:
        cur = self.db.execute("INSERT INTO changes(component, kind, ref) VALUES (?, ?, ?)", (component, kind, ref))
        self.logged = int(cur.lastrowid or 0)

    def set_forms(self, forms: dict[str, str]) -> None:
        """The forms switched from the started settings (empty: none)."""
        self.db.execute("DELETE FROM forms")
        self.db.executemany("INSERT INTO forms VALUES (?, ?)", sorted(forms.items()))
        self.log("forms", "set")

    def set_clock(self, clock: tuple[int | None, int] | None) -> None:
        """(fixed, lag), or None: the started setting."""
        self.db.execute("DELETE FROM clock")
        if clock is not None:
            self.db.execute("INSERT INTO clock VALUES (1, ?, ?)", clock)
        self.log("clock", "set")

    def add_event(self, event_id: int, spec: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO events VALUES (?, ?)", (event_id, _dumps(spec)))
        self._store._set_meta("next_event_id", event_id + 1)
        self.log("events", "add", event_id)

    def remove_event(self, event_id: int) -> bool:
        self.log("events", "remove", event_id)
        return self.db.execute("DELETE FROM events WHERE id = ?", (event_id,)).rowcount == 1

    def set_events(self, events: list[tuple[int, dict[str, Any]]], next_id: int) -> None:
        self.db.execute("DELETE FROM events")
        self.db.executemany("INSERT INTO events VALUES (?, ?)", [(i, _dumps(s)) for i, s in events])
        self._store._set_meta("next_event_id", next_id)
        self.log("events", "reset")

    def add_fault(self, rule_id: int, spec: dict[str, Any], times: int | None) -> None:
        self.db.execute("INSERT INTO faults(id, spec, times_left) VALUES (?, ?, ?)", (rule_id, _dumps(spec), times))
        self._store._set_meta("next_fault_id", rule_id + 1)
        self.log("faults", "add", rule_id)

    def remove_fault(self, rule_id: int) -> bool:
        self.log("faults", "remove", rule_id)
        return self.db.execute("DELETE FROM faults WHERE id = ?", (rule_id,)).rowcount == 1

    def set_faults(self, rules: list[tuple[int, dict[str, Any], int | None, int]], next_id: int) -> None:
        self.db.execute("DELETE FROM faults")
        self.db.executemany("INSERT INTO faults(id, spec, times_left, hits) VALUES (?, ?, ?, ?)",
                            [(i, _dumps(s), t, h) for i, s, t, h in rules])
        self._store._set_meta("next_fault_id", next_id)
        self.log("faults", "reset")

    def add_operation(self, name: str, args: dict[str, Any], at: int) -> int:
        cur = self.db.execute("INSERT INTO operations(name, args, at) VALUES (?, ?, ?)", (name, _dumps(args), at))
        seq = int(cur.lastrowid or 0)
        self.log("operations", "add", seq)
        return seq

    def set_operations(self, operations: list[tuple[str, dict[str, Any], int]]) -> None:
        self.db.execute("DELETE FROM operations")
        self.db.executemany("INSERT INTO operations(name, args, at) VALUES (?, ?, ?)",
                            [(n, _dumps(a), at) for n, a, at in operations])
        self.log("operations", "reset")
