"""Page tokens: opaque, stateless, signed, bound to the query that issued them (README "The answer").

A token is base64url(version ‖ offset ‖ query fingerprint ‖ MAC), the MAC a keyed BLAKE2b. The MAC key comes from the
scenario digest (seed + fixture bytes), so any instance started with the same seed and fixtures
accepts it (across restarts and workers), and every other instance refuses it. The page size
is not bound: a client may change it between pages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

from emulator import errors

VERSION = 1
_FORMAT = "<BQ8s"  # version, offset, fingerprint
_MAC_LEN = 12
_LEN = struct.calcsize(_FORMAT) + _MAC_LEN


class PageTokens:
    def __init__(self, scenario_digest: bytes) -> None:
        self._key = hashlib.sha256(b"aicontent-emulator page token\0" + scenario_digest).digest()

    def _mac(self, body: bytes) -> bytes:
        # Keyed BLAKE2b is a MAC by design (no HMAC construction needed) and one C call.
        return hashlib.blake2b(body, digest_size=_MAC_LEN, key=self._key, person=b"page-token").digest()

    def fingerprint(self, scope: bytes, query: bytes) -> bytes:
        return hashlib.blake2b(scope + b"\0" + query, digest_size=8, key=self._key).digest()

    def issue(self, offset: int, fingerprint: bytes) -> str:
        body = struct.pack(_FORMAT, VERSION, offset, fingerprint)
        mac = self._mac(body)
        return base64.urlsafe_b64encode(body + mac).rstrip(b"=").decode("ascii")

    def open(self, token: str, fingerprint: bytes) -> int:
        """The offset a token points at; a malformed, tampered or foreign token is refused.

        Only the one canonical encoding is accepted: base64 leaves unused low bits in the last
        character, and a decoder ignores them, so the token is re-encoded and compared."""
        malformed = "is malformed; pass back the nextToken of a previous response unchanged"
        if len(token) != (_LEN * 4 + 2) // 3 or not token.isascii():
            raise errors.invalid_parameter("nextToken", malformed)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise errors.invalid_parameter("nextToken", malformed) from None
        if len(raw) != _LEN or base64.urlsafe_b64encode(raw).rstrip(b"=") != token.encode("ascii"):
            raise errors.invalid_parameter("nextToken", malformed)
        body, mac = raw[:-_MAC_LEN], raw[-_MAC_LEN:]
        if not hmac.compare_digest(mac, self._mac(body)):
            raise errors.invalid_parameter(
                "nextToken", "has been tampered with or was issued by another emulator scenario")
        version, offset, bound = struct.unpack(_FORMAT, body)
        if version != VERSION:
            raise errors.invalid_parameter("nextToken", f"has an unsupported version {version}")
        if not hmac.compare_digest(bound, fingerprint):
            raise errors.invalid_parameter(
                "nextToken", "was issued for a different query (action, time span, filters or caller)")
        return int(offset)
