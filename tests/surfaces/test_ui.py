"""The dashboard (`GET /_emulator/ui`) in a real browser, against an in-process `Emulator` and the CLI.

Headless Chromium from Debian (`/usr/bin/chromium`), driven by Playwright for Python (never
`playwright install`: it launches that binary by `executable_path`). Playwright rather than Selenium:
its locators and `expect` assertions wait and retry by themselves, so a live-updating journal or
a chart that draws after several signed requests is checked without sleeps or polling loops of
our own; it takes screenshots and reads navigation timing directly; and it is one pip package,
with no driver binary to keep in step with the browser.

Without a browser (no /usr/bin/chromium, or playwright not importable) the tests skip, saying how
to get one; with AICONTENT_REQUIRE_BROWSER=1 (as CI sets) they fail instead. Screenshots of each
view go to a folder under pytest's tmp dir, and to $AICONTENT_UI_SCREENSHOTS when set. (The last
test, of the fixed set of files the dashboard serves, needs no browser.)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from browser_kit import launch
from helpers import API, error_of, start_cli, ts
from signer import acs3_headers

from emulator.web import ui_routes

ADMIN = ("LTAIEMULATORADMIN0000001", "emulator-admin-secret-not-for-production")
MARCH_1, MARCH_8 = ts(2024, 3, 1), ts(2024, 3, 8)


@pytest.fixture(scope="module")  # closed with the module: another module's tests may launch their own
def browser() -> Iterator[Any]:
    with launch() as b:  # skips without a browser (fails under AICONTENT_REQUIRE_BROWSER=1)
        yield b


class Target:
    """An emulator under test: its base URL, raw HTTP to it, and official-SDK clients for it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)

    def sdk(self, key: tuple[str, str] = ADMIN) -> Any:
        from alibabacloud_aicontent20240611.client import Client
        from alibabacloud_tea_openapi.models import Config

        return Client(Config(endpoint=urlsplit(self.url).netloc, protocol="http", access_key_id=key[0],
                             access_key_secret=key[1], region_id="cn-shanghai"))

    def model_detail(self, **query: Any) -> dict[str, Any]:
        """One signed page of model-detail, as admin, straight from the endpoint."""
        q = {k: str(v) for k, v in query.items()}
        r = self.http.get(API, params=q, headers=acs3_headers("GET", urlsplit(self.url).netloc, API, q, *ADMIN))
        assert r.status_code == 200, r.text
        return dict(r.json())


@pytest.fixture(params=["in-process", "cli"])
def target(request: pytest.FixtureRequest, browser: Any) -> Iterator[Target]:
    if request.param == "in-process":
        url = request.getfixturevalue("aicontent_emulator").url  # reset before the test
    else:
        proc, url = start_cli()
        request.getfixturevalue("cli_processes").append(proc)
    t = Target(url)
    # The control API is built on its first request (FastAPI is imported then, never for API calls):
    # done here, so the page's load time measures the page.
    assert t.http.get("/_emulator/config").status_code == 200
    yield t
    t.http.close()


@pytest.fixture
def page(browser: Any, target: Target) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(target.url + "/_emulator/ui")
    pg.wait_for_selector("body[data-ready=true]")
    yield pg
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def shot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """shot(page, name): a screenshot of the viewport, to the tmp folder and $AICONTENT_UI_SCREENSHOTS."""
    folders = [tmp_path_factory.getbasetemp() / "ui-screenshots"]
    if os.environ.get("AICONTENT_UI_SCREENSHOTS"):
        folders.append(Path(os.environ["AICONTENT_UI_SCREENSHOTS"]))
    suffix = request.node.callspec.params["target"]

    def take(pg: Any, name: str) -> None:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(folder / f"{name}-{suffix}.png"))
    return take


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as pw_expect

    return pw_expect(locator)


def query_usage(pg: Any, model: int, start: str, end: str, account: str = "admin") -> dict[str, str]:
    """Fill the Usage form, run it, wait for the answer; the query the page must have sent."""
    pg.click("#nav-usage")
    pg.select_option("#u-account", label=account)
    pg.select_option("#u-model", str(model))
    pg.fill("#u-start", start)
    pg.fill("#u-end", end)
    pg.click("#u-run")
    q = {"endTime": str(_bj(end)), "maxResults": "100", "modelId": str(model), "startTime": str(_bj(start))}
    canonical = "&".join(f"{k}={v}" for k, v in sorted(q.items()))
    pg.wait_for_selector(f'#u-result[data-query="{canonical}"]:is([data-state=done], [data-state=error])')
    return q


