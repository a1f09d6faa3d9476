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

PATH = "emulator.web.protocol:EmulatorHttpProtocol"  # for uvicorn's `http=` setting


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
