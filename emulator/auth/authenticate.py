"""Who is calling: the auth mode, then the signature checks in the gateway's order (§4, §5)."""

from __future__ import annotations

import datetime as dt

from emulator import errors
from emulator.auth import signature as sig
from emulator.auth.accounts import Account, AccountBook
from emulator.auth.nonces import NonceCache
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


def authenticate(req: WireRequest, mode: str, book: AccountBook, nonces: NonceCache,
                 now: dt.datetime, skew_minutes: int) -> Account:
    """The account a request acts as; any failure raises the gateway's error and records nothing."""
    if mode == "off":
        return book.default
    value = req.header("authorization")
    if value is None:  # present but empty is a malformed signature, not an unsigned request
        if mode == "required":
            raise ApiError(errors.INCOMPLETE_SIGNATURE,
                           "The request signature does not conform to Aliyun standards: "
                           "the Authorization header is missing and this emulator runs with auth=required.")
        return book.default
    # Order, as a gateway checks: form of the header → the key exists → the signed headers are
    # there → the time is fresh → body hash and signature → the nonce is new. The nonce is
    # remembered only once everything else passed, so a rejected request changes nothing.
    claim = sig.parse_authorization(value)
    account = book.by_access_key(claim.access_key_id)
    if account is None:
        raise ApiError(errors.ACCESS_KEY_NOT_FOUND,
                       f"Specified access key is not found: {errors.echo(claim.access_key_id)}.")
    sig.check_headers(req, claim)
    sig.check_time(sig.request_time(req, claim), now, skew_minutes)
    sig.verify_signature(req, claim, account.access_key_secret)
    nonce = req.header("x-acs-signature-nonce") or ""
    if nonces.seen(nonce):
        raise ApiError(errors.NONCE_USED, f"Specified signature nonce was used already: {errors.echo(nonce)}.")
    nonces.remember(nonce)
    return account