def _bj(local: str) -> int:
    """Unix seconds of a datetime-local value read as UTC+8 (the page's time zone)."""
    day, hm = local.split("T")
    y, m, d = map(int, day.split("-"))
    return ts(y, m, d, int(hm[:2]))


def test_page_loads_fast_and_charts_every_row(page: Any, target: Target, shot: Any) -> None:
    """Loads in under a second; a 7-day chart has one point per row the endpoint counts (two pages of
    100 followed by nextToken), the total is the sum of the rows, and the URL shown is the one sent."""
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert 0 < load_ms < 1000
    q = query_usage(page, 1, "2024-03-01T00:00", "2024-03-08T00:00")
    first = target.model_detail(**q)
    assert first["data"]["total"] == 168 and first["nextToken"]
    points = page.locator("[data-testid=chart-point]")
    expect(points).to_have_count(first["data"]["total"])
    assert page.locator("#chart-svg").get_attribute("data-points") == "168"
    expect(page.locator("#u-url")).to_have_text(f"{target.url}{API}?endTime={MARCH_8}&maxResults=100&modelId=1"
                                                f"&startTime={MARCH_1}")
    expect(page.locator("#u-status")).to_contain_text("168 hourly rows in 2 pages")
    second = target.model_detail(**q, nextToken=first["nextToken"])
    rows = [json.loads(r["values"]) for r in first["data"]["rows"] + second["data"]["rows"]]
    amounts = [round(v["total_amount"] * 10_000) for v in rows]
    assert page.locator("[data-testid=total-value]").inner_text() == f"{sum(amounts) / 10_000:,.4f}"
    drawn = points.evaluate_all("ps => ps.map(p => [+p.dataset.ts, +p.dataset.value])")
    assert drawn == [[MARCH_1 + 3600 * i, v["total_amount"]] for i, v in enumerate(rows)]
    page.select_option("#u-metric", "total_calls")
    expect(page.locator("[data-testid=total-value]")).to_have_text(f"{sum(v['total_calls'] for v in rows):,}")
    drawn = points.evaluate_all("ps => ps.map(p => +p.dataset.value)")
    assert drawn == [v["total_calls"] for v in rows]
    page.select_option("#u-metric", "total_amount")
    shot(page, "usage")


def test_error_answer_is_shown_and_found_in_the_journal(page: Any, target: Target) -> None:
    """A refused request shows status, code, message and x-emulator-reason; its request id links to
    the journal row."""
    query_usage(page, 1, "2024-03-01T00:00", "2024-03-02T00:00", account="denied")
    box = page.locator("#u-error")
    expect(box.locator("[data-testid=error-status]")).to_have_text("HTTP 403")
    expect(box.locator("[data-testid=error-code]")).to_have_text("B.Permission.DeniedException")
    expect(box.locator("[data-testid=error-message]")).to_have_text("鉴权失败或权限不足")
    assert box.locator("[data-testid=error-reason]").inner_text() not in ("", "(none)")
    rid = box.locator("[data-testid=error-request-id]").inner_text()
    box.locator("[data-testid=error-request-id]").click()
    row = page.locator(f"tr[data-request-id='{rid}']")
    expect(row).to_be_visible()
    expect(page.locator("[data-testid=request-row]")).to_have_count(1)
    expect(row.locator("[data-testid=code]")).to_have_text("B.Permission.DeniedException")


def test_sdk_request_appears_live_and_is_found_by_id(page: Any, target: Target, shot: Any) -> None:
    """A request made with the official SDK shows in the journal without a reload; an error's
    request id (from the SDK's exception) finds its row, with code and the emulator's reason."""
    from alibabacloud_aicontent20240611 import models
    from alibabacloud_tea_openapi.exceptions import ClientException

    page.click("#nav-requests")
    page.evaluate("window.__sameDocument = true")
    body = target.sdk().model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
        model_id=2, start_time=MARCH_1, end_time=MARCH_1 + 86400)).body
    ok_row = page.locator(f"tr[data-request-id='{body.request_id}']")
    expect(ok_row).to_be_visible()
    expect(ok_row.locator("[data-testid=status]")).to_have_text("200")
    with pytest.raises(ClientException) as info:
        target.sdk().model_router_query_cost_model_detail(models.ModelRouterQueryCostModelDetailRequest(
            model_id=999, start_time=MARCH_1, end_time=MARCH_1 + 86400))
    rid = info.value.request_id
    page.fill("#r-search", rid.lower())
    rows = page.locator("[data-testid=request-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-request-id", rid)
    expect(rows.first.locator("[data-testid=code]")).to_have_text("InvalidParameter")
    reason = next(e["reason"] for e in target.http.get("/_emulator/requests").json()["requests"]
                  if e["requestId"] == rid)
    expect(rows.first.locator(".reason")).to_have_text(reason)
    page.fill("#r-search", "")
    page.select_option("#r-status", "2xx")
    statuses = page.locator("[data-testid=request-row] [data-testid=status]")
    expect(statuses.first).to_have_text("200")  # waits for the unfiltered journal
    assert all(s.startswith("2") for s in statuses.all_inner_texts())
    assert page.evaluate("window.__sameDocument") is True
    shot(page, "requests")


