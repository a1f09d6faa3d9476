"""`Emulator`: a real server in a background thread, for tests in any framework.

    with Emulator(seed=7, auth="required") as emu:
        client = emu.client("readonly")        # an official-SDK client, signed with ACS3
        emu.faults.add({"code": "Throttling.User", "times": 1})
        ...
        assert emu.requests[-1].status == 400

It binds port 0 (a free port) on 127.0.0.1 unless told otherwise, and reads no environment
variables: what a test passes is what it gets.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import uvicorn

from emulator.auth.accounts import Account
from emulator.domain.clock import DataClock
from emulator.domain.events import EventBook
from emulator.harness.faults import FaultBook
from emulator.harness.journal import JournalEntry
from emulator.service import Forms, Service
from emulator.settings import Settings
from emulator.web import protocol
from emulator.web.app import EmulatorApp

START_TIMEOUT = 10.0


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound socket for uvicorn; binding first is how port 0 learns its port before serving."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def host_port(host: str, port: int) -> str:
    """`host:port` as a URL wants it (IPv6 addresses in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class EmulatorError(RuntimeError):
    """The emulator could not start, or a request inside it failed with a bug of ours."""


class Emulator:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        if settings is None:
            settings = Settings.from_sources({"port": 0, **overrides}, environ={})
        elif overrides:
            raise TypeError("pass either settings or keyword overrides, not both")
        self.settings = settings
        self.service = Service(settings)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is not None:
            return self
        sock = listen_socket(self.settings.host, self.settings.port)
        self._port = sock.getsockname()[1]
        # The port it listens on, as GET /_emulator/config shows it (port 0 means "a free one").
        self.settings = self.service.settings = dataclasses.replace(self.settings, port=self._port)
        config = uvicorn.Config(EmulatorApp(self.service), **protocol.uvicorn_options(self.settings, "warning"))
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"aicontent-emulator:{self._port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise EmulatorError(f"the emulator did not start on port {self._port}")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None
        self.service.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests use -------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def endpoint(self) -> str:
        """`host:port`, what the SDK's `Config(endpoint=...)` wants (with protocol="http")."""
        return host_port(self.settings.host, self._port)

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def accounts(self) -> Mapping[str, Account]:
        """The scenario's accounts by name, with their AccessKey id and secret."""
        return {a.name: a for a in self.service.accounts.accounts}

    @property
    def faults(self) -> FaultBook:
        self.service.sync()
        return self.service.faults

    @property
    def requests(self) -> list[JournalEntry]:
        self.service.sync()
        return self.service.journal.entries()

    @property
    def forms(self) -> Forms:
        """The forms of the unknowns in force (a mapping): product_errors, values_encoding, empty_buckets,
        client_list."""
        return self.service.forms

    def set_forms(self, **forms: str) -> Forms:
        """Switch forms for this emulator, e.g. `set_forms(product_errors="documented")`; reset
        returns to the started settings."""
        return self.service.set_forms(**forms)

    @property
    def clock(self) -> DataClock:
        """The data clock: `clock.set(now)`, `clock.advance(seconds=N)`, `clock.now()`, `clock.reset()`."""
        self.service.sync()
        return self.service.clock

    @property
    def usage_events(self) -> EventBook:
        """Usage events: `usage_events.add({...})` (returns the event with its id), `.remove(id)`,
        `.clear()`, `.events` (those in force, in order)."""
        self.service.sync()
        return self.service.events

    def reset(self) -> None:
        """Back to the started state: no fault rules, nonces or journal; the started forms, clock
        and usage events."""
        self.service.reset()

    def export_state(self) -> dict[str, Any]:
        """What was changed since the start, as one JSON document (save it with a bug report)."""
        return self.service.export_state()

    def import_state(self, doc: Any) -> None:
        """Start from a saved document: checked in full first, then in force for every worker."""
        self.service.import_state(doc)

    def check(self) -> None:
        """Raise if any request since the last reset hit a bug inside the emulator."""
        found = list(self.service.unexpected)  # a copy: the server thread may be adding to it
        if found:
            raise EmulatorError("a request failed inside the emulator:\n" + "\n".join(found))

    def client(self, account: str = "admin", signature_algorithm: str | None = None) -> Any:
        """An official-SDK client for this emulator, signed as `account` (needs the `sdk` extra)."""
        try:
            from alibabacloud_aicontent20240611.client import Client
            from alibabacloud_tea_openapi.models import Config
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise EmulatorError("the official SDK is not installed: pip install 'aicontent-emulator[sdk]'") from exc
        acct = self.accounts[account]
        config = Config(endpoint=self.endpoint, protocol="http", access_key_id=acct.access_key_id,
                        access_key_secret=acct.access_key_secret, region_id="cn-shanghai")
        if signature_algorithm is not None:
            config.signature_algorithm = signature_algorithm
        return Client(config)
