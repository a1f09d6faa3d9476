"""The ASGI application: a thin dispatcher in front of the service and the control API.

Everything outside `/_emulator/` goes straight to `Service.handle` through a bare ASGI handler
(parse the connection into a `WireRequest`, call the service, write the reply), so the emulated
API is never answered by a framework default (422, 405, HTML). `/_emulator/` is a FastAPI app:
health, config, reset, faults, journal and the OpenAPI docs.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Awaitable, Callable
from typing import Any

from emulator import __version__, render
from emulator.api.bodies import MAX_BODY as API_MAX_BODY
from emulator.errors import ApiError, ErrorSpec
from emulator.service import Service, new_request_id
from emulator.settings import Settings
from emulator.web import guard
from emulator.wire import WireRequest

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

CONTROL_PREFIX = "/_emulator"
HEALTH_PATH = CONTROL_PREFIX + "/health"
MAX_BODY = API_MAX_BODY  # bytes of a request body kept; beyond, only counted and hashed


class EmulatorApp:
    """ASGI callable; `service` is shared with the control API and the in-process helpers.

    The control API (FastAPI, about half a second to import) is built on its first use, so an
    emulator starts and answers health checks and API calls without it.
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._control: Any = None
        # The worker's pid tells workers apart (`--workers N`); answered without the control API.
        self.health_body = render.dumps({"status": "ok", "version": __version__, "pid": os.getpid()})

    @property
    def control(self) -> Any:
        if self._control is None:
            from emulator.web.control import control_app
            self._control = control_app(self.service)
        return self._control

    async def _control_call(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The control API and the dashboard, behind the guard (`emulator.web.guard`)."""
        if scope["type"] != "http":
            await self.control(scope, receive, send)
            return
        headers: dict[str, str] = {}
        for k, v in scope["headers"]:
            headers.setdefault(k.decode("latin-1").lower(), v.decode("latin-1"))
        has_body = headers.get("content-length", "0").strip() not in ("", "0") or "transfer-encoding" in headers
        refused = guard.refusal(scope["method"], scope.get("scheme", "http"), headers, has_body,
                                self.service.settings.host_patterns())
        if refused is not None:
            status, code, reason = refused
            err = ApiError(ErrorSpec(status, code, reason, "gateway"), reason=reason)
            rid = new_request_id()
            await _send(send, status, render.gateway_error_json(err, rid, self.service.settings.host_id),
                        [(b"x-acs-request-id", rid.encode()),
                         (b"x-emulator-reason", render.header_text(reason).encode("ascii")), *guard.FRAME_HEADERS])
            return

        self.service.sync()  # what another worker changed, before the control API reads or writes

        async def guarded(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *guard.FRAME_HEADERS]}
            await send(message)

        await self.control(scope, receive, guarded)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == HEALTH_PATH and scope["method"] in ("GET", "HEAD"):
            await _send(send, 200, self.health_body, guard.FRAME_HEADERS)  # any Host: for probes
            return
        if scope["type"] != "http" or scope["path"] == CONTROL_PREFIX or scope["path"].startswith(CONTROL_PREFIX + "/"):
            await self._control_call(scope, receive, send)
            return
        body, size, digest = await _read_body(receive)
        client = scope.get("client") or ("", 0)
        req = WireRequest(
            method=scope["method"],
            path=scope["path"],
            raw_path=(scope.get("raw_path") or scope["path"].encode()).decode("latin-1"),
            raw_query=scope.get("query_string", b"").decode("latin-1"),
            headers=[(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]],
            body=body,
            client_ip=client[0] or "",
            secure=scope.get("scheme") == "https",
            body_size=size,
            body_digests=digest,
        )
        reply = await self.service.handle(req)
        headers = [(b"x-acs-request-id", reply.request_id.encode())]
        if reply.reason is not None:
            headers.append((b"x-emulator-reason", render.header_text(reply.reason).encode("ascii")))
        if reply.retry_after_ms is not None:
            headers.append((b"x-acs-retry-after", b"%d" % reply.retry_after_ms))
        await _send(send, reply.status, reply.body, headers, reply.content_type)


_CONTENT_TYPES = {t: (b"content-type", t.encode()) for t in (render.CONTENT_TYPE, render.XML_CONTENT_TYPE)}


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                content_type: str = render.CONTENT_TYPE) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [_CONTENT_TYPES[content_type], (b"content-length", b"%d" % len(body)), *headers]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> tuple[bytes, int, tuple[str, str] | None]:
    """(the body up to MAX_BODY bytes, the bytes received, and when more were received than kept
    the SHA-256 and MD5 of them all: a signature still covers the whole body)."""
    chunks: list[bytes] = []
    size = 0
    sha = md5 = None
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if sha is None and size <= MAX_BODY:
            chunks.append(chunk)
        else:
            if sha is None or md5 is None:
                kept = b"".join(chunks)
                sha, md5 = hashlib.sha256(kept), hashlib.md5(kept, usedforsecurity=False)
            sha.update(chunk)
            md5.update(chunk)
        if not message.get("more_body", False):
            break
    digests = (sha.hexdigest(), base64.b64encode(md5.digest()).decode()) if sha and md5 else None
    return b"".join(chunks), size, digests


def create_app(settings: Settings | None = None, service: Service | None = None, owner: bool = True) -> EmulatorApp:
    """Build the app from settings (or around an existing service)."""
    return EmulatorApp(service or Service(settings or Settings(), owner=owner))


def app_from_environment() -> EmulatorApp:
    """Factory for worker processes: settings from `AICONTENT_EMULATOR_*`, set by the CLI (whose
    process owns the state they share)."""
    from emulator.harness.state import owner_of_state

    owner = owner_of_state()
    if not owner:
        _stop_with_parent()
    return create_app(Settings.from_sources(), owner=owner)


def _stop_with_parent() -> None:
    """A worker is sent SIGTERM when the CLI process that owns its state dies, even by SIGKILL
    (Linux: PR_SET_PDEATHSIG), so no worker goes on writing a state nobody holds the lock of."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