def test_fault_rule_added_and_removed_in_the_page(page: Any, target: Target, shot: Any) -> None:
    """A rule added in the page makes the next SDK call fail with its code (hits counted live); a
    refused rule shows the 400 message; removing the rule lets the next call through."""
    from alibabacloud_aicontent20240611 import models
    from alibabacloud_tea_openapi.exceptions import ClientException

    request = models.ModelRouterQueryCostModelDetailRequest(model_id=3, start_time=MARCH_1, end_time=MARCH_1 + 3600)
    page.click("#nav-faults")
    page.fill("#f-delay", "100")
    page.fill("#f-retry", "5")
    page.click("#f-add")
    expect(page.locator("#f-error")).to_contain_text('The parameter "retryAfterMs" is invalid: needs a code')
    page.fill("#f-delay", "0")
    page.fill("#f-retry", "")
    page.select_option("#f-code", "Throttling.User")
    page.fill("#f-query", "modelId=3")
    page.select_option("#f-ak", ADMIN[0])
    page.select_option("#f-action", "ModelRouterQueryCostModelDetail")
    page.click("#f-add")
    row = page.locator("[data-testid=fault-row]")
    expect(row).to_have_count(1)
    expect(page.locator("#f-error")).to_be_hidden()
    rules = target.http.get("/_emulator/faults").json()
    assert [(r["code"], r["match"]) for r in rules] == [("Throttling.User", {
        "action": "ModelRouterQueryCostModelDetail", "method": None, "query": {"modelId": "3"},
        "accessKeyId": ADMIN[0]})]
    with pytest.raises(ClientException) as info:
        target.sdk().model_router_query_cost_model_detail(request)
    assert info.value.code == "Throttling.User"
    expect(row.locator("[data-testid=hits]")).to_have_text("1")
    shot(page, "faults")
    row.locator("[data-testid=fault-remove]").click()
    expect(page.locator("[data-testid=fault-row]")).to_have_count(0)
    assert target.http.get("/_emulator/faults").json() == []
    assert target.sdk().model_router_query_cost_model_detail(request).body.data.total == 1


def test_settings_switch_forms_and_set_the_clock(page: Any, target: Target, shot: Any) -> None:
    """Forms and the clock changed in the Settings view are what the control API then reports; the
    chart marks the data clock and its cutoff, and under empty_buckets=omit draws only the rows sent."""
    page.click("#nav-settings")
    page.select_option("#c-empty_buckets", "omit")
    page.select_option("#c-product_errors", "gateway")
    page.click("#c-apply")
    expect(page.locator("#c-msg")).to_have_text("applied")
    config = target.http.get("/_emulator/config").json()
    assert [config[k] for k in ("empty_buckets", "product_errors", "values_encoding")] == ["omit", "gateway", "single"]
    expect(page.locator("#c-config tr[data-key=empty_buckets] td")).to_have_text("omit")
    page.fill("#k-now", "2024-03-05 12:00")
    page.fill("#k-lag", "30")
    page.click("#k-set")
    expect(page.locator("#k-msg")).to_contain_text("2024-03-05 12:00")
    noon = ts(2024, 3, 5, 12)
    assert target.http.get("/_emulator/clock").json() == {"now": noon, "fixed": True, "dataLagMinutes": 30}
    page.fill("#k-seconds", "3600")
    page.click("#k-advance")
    expect(page.locator("#k-msg")).to_contain_text("2024-03-05 13:00")
    assert target.http.get("/_emulator/clock").json()["now"] == noon + 3600
    expect(page.locator("#c-config tr[data-key=now] td")).not_to_have_text("null")
    shot(page, "settings")
    q = query_usage(page, 1, "2024-03-01T00:00", "2024-03-08T00:00")
    total = target.model_detail(**q)["data"]["total"]
    assert total < 168  # omit: nothing after the cutoff
    expect(page.locator("[data-testid=chart-point]")).to_have_count(total)
    expect(page.locator("[data-testid=clock-mark]")).to_have_attribute("data-ts", str(noon + 3600))
    expect(page.locator("[data-testid=cutoff-mark]")).to_have_attribute("data-ts", str(noon + 3600 - 1800))
    page.click("#nav-settings")
    page.click("#k-reset")
    expect(page.locator("#k-current")).to_contain_text("fixed false")
    assert target.http.get("/_emulator/clock").json()["fixed"] is False


