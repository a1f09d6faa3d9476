"""Who is calling: the auth mode, then the signature checks in the gateway's order (README "Errors")."""

from __future__ import annotations

import datetime as dt

from emulator import errors
from emulator.auth import signature as sig
from emulator.auth.accounts import Account, AccountBook
from emulator.auth.nonces import NonceCache, SharedNonces
from emulator.errors import ApiError
from emulator.wire import WireRequest


def claimed_access_key(req: WireRequest) -> str | None:
    """The AccessKey id a request claims, unverified: for fault matching and the journal."""
    value = req.header("authorization")
    if not value:
        return None
    try:
        return sig.parse_authorization(value).access_key_id
    except ApiError:
        return None


def authenticate(req: WireRequest, mode: str, book: AccountBook, nonces: NonceCache | SharedNonces,
                 now: dt.datetime, skew_minutes: int, nonce_ttl_minutes: int) -> Account:
    """The account a request acts as; any failure raises the gateway's error and records nothing."""
    if mode == "off":
        return book.default
    value = req.header("authorization")
    if value is None:  # present but empty is a malformed signature, not an unsigned request
        if mode == "required":
            raise errors.rejected(errors.INCOMPLETE_SIGNATURE,
                                  "the Authorization header is missing and this emulator runs with auth=required")
        return book.default
    # Order, as a gateway checks: form of the header → the key exists → the signed headers are
    # there → the time is well formed and fresh → body hash and signature → the nonce is new.
    # The nonce is remembered only once everything else passed, so a rejected request changes nothing.
    claim = sig.parse_authorization(value)
    account = book.by_access_key(claim.access_key_id)
    if account is None:
        raise errors.rejected(errors.ACCESS_KEY_NOT_FOUND,
                              f"no account has the AccessKey id {errors.echo(claim.access_key_id)}")
    sig.check_headers(req, claim)
    signed_at = sig.request_time(req, claim)
    sig.check_time(signed_at, now, skew_minutes)
    sig.verify_signature(req, claim, account.access_key_secret)
    # The nonce is optional [gw]; when sent, in the form the signature covers, so reordering
    # repeated nonce headers is the same nonce.
    nonce = req.canonical_header("x-acs-signature-nonce")
    if nonce is not None:
        arrived = now.timestamp()
        # Remembered while the request could still be accepted: until its date leaves the
        # window (later than arrival + window when it is dated ahead of the server's clock).
        until = max(arrived + nonce_ttl_minutes * 60, signed_at.timestamp() + skew_minutes * 60)
        if not nonces.claim(nonce, until, arrived):
            raise errors.rejected(errors.NONCE_USED, f"the nonce {errors.echo(nonce)!r} was used by an accepted "
                                  "request that is still within the replay window")
    return account
