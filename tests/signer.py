"""A small, independent signer for raw requests, written from Alibaba Cloud's published
algorithms (as the official SDK implements them), so the tests can sign, then tamper.

`acs3_headers` and `roa_headers` build a request's headers (a nonce always among them) and sign
them all; `acs3_sign` and `roa_sign` sign exactly the headers they are given (`acs3_base` and
`roa_base` build them without a nonce), for the rules about what must be signed."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import uuid
from email.utils import format_datetime, formatdate
from urllib.parse import quote, urlencode

ACTION, VERSION = "ModelRouterQueryCostModelDetail", "20240611"
API = "/api/v1/modelRouter/open/billing/cost/model-detail"  # ACTION's path


def acs3_headers(method: str, host: str, path: str, query: dict[str, str], ak: str, secret: str,
                 body: bytes = b"", when: dt.datetime | None = None, nonce: str | None = None,
                 extra: dict[str, str] | None = None, action: str = ACTION) -> dict[str, str]:
    when = when or dt.datetime.now(dt.UTC)
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": VERSION,
        "x-acs-date": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
        **(extra or {}),
    }
    canonical_query = "&".join(f"{quote(k, safe='~')}={quote(str(v), safe='~')}" for k, v in sorted(query.items()))
    names = sorted(headers)
    canonical_headers = "".join(f"{n}:{headers[n].strip()}\n" for n in names)
    canonical = "\n".join([method, path, canonical_query, canonical_headers, ";".join(names),
                           headers["x-acs-content-sha256"]])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={';'.join(names)},Signature={signature}"
    return headers


def roa_headers(method: str, path: str, query: dict[str, str], ak: str, secret: str,
                date: str | None = None, nonce: str | None = None, action: str = ACTION,
                content_type: str = "", content_md5: str = "") -> dict[str, str]:
    headers = {
        "accept": "application/json",
        "date": date or formatdate(usegmt=True),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-signature-method": "HMAC-SHA1",
        "x-acs-signature-version": "1.0",
        "x-acs-action": action,
        "x-acs-version": VERSION,
    }
    if content_type:
        headers["content-type"] = content_type
    if content_md5:
        headers["content-md5"] = content_md5
    acs = "".join(f"{k}:{headers[k]}\n" for k in sorted(k for k in headers if k.startswith("x-acs-")))
    resource = path + ("?" + "&".join(k if v == "" else f"{k}={v}" for k, v in sorted(query.items())) if query else "")
    to_sign = f"{method}\n{headers['accept']}\n{content_md5}\n{content_type}\n{headers['date']}\n{acs}{resource}"
    signature = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    headers["Authorization"] = f"acs {ak}:{signature}"
    return headers


def url(base: str, path: str, query: dict[str, str]) -> str:
    return f"{base}{path}?{urlencode(query, quote_via=quote)}" if query else f"{base}{path}"


# -- signing exactly the headers given -------------------------------------------------------
def iso(when: dt.datetime | None = None) -> str:
    return (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def acs3_base(host: str, **extra: str) -> dict[str, str]:
    """ACS3 headers without a nonce and without Authorization."""
    return {"host": host, "x-acs-action": ACTION, "x-acs-version": VERSION, "x-acs-date": iso(),
            "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(), **extra}


def acs3_sign(headers: dict[str, str], query: dict[str, str], ak: str, secret: str,
              unsigned: tuple[str, ...] = ()) -> tuple[dict[str, str], str]:
    """Sign exactly the given headers (less `unsigned`); returns them with Authorization, and
    the canonical request."""
    names = sorted(n for n in headers if n not in unsigned)
    canonical = "\n".join([
        "GET", API, "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query.items())),
        "".join(f"{n}:{headers[n].strip()}\n" for n in names), ";".join(names), headers["x-acs-content-sha256"]])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    signature = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    auth = f"ACS3-HMAC-SHA256 Credential={ak},SignedHeaders={';'.join(names)},Signature={signature}"
    return {**headers, "Authorization": auth}, canonical


def roa_sign(headers: dict[str, str], query: dict[str, str], ak: str, secret: str) -> tuple[dict[str, str], str]:
    """Sign a ROA request with the given headers (accept, date, x-acs-*); returns them with
    Authorization, and the string to sign."""
    acs = "".join(f"{k}:{headers[k]}\n" for k in sorted(k for k in headers if k.startswith("x-acs-")))
    resource = API + "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items()))
    to_sign = f"GET\n{headers.get('accept', '')}\n\n\n{headers['date']}\n{acs}{resource}"
    signature = base64.b64encode(hmac.new(secret.encode(), to_sign.encode(), hashlib.sha1).digest()).decode()
    return {**headers, "Authorization": f"acs {ak}:{signature}"}, to_sign


def roa_base(**extra: str) -> dict[str, str]:
    return {"accept": "application/json", "date": format_datetime(dt.datetime.now(dt.UTC), usegmt=True),
            "x-acs-signature-method": "HMAC-SHA1", "x-acs-signature-version": "1.0",
            "x-acs-action": ACTION, "x-acs-version": VERSION, **extra}
