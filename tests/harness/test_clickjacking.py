"""The clickjacking guard of the control API and the dashboard (issue 17, item 8).

Every answer under `/_emulator/` (the dashboard's page and files, the docs, the control API's
reads, writes and errors, the guard's own refusals) carries `X-Frame-Options: DENY` and a
`Content-Security-Policy` with `frame-ancestors 'none'`. In a real Chromium, a page of another
origin that frames `/_emulator/ui` does not get the dashboard in its frame, while a frame of its
own origin renders (so the page itself works).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser_kit import OtherOrigin, launch

from emulator.server import Emulator

DASHBOARD_TITLE = "aicontent-emulator · dashboard"


def assert_guarded(r: httpx.Response) -> None:
    assert r.headers.get("x-frame-options") == "DENY", (r.request.url, r.status_code, dict(r.headers))
    policy = r.headers.get("content-security-policy", "")
    directives = {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", policy
    assert len(r.headers.get_list("x-frame-options")) == 1  # one value: two would be ignored by browsers


@pytest.mark.parametrize("path", ["/_emulator/ui", "/_emulator/ui/", "/_emulator/ui/app.js", "/_emulator/ui/style.css",
                                  "/_emulator/docs", "/_emulator/openapi.json", "/_emulator/config",
                                  "/_emulator/accounts", "/_emulator/requests", "/_emulator/scenario",
                                  "/_emulator/nope", "/_emulator/ui/nope.js"])
def test_every_control_and_dashboard_read_is_guarded(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.status_code in (200, 307, 404), (path, r.status_code)
    assert_guarded(r)


def test_writes_errors_and_refusals_are_guarded(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    answers = [
        http.post("/_emulator/faults", json={"code": "Throttling.User"}),  # 201
        http.post("/_emulator/faults", json={"code": "NoSuchCode"}),  # 400
        http.post("/_emulator/faults", json={"code": "Throttling.User"}, headers={"origin": "null"}),  # 403 Origin
        http.get("/_emulator/ui", headers={"host": f"rebind.attacker.example:{aicontent_emulator.port}"}),  # Host
        http.post("/_emulator/faults", content=b"{}", headers={"content-type": "text/plain"}),  # 415
        http.delete("/_emulator/faults"),
    ]
    assert [r.status_code for r in answers] == [201, 400, 403, 403, 415, 200]
    for r in answers:
        assert_guarded(r)
    assert "frame-ancestors 'none'" in answers[0].headers["content-security-policy"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def framing_page(target: str) -> str:
    return ("<!doctype html><title>attacker</title>"
            "<iframe id=own src='/inner.html' width=400 height=200></iframe>"
            f"<iframe id=emu src='{target}' width=1200 height=800></iframe>")


def test_another_origin_cannot_frame_the_dashboard(aicontent_emulator: Emulator, browser: Any) -> None:
    target = aicontent_emulator.url + "/_emulator/ui"
    pages = {"/attack.html": framing_page(target), "/inner.html": "<!doctype html><p id=inner>framed fine</p>"}
    with OtherOrigin(pages) as site:
        context = browser.new_context()
        try:
            page = context.new_page()
            with page.expect_response(lambda r: r.url == target) as answer:
                page.goto(site.url + "/attack.html", wait_until="load")
            assert answer.value.status == 200  # the request was made: the browser refused to show it
            assert answer.value.header_value("x-frame-options") == "DENY"
            own = page.query_selector("#own").content_frame()
            assert own is not None
            own.wait_for_selector("#inner", timeout=5000)  # a frame of the page's own origin renders
            page.wait_for_timeout(2500)  # time the dashboard would need to load its data and draw
            others = [f for f in page.frames if f is not page.main_frame and f is not own]
            assert len(others) == 1, [f.url for f in page.frames]
            emu = others[0]  # what the browser put in the emulator's frame: an error page, not the dashboard
            assert not emu.url.startswith(aicontent_emulator.url), emu.url
            assert not _is_dashboard(emu), emu.url
        finally:
            context.close()


def _is_dashboard(frame: Any) -> bool:
    """Whether the frame's document is the dashboard (an error page cannot be read, or is not it)."""
    try:
        title = frame.evaluate("document.title")
        ready = frame.evaluate("document.body && document.body.dataset.ready === 'true'")
        nav = frame.evaluate("!!document.querySelector('#nav-usage')")
    except Exception:  # an error document of the browser's own
        return False
    return bool(title == DASHBOARD_TITLE or ready or nav)
