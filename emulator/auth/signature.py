"""Signature verification as the gateway does it: ACS3-HMAC-SHA256 and legacy ROA (README "Identity and permission").

Pure functions over a `WireRequest`: they rebuild the string to sign from the request *as
received* and compare in constant time. Secrets are never logged or put in a message.

- ACS3 (the official SDK's default): `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,
  Signature=hex`, over method, path, the canonical query (sorted, values percent-encoded),
  the signed headers, and the body's SHA-256 (`x-acs-content-sha256`).
- ROA v2 (`signature_algorithm="v2"`): `acs AK:base64(HMAC-SHA1)` over method, accept,
  content-md5, content-type, date, every `x-acs-*` header, and path?sorted raw query. The body
  itself is covered only through a Content-MD5, which must then be its MD5 (the SDK sends none).
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote

from emulator import errors
from emulator.errors import ApiError
from emulator.wire import WireRequest

ACS3 = "ACS3-HMAC-SHA256"
ROA = "acs"
# Headers an ACS3 request must carry and sign; every x-acs-* header it sends, and content-type when
# present, must be signed too [gw]. The nonce is optional in both schemes [gw].
ACS3_REQUIRED = ("host", "x-acs-date", "x-acs-content-sha256")
ROA_REQUIRED = ("date",)
_ACS3_RE = re.compile(
    r"ACS3-HMAC-SHA256 Credential=(?P<ak>[^,\s]+),SignedHeaders=(?P<sh>[a-z0-9\-;]+),Signature=(?P<sig>[0-9a-f]{64})")
_ROA_RE = re.compile(r"acs (?P<ak>[^:\s]+):(?P<sig>[A-Za-z0-9+/]{27}=)")
MAX_AUTHORIZATION = 4096


@dataclass(frozen=True)
class Claim:
    """What an Authorization header claims, before anything is verified."""

    scheme: str  # ACS3 | ROA
    access_key_id: str
    signature: str
    signed_headers: tuple[str, ...] = ()


def _incomplete(why: str) -> ApiError:
    return errors.rejected(errors.INCOMPLETE_SIGNATURE, why)


def parse_authorization(value: str) -> Claim:
    """Parse the header; anything malformed is IncompleteSignature, naming what is wrong."""
    if len(value) > MAX_AUTHORIZATION:
        raise _incomplete(f"the Authorization header is longer than {MAX_AUTHORIZATION} characters")
    if value.startswith(ACS3 + " "):
        m = _ACS3_RE.fullmatch(value)
        if m is None:
            raise _incomplete("the Authorization header must be "
                              "'ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b>,Signature=<64 hex>'")
        signed = tuple(m["sh"].split(";"))
        if list(signed) != sorted(set(signed)) or "" in signed:
            raise _incomplete("SignedHeaders must be lower-case names, sorted, without repeats")
        return Claim(ACS3, m["ak"], m["sig"], signed)
    if value.startswith(ROA + " "):
        m = _ROA_RE.fullmatch(value)
        if m is None:
            raise _incomplete("the Authorization header must be 'acs <AccessKeyId>:<base64 HMAC-SHA1>'")
        return Claim(ROA, m["ak"], m["sig"])
    raise _incomplete("the Authorization header must use ACS3-HMAC-SHA256 or the 'acs' (ROA) scheme")


def check_headers(req: WireRequest, claim: Claim) -> None:
    """Every header the scheme depends on is present (and, for ACS3, signed)."""
    if claim.scheme == ACS3:
        # once each, however often repeated
        sent = [k for k in req.header_names() if k.startswith("x-acs-") or k == "content-type"]
        for name in ACS3_REQUIRED + tuple(sent):
            if not req.header_values(name):
                raise _incomplete(f"the required header {name} is missing")
            if name not in claim.signed_headers:
                raise _incomplete(f"the header {name} must be listed in SignedHeaders")
        for name in claim.signed_headers:
            if not req.header_values(name):
                raise _incomplete(f"the signed header {name} is not in the request")
    else:
        for name in ROA_REQUIRED:
            if req.header(name) is None:
                raise _incomplete(f"the required header {name} is missing")
        method = req.header("x-acs-signature-method")
        if method is not None and method != "HMAC-SHA1":
            raise _incomplete("x-acs-signature-method must be HMAC-SHA1 for the 'acs' scheme")


def request_time(req: WireRequest, claim: Claim) -> dt.datetime:
    """The signed time of the request: `x-acs-date` (ACS3) or `date` (ROA)."""
    if claim.scheme == ACS3:
        raw = req.header("x-acs-date") or ""
        try:
            return dt.datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise errors.rejected(errors.TIMESTAMP_FORMAT, f"x-acs-date is {errors.echo(raw)!r}, not an ISO 8601 "
                                  "UTC time like 2026-01-02T03:04:05Z") from None
    raw = req.header("date") or ""
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise errors.rejected(errors.TIMESTAMP_FORMAT, f"date is {errors.echo(raw)!r}, not an RFC 1123 time "
                              "like 'Thu, 06 Feb 2020 07:32:54 GMT'")
    return parsed


def check_time(signed_at: dt.datetime, now: dt.datetime, skew_minutes: int) -> None:
    """The signed time must be within `skew_minutes` of the server's wall clock, either way."""
    off = (now - signed_at).total_seconds()
    if abs(off) > skew_minutes * 60:
        raise errors.rejected(
            errors.TIMESTAMP_EXPIRED,
            f"the request is dated {signed_at.strftime('%Y-%m-%dT%H:%M:%SZ')}, {abs(off) / 60:.1f} minutes "
            f"{'before' if off > 0 else 'after'} the server time {now.strftime('%Y-%m-%dT%H:%M:%SZ')}; "
            f"the window is {skew_minutes} minutes")


