"""Fixes of the dashboard, in a real Chromium at 1400x900 (issue 17, item 11).

- Settings: the `forms` row of the effective settings shows each form and the values it takes,
  not "[object Object]";
- Requests: after requests with long paths and queries, a fault rule's hit and validation errors,
  the table fits the window (no horizontal scroll, in its container or the document) and every
  row shows the routed action's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browser_kit import expect, launch
from helpers import API, MARCH_1

from emulator.server import Emulator

WIDTH, HEIGHT = 1400, 900
LONG = "/api/v1/modelRouter/open/conversations/888888888"  # an action not emulated yet: 501
DAY = {"modelId": "1", "startTime": str(MARCH_1), "endTime": str(MARCH_1 + 86400)}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


@pytest.fixture
def page(browser: Any, aicontent_emulator: Emulator) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def open_view(page: Any, emu: Emulator, view: str) -> None:
    page.goto(f"{emu.url}/_emulator/ui#{view}")
    page.wait_for_selector("body[data-ready=true]")


def test_the_settings_view_shows_the_forms(page: Any, aicontent_emulator: Emulator, http: httpx.Client) -> None:
    forms = http.get("/_emulator/config").json()["forms"]
    assert forms and all(isinstance(v, list) for v in forms.values())
    open_view(page, aicontent_emulator, "settings")
    cell = page.locator("#c-config tr[data-key=forms] td")
    expect(cell).to_have_count(1)
    expect(cell).not_to_contain_text("[object Object]")
    text = cell.inner_text()
    assert "[object" not in text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert len(lines) == len(forms), text  # one line a form
    for line, (name, values) in zip(lines, forms.items()):
        assert line.startswith(f"{name}:"), (line, name)
        for value in values:
            assert value in line, (name, value, line)
    # the other rows still show their plain values
    expect(page.locator("#c-config tr[data-key=seed] td")).to_have_text("0")
    expect(page.locator("#c-config tr[data-key=empty_buckets] td")).to_have_text("zero")


def make_requests(emu: Emulator, http: httpx.Client) -> None:
    """Requests whose rows are wide: a long path and query, a fault rule's hit, validation errors."""
    assert http.get(LONG, params={"x": "q" * 300}).status_code == 501
    assert http.get(LONG.replace("888888888", "9" * 20), params={"x": "z" * 300}).status_code == 400
    assert http.post("/_emulator/faults", json={"code": "Throttling.User", "times": 1,
                                                "match": {"action": "ModelRouterQueryCostModelDetail"}},
                     ).status_code == 201
    assert http.get(API, params=DAY).status_code == 400  # the rule fires
    assert http.get(API, params={"modelId": "1"}).status_code == 400  # MissingParameter
    assert http.get(API, params={**DAY, "modelId": "x" * 200}).status_code == 400  # a long reason
    assert http.get(API, params=DAY).status_code == 200
    assert http.get("/api/v1/modelRouter/open/" + "n" * 240).status_code == 404  # no action


def test_the_requests_view_fits_the_window_and_shows_the_action(page: Any, aicontent_emulator: Emulator,
                                                               http: httpx.Client) -> None:
    make_requests(aicontent_emulator, http)
    open_view(page, aicontent_emulator, "requests")
    rows = page.locator("[data-testid=request-row]")
    # The journal holds these requests and the dashboard's own signed query of its Usage view.
    page.wait_for_function("n => document.querySelectorAll('[data-testid=request-row]').length >= n", arg=8)
    journal = http.get("/_emulator/requests").json()["requests"]
    expect(rows).to_have_count(len(journal))
    codes = [e["errorCode"] for e in journal]
    assert {"NotImplemented", "Throttling.User", "MissingParameter", "InvalidParameter",
            "InvalidAction.NotFound"} <= set(codes), codes
    for entry in journal:
        row = page.locator(f"tr[data-request-id='{entry['requestId']}']")
        expect(row).to_have_count(1)
        shown = row.locator("[data-testid=action]")
        if entry["action"]:
            expect(shown).to_have_text(entry["action"].removeprefix("ModelRouter"))
        else:
            expect(shown).to_have_count(0)
    assert sum(1 for e in journal if e["action"]) >= 7
    box = page.evaluate("""() => {
        const c = document.querySelector('#r-table').parentElement;
        return {scroll: c.scrollWidth, client: c.clientWidth, doc: document.documentElement.scrollWidth,
                body: document.body.scrollWidth,
                table: document.querySelector('#r-table').getBoundingClientRect().right};
    }""")
    assert box["scroll"] <= box["client"], box
    assert box["doc"] <= WIDTH and box["body"] <= WIDTH and box["table"] <= WIDTH, box
    # the long path is in the row, wrapped rather than cut
    long_row = page.locator(f"tr[data-request-id='{journal[0]['requestId']}']")
    expect(long_row).to_contain_text(f"GET {LONG}")