def test_usage_event_added_in_the_page_is_marked_on_the_chart(page: Any, target: Target, shot: Any) -> None:
    """An event added in the Settings view is listed by the control API and shaded on the chart of
    the model it selects (its hours at zero with factor 0), not on another model's; a refused event
    shows the 400 message."""
    page.click("#nav-settings")
    page.fill("#e-start", "2024-03-03T06:00")
    page.fill("#e-end", "2024-03-03T00:00")
    page.click("#e-add")
    expect(page.locator("#e-error")).to_contain_text("InvalidParameter")
    page.fill("#e-end", "2024-03-03T18:00")
    page.select_option("#e-model", "1")
    page.fill("#e-factor", "0")
    page.fill("#e-note", "an outage")
    page.click("#e-add")
    expect(page.locator("[data-testid=event-row]")).to_have_count(1)
    events = target.http.get("/_emulator/usage-events").json()
    start, end = ts(2024, 3, 3, 6), ts(2024, 3, 3, 18)
    assert [(e["startTime"], e["endTime"], e["modelId"], e["factor"], e["note"]) for e in events] == [
        (start, end, 1, 0, "an outage")]
    query_usage(page, 1, "2024-03-01T00:00", "2024-03-08T00:00")
    expect(page.locator(f"[data-testid=event-mark][data-event-id='{events[0]['id']}']")).to_have_count(1)
    values = page.locator("[data-testid=chart-point]").evaluate_all(
        "ps => ps.map(p => [+p.dataset.ts, +p.dataset.value])")
    assert {v for t, v in values if start <= t < end} == {0}
    assert all(v > 0 for t, v in values if not start <= t < end)
    shot(page, "usage-event")
    query_usage(page, 2, "2024-03-01T00:00", "2024-03-08T00:00")
    expect(page.locator("[data-testid=chart-point]")).to_have_count(168)
    expect(page.locator("[data-testid=event-mark]")).to_have_count(0)


def test_scenario_view_lists_accounts_with_working_sdk_snippets(page: Any, target: Target, shot: Any) -> None:
    """Every well-known account is listed with a snippet for the official SDK naming this host; the
    admin's snippet, run as it is, calls the emulator."""
    page.click("#nav-scenario")
    accounts = target.http.get("/_emulator/accounts").json()
    expect(page.locator("#s-accounts tbody tr")).to_have_count(len(accounts))
    for a in accounts:
        snippet = page.locator(f"#s-accounts tr[data-account='{a['name']}'] [data-testid=sdk-snippet]").text_content()
        assert f'endpoint="{urlsplit(target.url).netloc}"' in snippet
        assert f'access_key_id="{a["accessKeyId"]}"' in snippet and a["accessKeySecret"] in snippet
    expect(page.locator("#s-models tbody tr")).to_have_count(len(target.http.get("/_emulator/scenario")
                                                                   .json()["models"]))
    shot(page, "scenario")
    admin = page.locator("#s-accounts tr[data-account=admin] [data-testid=sdk-snippet]").text_content()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(admin, "<snippet>", "exec"), {})  # noqa: S102 - the page's own snippet
    assert re.fullmatch(r"24 [0-9A-F-]{36}\n", out.getvalue())


@pytest.mark.parametrize("name", ["%00x.js", "a" * 300 + ".js", "../settings.py", "nope.js"])
def test_dashboard_files_are_a_fixed_set(http: httpx.Client, name: str) -> None:
    """Any other name is a 404, answered without touching the file system or growing a cache."""
    before = dict(ui_routes.FILES)
    r = http.get(f"/_emulator/ui/{name}")
    assert r.status_code == 404 and error_of(r)["Code"] == "InvalidAction.NotFound"
    assert ui_routes.FILES == before
