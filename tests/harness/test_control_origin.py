"""Cross-site writes to the control API are refused (issue 17, item 1).

Over real sockets (httpx): a write whose `Origin` is another site, or `null`, is 403
`Forbidden.Origin`; a write whose body is not `application/json` (what an HTML form can send
without a CORS preflight: text/plain, multipart/form-data, urlencoded) is 415
`UnsupportedMediaType`; either way nothing changes (the state is read back after each). The
server's own origin and no Origin at all are accepted. In a real Chromium: a page of another
origin that auto-submits a text/plain form whose body is JSON adds no usage event, while the
dashboard itself (same origin) still adds a fault rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser_kit import OtherOrigin, expect, launch
from helpers import ts

from emulator.server import Emulator

NOON = ts(2024, 3, 1, 12)
EVENT = {"startTime": NOON, "endTime": NOON + 3600, "factor": 0}
JSON = {"content-type": "application/json"}
# (method, path, body) of writes a cross-site page would like to make.
WRITES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/_emulator/faults", {"code": "Throttling.User"}),
    ("POST", "/_emulator/usage-events", EVENT),
    ("POST", "/_emulator/clock/advance", {"seconds": 3600}),
    ("POST", "/_emulator/reset", None),
    ("PUT", "/_emulator/clock", {"now": NOON}),
    ("PATCH", "/_emulator/config", {"product_errors": "documented"}),
    ("DELETE", "/_emulator/faults", None),
]
WRITE_IDS = [f"{m} {p}" for m, p, _ in WRITES]


def state(http: httpx.Client) -> dict[str, Any]:
    """What a write could change: fault rules, usage events, the clock, the forms."""
    config = http.get("/_emulator/config").json()
    return {"faults": http.get("/_emulator/faults").json(), "events": http.get("/_emulator/usage-events").json(),
            "clock": http.get("/_emulator/clock").json(),
            "forms": {k: config[k] for k in ("product_errors", "values_encoding", "empty_buckets")}}


@pytest.fixture
def prepared(http: httpx.Client) -> dict[str, Any]:
    """A state every refused write would change: a fault rule, an event and a fixed clock (so
    that `clock/advance` would move it and `reset` would clear them)."""
    assert http.post("/_emulator/faults", json={"code": "Throttling.User", "match": {"query": {"modelId": "9"}}},
                     ).status_code == 201
    assert http.post("/_emulator/usage-events", json=EVENT).status_code == 201
    assert http.put("/_emulator/clock", json={"now": "2024-03-05T12:00:00+08:00"}).status_code == 200
    before = state(http)
    assert len(before["faults"]) == 1 and len(before["events"]) == 1 and before["clock"]["fixed"] is True
    return before


def send(http: httpx.Client, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> httpx.Response:
    return http.request(method, path, content=body, headers=headers)


@pytest.mark.parametrize("origin", ["http://attacker.example", "null", "http://127.0.0.1:1"])
@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_a_write_from_another_origin_is_403_and_changes_nothing(
        http: httpx.Client, prepared: dict[str, Any], origin: str, method: str, path: str,
        body: dict[str, Any] | None) -> None:
    content = json.dumps(body).encode() if body is not None else None
    r = send(http, method, path, content, {**(JSON if content else {}), "origin": origin})
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/json")
    error = r.json()
    assert error["Code"] == "Forbidden.Origin"
    assert "origin" in error["Message"] and origin in error["Message"], error
    assert origin in r.headers["x-emulator-reason"]
    assert state(http) == prepared


MULTIPART = (b'--B\r\ncontent-disposition: form-data; name="code"\r\n\r\nThrottling.User\r\n--B--\r\n',
             "multipart/form-data; boundary=B")


@pytest.mark.parametrize("media", ["text/plain", "text/plain;charset=UTF-8", "multipart/form-data",
                                   "application/x-www-form-urlencoded"])
@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=WRITE_IDS)
def test_a_write_that_is_not_json_is_415_and_changes_nothing(
        http: httpx.Client, prepared: dict[str, Any], media: str, method: str, path: str,
        body: dict[str, Any] | None) -> None:
    """What an HTML form can send: JSON text under a form's content type (no Origin needed)."""
    content = json.dumps(body if body is not None else {}).encode()
    content_type = media
    if media == "multipart/form-data":
        content, content_type = MULTIPART
    r = send(http, method, path, content, {"content-type": content_type})
    assert r.status_code == 415, r.text
    error = r.json()
    assert error["Code"] == "UnsupportedMediaType"
    assert "application/json" in error["Message"] and media.split(";")[0] in error["Message"], error
    assert state(http) == prepared


