"""A request as received, free of any web framework, for the checks that run on it.

The web layer builds one per request; signatures, faults, the journal and parameter parsing
read it. Query pairs are kept in order and decoded once, strictly (invalid UTF-8 is an error).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from emulator import errors


@dataclass
class WireRequest:
    method: str
    path: str  # percent-decoded
    raw_path: str  # as sent
    raw_query: str  # as sent: the bytes of the query string, decoded as latin-1
    headers: list[tuple[str, str]]  # lower-case names, in order
    body: bytes = b""  # as much of the body as the web layer keeps (its bound)
    client_ip: str = ""
    secure: bool = False
    body_size: int = -1  # bytes received; -1: len(body)
    body_digests: tuple[str, str] | None = None  # (hex SHA-256, base64 MD5) of every byte received,
    # when more than `body` was
    _query: list[tuple[str, str]] | None = field(default=None, repr=False)
    _index: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for k, v in self.headers:
            self._index.setdefault(k, []).append(v)
        if self.body_size < 0:
            self.body_size = len(self.body)

    def body_digest(self) -> str:
        """Hex SHA-256 of the whole body as received (what x-acs-content-sha256 must be)."""
        return self.body_digests[0] if self.body_digests else hashlib.sha256(self.body).hexdigest()

    def body_md5(self) -> str:
        """Base64 MD5 of the whole body as received (what a Content-MD5 must be)."""
        if self.body_digests:
            return self.body_digests[1]
        return base64.b64encode(hashlib.md5(self.body, usedforsecurity=False).digest()).decode()

    def header(self, name: str) -> str | None:
        """The header's value; several values are joined with ',' as HTTP allows."""
        values = self._index.get(name)
        if values is None:
            return None
        return values[0] if len(values) == 1 else ",".join(values)

    def header_values(self, name: str) -> list[str]:
        return self._index.get(name, [])

    def has_any(self, names: frozenset[str]) -> bool:
        return not names.isdisjoint(self._index)

    def header_names(self) -> Iterable[str]:
        """Each header name once, however often it was sent: checks over names stay linear."""
        return self._index.keys()

    def canonical_header(self, name: str) -> str | None:
        """The value as signatures and replay checks see it: each value trimmed, sorted, joined
        with ','. One form for both, so reordering repeated headers changes neither."""
        values = self._index.get(name)
        if values is None:
            return None
        return values[0].strip() if len(values) == 1 else ",".join(sorted(v.strip() for v in values))

    @property
    def query(self) -> list[tuple[str, str]]:
        """Decoded (name, value) pairs; raises InvalidParameter for undecodable text."""
        if self._query is None:
            self._query = parse_query(self.raw_query)
        return self._query


def _decode(part: str, name: str) -> str:
    """Percent-decode strictly; `name` is the parameter an error names."""
    if "%" not in part and "+" not in part and part.isascii():
        return part
    raw = unquote_to_bytes(part.replace("+", " ").encode("latin-1"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.invalid_parameter(errors.echo(name), "is not valid percent-encoded UTF-8") from None


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    pairs = []
    for chunk in raw_query.split("&"):
        if not chunk:
            continue
        name, _, value = chunk.partition("=")
        decoded_name = _decode(name, name)
        pairs.append((decoded_name, _decode(value, decoded_name)))
    return pairs
