"""`/_emulator/docs` loads nothing from another host (issue 17, item 4).

Its HTML references no absolute URL of another host (FastAPI's default page pulled Swagger UI
from a CDN into the origin that hands out every development secret, and was blank offline). In a
real Chromium with every request to a host other than 127.0.0.1 blocked, the page still renders
the operations, with no failed request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browser_kit import expect, launch

from emulator.server import Emulator

ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""", re.I)


class References(HTMLParser):
    """Every URL the page would load or link: src, href, srcset, and url(...) in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "data", "poster") and value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)


def test_the_page_references_no_other_host(aicontent_emulator: Emulator, http: httpx.Client) -> None:
    r = http.get("/_emulator/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    parsed = References()
    parsed.feed(html)
    loads = [u for u in parsed.urls if not u.startswith(("data:", "#"))]
    assert loads, "the page links nothing (not even the OpenAPI document)"
    foreign = [u for u in loads if urlsplit(u).netloc not in ("", f"127.0.0.1:{aicontent_emulator.port}")]
    assert foreign == [], foreign
    assert ABSOLUTE.findall(html) == [], "an absolute URL in the page"
    assert "script" not in parsed.tags  # a plain page: nothing to run
    assert "ModelRouterQueryCostModelDetail" in html and "/_emulator/openapi.json" in html


def test_every_operation_of_the_document_is_on_the_page(http: httpx.Client) -> None:
    html = http.get("/_emulator/docs").text
    document = http.get("/_emulator/openapi.json").json()
    operations = [(method.upper(), path) for path, item in document["paths"].items() for method in item]
    assert len(operations) > 91  # every action of the SDK, and the control API
    for method, path in operations:
        escaped = path.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert f"<td class=m>{method}</td><td><code>{escaped}</code>" in html, (method, path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def test_the_page_renders_with_other_hosts_blocked(aicontent_emulator: Emulator, browser: Any) -> None:
    blocked: list[str] = []
    failed: list[str] = []
    asked: list[str] = []

    def route(r: Any) -> None:
        asked.append(r.request.url)
        if urlsplit(r.request.url).hostname != "127.0.0.1":
            blocked.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route("**/*", route)
        page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        response = page.goto(aicontent_emulator.url + "/_emulator/docs", wait_until="networkidle")
        assert response is not None and response.status == 200
        detail = page.locator("div", has_text=re.compile(r"^ModelRouterQueryCostModelDetail\b"))
        expect(detail).to_have_count(1)
        expect(detail).to_be_visible()
        expect(page.locator("code", has_text=re.compile(r"^/api/v1/modelRouter/open/billing/cost/model-detail$"))
               ).to_have_count(1)
        assert page.locator("h2").count() >= 2  # operations by tag: the API and the control API
        link = page.locator("a[href='/_emulator/openapi.json']")
        expect(link).to_have_count(1)
    finally:
        context.close()
    assert blocked == [] and failed == [], (blocked, failed)
    assert errors == [], errors
    assert asked and all(urlsplit(u).hostname == "127.0.0.1" for u in asked)