def acs3_string_to_sign(req: WireRequest, claim: Claim) -> tuple[str, str]:
    """(canonical request, string to sign) as the server computes them."""
    query = "&".join(
        f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(req.query))
    headers = "".join(f"{name}:{req.canonical_header(name)}\n" for name in claim.signed_headers)
    canonical = "\n".join([
        req.method, req.raw_path or "/", query, headers, ";".join(claim.signed_headers),
        req.header("x-acs-content-sha256") or ""])
    return canonical, f"{ACS3}\n{hashlib.sha256(canonical.encode()).hexdigest()}"


def roa_string_to_sign(req: WireRequest) -> str:
    head = "\n".join([req.method] + [req.header(h) or "" for h in ("accept", "content-md5", "content-type", "date")])
    acs = "".join(f"{k}:{req.header(k)}\n" for k in sorted(k for k in req.header_names() if k.startswith("x-acs-")))
    resource = req.path
    if req.query:
        resource += "?" + "&".join(k if v == "" else f"{k}={v}" for k, v in sorted(req.query))
    return f"{head}\n{acs}{resource}"


def verify_signature(req: WireRequest, claim: Claim, secret: str) -> None:
    """Body hash (ACS3), then the signature itself. A mismatch shows the server's string to sign
    (and, for ACS3, canonical request) after the gateway's sentence, as the real gateway does."""
    mismatch = errors.SIGNATURE_MISMATCH.message
    if claim.scheme == ACS3:
        body_hash = req.body_digest()
        sent = (req.header("x-acs-content-sha256") or "").encode("latin-1")  # as received: any byte
        if not hmac.compare_digest(body_hash.encode(), sent):
            raise errors.rejected(errors.SIGNATURE_MISMATCH, "x-acs-content-sha256 is not the SHA-256 of the "
                                  f"request body, {body_hash}")
        canonical, to_sign = acs3_string_to_sign(req, claim)
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        message = f"{mismatch} server StringToSign is [{to_sign}] server CanonicalRequest is [{canonical}]"
    else:
        md5 = req.header("content-md5")
        if md5 is not None and not hmac.compare_digest(md5.strip().encode("latin-1"), req.body_md5().encode()):
            raise errors.rejected(errors.SIGNATURE_MISMATCH, "Content-MD5 is not the MD5 of the request body, "
                                  f"{req.body_md5()}")
        to_sign = roa_string_to_sign(req)
        expected = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
        message = f"{mismatch} server StringToSign is [{to_sign}]"
    if not hmac.compare_digest(expected, claim.signature):
        raise ApiError(errors.SIGNATURE_MISMATCH, message,
                       reason="the signature was made with another secret, or over another request than the one "
                              "received: compare the server's string to sign with the client's")