def test_the_servers_own_origin_and_no_origin_are_accepted(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    own = aicontent_emulator.url  # http://127.0.0.1:PORT, what the dashboard's pages send
    r = http.post("/_emulator/faults", json={"code": "Throttling.User"}, headers={"origin": own})
    assert r.status_code == 201, r.text
    r = http.post("/_emulator/faults", json={"code": "Throttling.User", "times": 1})
    assert r.status_code == 201, r.text
    assert http.post("/_emulator/usage-events", json=EVENT, headers={"origin": own}).status_code == 201
    assert http.put("/_emulator/clock", json={"now": NOON}, headers={"origin": own}).status_code == 200
    assert http.post("/_emulator/clock/advance", json={"seconds": 60}, headers={"origin": own}).status_code == 200
    assert [r["code"] for r in http.get("/_emulator/faults").json()] == ["Throttling.User"] * 2
    assert len(http.get("/_emulator/usage-events").json()) == 1
    assert http.get("/_emulator/clock").json()["now"] == NOON + 60
    assert http.post("/_emulator/reset", headers={"origin": own}).status_code == 200
    assert http.get("/_emulator/faults").json() == [] and http.get("/_emulator/usage-events").json() == []


# ---------------------------------------------------------------- in a real browser

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def form_page(target: str) -> str:
    """An attacker's page: a text/plain form whose one field spells a JSON body, submitted on load
    (the body is `{"startTime":...,"factor":0,"note":"="}`, valid JSON, no preflight needed)."""
    name = json.dumps({**EVENT, "note": ""})[:-2]  # ... "note": "   (the value closes it)
    return (f"<!doctype html><form id=f method=POST enctype=text/plain action='{target}'>"
            f"<input type=hidden name='{name}' value='\"}}'></form>"
            "<script>document.getElementById('f').submit()</script>")


def test_a_cross_site_form_in_chromium_adds_no_event(aicontent_emulator: Emulator, http: httpx.Client,
                                                     browser: Any) -> None:
    target = aicontent_emulator.url + "/_emulator/usage-events"
    with OtherOrigin({"/attack.html": form_page(target)}) as site:
        context = browser.new_context()
        try:
            page = context.new_page()
            with page.expect_response(lambda r: r.url == target) as answer:
                page.goto(site.url + "/attack.html")
            response = answer.value
            sent = response.request
            assert sent.method == "POST" and sent.all_headers().get("origin") == site.url
            body = sent.post_data or ""
            assert json.loads(body) == {**EVENT, "note": "="}, body  # the form did spell the JSON body
            assert response.status == 403 and response.json()["Code"] == "Forbidden.Origin"
        finally:
            context.close()
        assert site.requests == ["/attack.html"]
    assert http.get("/_emulator/usage-events").json() == []


def test_the_dashboard_itself_still_adds_a_fault_rule(aicontent_emulator: Emulator, http: httpx.Client,
                                                      browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(aicontent_emulator.url + "/_emulator/ui")
        page.wait_for_selector("body[data-ready=true]")
        page.click("#nav-faults")
        page.select_option("#f-code", "Throttling.User")
        with page.expect_request(lambda r: r.url.endswith("/_emulator/faults") and r.method == "POST") as req:
            page.click("#f-add")
        assert req.value.all_headers().get("origin") == aicontent_emulator.url  # same origin, sent and accepted
        expect(page.locator("[data-testid=fault-row]")).to_have_count(1)
    finally:
        context.close()
    assert [r["code"] for r in http.get("/_emulator/faults").json()] == ["Throttling.User"]
