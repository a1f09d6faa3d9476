"""The HTTP protocol: uvicorn's httptools protocol, with the gateway's body for malformed HTTP.

Bytes that HTTP forbids in a request line (a raw NUL, raw non-ASCII) or a request target over
the parser's 64 KiB limit never reach the application; uvicorn answers them itself with a
plain-text 400. This subclass answers them as the emulator answers every bad request: 400,
`InvalidParameter`, the gateway body, a request id.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from emulator import errors, render
from emulator.errors import ApiError
from emulator.settings import Settings

PATH = "emulator.web.protocol:EmulatorHttpProtocol"  # for uvicorn's `http=` setting


def uvicorn_options(settings: Settings, log_level: str | None = None) -> dict[str, Any]:
    """What every way of starting the emulator gives uvicorn (the CLI, its workers, `Emulator`).

    Proxy headers (X-Forwarded-For, X-Forwarded-Proto) are trusted only from the addresses the
    `trusted_proxies` setting names: uvicorn's own default trusts them from 127.0.0.1, so a local
    client could claim any source IP (`acs:SourceIp`) or HTTPS (`acs:SecureTransport`)."""
    proxies = settings.proxy_addresses()
    return {"http": PATH, "log_level": log_level or settings.log_level, "access_log": False, "lifespan": "off",
            "timeout_graceful_shutdown": 2, "proxy_headers": bool(proxies),
            "forwarded_allow_ips": ",".join(proxies) if proxies else ""}


def _host_id(app: Any) -> str:
    """The configured HostId, found through uvicorn's middleware wrappers around our app."""
    while app is not None:
        service = getattr(app, "service", None)
        if service is not None:
            return str(service.settings.host_id)
        app = getattr(app, "app", None)
    return "aicontent.aliyuncs.com"


class EmulatorHttpProtocol(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        from emulator.service import new_request_id

        request_id = new_request_id()
        err = ApiError(errors.INVALID_PARAMETER,
                       f"The request is not valid HTTP ({msg.rstrip('.')}): percent-encode every byte that is not "
                       "printable ASCII, and keep the request line under 64 KiB.")
        # Its headers were never read, so the client's Accept is unknown: the gateway's default, XML.
        body = render.gateway_error_xml(err, request_id, _host_id(self.app))
        self.transport.write(b"".join([
            b"HTTP/1.1 400 Bad Request\r\n",
            b"content-type: " + render.XML_CONTENT_TYPE.encode() + b"\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"x-acs-request-id: " + request_id.encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]))
        self.transport.close()
