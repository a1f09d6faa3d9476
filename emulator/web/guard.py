"""What the control API and the dashboard accept, judged before they run: they have no
authentication by design and hand out every development secret, so they must not be reachable
from another web site in the developer's own browser.

- **Host**: only IP literals, `localhost` (and `*.localhost`), single-label names (a Docker
  service name) and the `allowed_hosts` setting; anything else is 403, so a DNS-rebinding page
  (`rebind.attacker.example` resolving to 127.0.0.1) gets nothing.
- **Origin**: absent (curl, the SDK, scripts) or exactly this server's own origin; another
  origin, or `null`, is 403. Browsers send Origin with every cross-site write.
- **Bodies**: a write's body must be `application/json` (415 otherwise), so a cross-site HTML
  form (`text/plain`, `multipart/form-data`, urlencoded), which needs no preflight, is refused
  even where a browser sends no Origin.
Every answer carries a clickjacking guard. The emulated API itself is not guarded: it accepts
any Host and Origin, as the real one does for server-side clients.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

FRAME_HEADERS = [(b"x-frame-options", b"DENY"),
                 (b"content-security-policy",
                  b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                  b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
                 (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(host: str) -> str:
    """The name of a Host header value, without its port (IPv6 literals without brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None, patterns: Sequence[str]) -> bool:
    if host is None:  # HTTP/1.0 without Host: no browser sends that
        return True
    name = host_name(host).rstrip(".")  # a fully qualified name's trailing dot names the same host
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    if name == "localhost" or name.endswith(".localhost") or "." not in name:
        return True
    for pattern in patterns:
        if pattern == "*" or pattern == name or (pattern.startswith(".") and (name.endswith(pattern)
                                                                               or name == pattern[1:])):
            return True
    return False


def refusal(method: str, scheme: str, headers: dict[str, str], has_body: bool,
            patterns: Sequence[str]) -> tuple[int, str, str] | None:
    """(status, code, reason) of a control request this guard refuses, else None."""
    host = headers.get("host")
    if not host_allowed(host, patterns):
        return (403, "Forbidden.Host", f"the control API answers only local host names, not {_shown(host)}; "
                "add it to the allowed_hosts setting (--allowed-hosts) to allow it")
    origin = headers.get("origin")
    if origin is not None and (host is None or origin.strip().lower() != f"{scheme}://{host.strip().lower()}"):
        return (403, "Forbidden.Origin", f"the control API refuses requests from another origin ({_shown(origin)}); "
                "only this server's own pages may call it")
    if method in UNSAFE:
        content_type = headers.get("content-type")
        media = (content_type or "").split(";", 1)[0].strip().lower()
        if (content_type is not None or has_body) and media != "application/json":
            return (415, "UnsupportedMediaType", f"a control request's body must be application/json, not "
                    f"{_shown(content_type or '(no content-type)')}")
    return None


def _shown(value: str | None) -> str:
    text = repr(value)[:80]
    return text if text.isascii() else text.encode("unicode_escape").decode("ascii")
