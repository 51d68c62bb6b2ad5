"""The tool-call explorer in the browser: filters, headline numbers, charts and the per-tool table agree;
callers show by name; the export downloads exactly the filtered rows.

Six real calls first: three ``echo`` and two ``fail`` (an error result) through the REST tool-call
endpoint as the signed-in owner, and one ``add`` from an MCP client holding the "nightly-bot" key.
"""

from __future__ import annotations

import csv
import json
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver, exactly

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"
OWNER = "cal-calls@e2e.test"
OWNER_NAME = "Cal Caller"
KEY_NAME = "nightly-bot"
WAIT_MS = 30_000
RAW_CALL_STATUS = exactly("success", "error", "timeout", "cancelled")


def _rest_call(product: Product, token: str, slug: str, tool: str, arguments: dict[str, Any]) -> None:
    """Call a tool through the REST endpoint as the owner (an error result is still HTTP 200)."""
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/tools/{tool}/call", {"arguments": arguments})


def _mcp_call(url: str, key: str) -> None:
    """One ``add`` call from an MCP client (in a thread: Playwright's sync API owns this thread's loop)."""
    failure: list[BaseException] = []

    async def call() -> None:
        headers = {"Authorization": f"Bearer {key}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30, read=120)) as http,
            Client(streamable_http_client(url, http_client=http), mode="legacy", cache=None) as client,
        ):
            await client.call_tool("add", {"a": 2, "b": 3})

    def run() -> None:
        try:
            anyio.run(call)
        except BaseException as exc:  # reported below
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(90)
    assert not thread.is_alive(), "the MCP call did not finish"
    assert not failure, failure


@pytest.fixture(scope="module")
def slug(product: Product) -> str:
    """The project with the six calls, made once for this module's tests."""
    product.signup(OWNER, OWNER_NAME)
    token = product.token(OWNER)
    slug = str(product.call(token, "POST", "/api/projects", {"name": "Call Explorer"})["slug"])
    body = {"name": "echo", "command": "python", "args": [str(ECHO)]}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    deadline = time.monotonic() + 60
    while not product.call(token, "GET", f"/api/projects/{slug}/tools")["items"]:  # started, tools listed
        assert time.monotonic() < deadline, "the echo server listed no tools in time"
        time.sleep(0.5)
    for n in range(3):
        _rest_call(product, token, slug, "echo", {"n": n})
    for _ in range(2):
        _rest_call(product, token, slug, "fail", {})
    key = product.call(token, "POST", f"/api/projects/{slug}/api-keys", {"name": KEY_NAME})["key"]
    _mcp_call(f"{product.api}/projects/{slug}/servers/echo/mcp", key)
    deadline = time.monotonic() + 30
    while product.call(token, "GET", f"/api/projects/{slug}/tool-calls?pageSize=1")["total"] < 6:  # batched writes
        assert time.monotonic() < deadline, "the calls were not recorded"
        time.sleep(0.5)
    return slug


def _headline(page: Page, total: int) -> None:
    expect(page.locator("#calls-total")).to_have_text(re.compile(rf"^\s*Calls\s*{total}\s*$"), timeout=WAIT_MS)


def _y_top(page: Page, chart: str) -> float:
    """The highest value on a chart's y axis (recharts sizes the axis to the chart's data)."""
    ticks = page.locator(f"{chart} .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value")
    expect(ticks.first).to_be_visible(timeout=WAIT_MS)
    return max(float(text) for text in ticks.all_text_contents() if text.strip())


def _until_y_top(page: Page, chart: str, check: Callable[[float], bool]) -> float:
    """Wait until the chart's axis top passes ``check`` (the chart redraws after the numbers arrive)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        top = _y_top(page, chart)
        if check(top):
            return top
        assert time.monotonic() < deadline, f"{chart}: y axis tops at {top}"
        page.wait_for_timeout(200)


def _rows(page: Page) -> Locator:
    return page.locator(".call-row")


def _choose_status(page: Page, status: str) -> None:
    page.click("#calls-status")
    page.get_by_role("option", name=status, exact=True).click()


def _download(page: Page, item: str) -> str:
    page.click("#calls-export")
    with page.expect_download(timeout=WAIT_MS) as info:
        page.click(item)
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_filters_headline_numbers_per_tool_table_and_callers_agree(driver: Driver, slug: str) -> None:
    driver.login(OWNER, PASSWORD)
    driver.goto(f"/projects/{slug}/activity?view=calls")
    page = driver.page
    _headline(page, 6)
    expect(_rows(page)).to_have_count(6, timeout=WAIT_MS)
    tools = page.locator("#tools-table .tool-stat-row")
    expect(tools).to_have_count(3)
    for tool in ("echo", "fail", "add"):
        expect(page.locator("#tools-table")).to_contain_text(tool)
    expect(page.locator("#top-tools-chart")).to_contain_text("echo/echo")  # labelled bars
    all_calls_top = _y_top(page, "#calls-chart")
    assert all_calls_top >= 3, all_calls_top  # six calls, within a bucket or two
    # The key and the signed-in user by name, never an id.
    expect(_rows(page).filter(has_text="add").locator(".call-key")).to_have_text(KEY_NAME)
    expect(_rows(page).filter(has_text="fail").first.locator(".call-caller")).to_have_text(OWNER_NAME)
    expect(page.locator("#calls-table")).not_to_contain_text(re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-"))
    driver.shot("explorer")

    # The status filter reads in words; the URL and the query keep the raw value.
    _choose_status(page, "Failed")
    _headline(page, 2)
    expect(_rows(page)).to_have_count(2)
    expect(tools).to_have_count(1)
    expect(tools.first).to_contain_text("fail")
    for row in _rows(page).all():
        expect(row.locator(".call-status")).to_have_text("Failed")
        expect(row.locator(".call-status")).to_have_attribute("title", "error")
    # The raw status is only the tooltip, never the badge's text.
    expect(page.locator(".call-status").filter(has_text=RAW_CALL_STATUS)).to_have_count(0)
    # The charts follow the filter too: only the failing tool's bar, and every call an error.
    expect(page.locator("#top-tools-chart")).to_contain_text("echo/fail")
    expect(page.locator("#top-tools-chart")).not_to_contain_text("echo/echo")
    _until_y_top(page, "#error-rate-chart", lambda top: top == 100)

    # Text boxes apply by themselves (no Enter): status back to all, then the tool box alone.
    _choose_status(page, "All statuses")
    _headline(page, 6)
    page.fill("#calls-tool", "add")
    _headline(page, 1)
    expect(_rows(page)).to_have_count(1)
    expect(_rows(page).first).to_contain_text(KEY_NAME)
    _until_y_top(page, "#calls-chart", lambda top: top < all_calls_top)  # one call per bucket at most
    page.click("#calls-clear")
    _headline(page, 6)
    expect(page.locator("#calls-tool")).to_have_value("")


def test_the_per_tool_table_sorts_by_each_column(driver: Driver, slug: str) -> None:
    driver.login(OWNER, PASSWORD)
    driver.goto(f"/projects/{slug}/activity?view=calls")
    page = driver.page
    tools = page.locator("#tools-table .tool-stat-row")
    expect(tools).to_have_count(3, timeout=WAIT_MS)
    expect(tools.first).to_contain_text("echo")  # most calls first
    page.click(".tool-sort-tool")
    expect(tools.first).to_contain_text("add")
    expect(tools.last).to_contain_text("fail")
    page.click(".tool-sort-tool")
    expect(tools.first).to_contain_text("fail")
    page.click(".tool-sort-calls")
    expect(tools.first).to_contain_text("echo")
    expect(tools.last).to_contain_text("add")


def test_export_downloads_exactly_the_filtered_rows(driver: Driver, slug: str) -> None:
    driver.login(OWNER, PASSWORD)
    driver.goto(f"/projects/{slug}/activity?view=calls")
    page = driver.page
    _headline(page, 6)
    _choose_status(page, "Failed")
    _headline(page, 2)
    rows = list(csv.DictReader(_download(page, "#calls-export-csv").splitlines()))
    assert len(rows) == 2, rows
    assert {r["status"] for r in rows} == {"error"}
    assert {r["tool"] for r in rows} == {"fail"}
    assert {r["userName"] for r in rows} == {OWNER_NAME}
    _choose_status(page, "All statuses")
    page.fill("#calls-search", "add")
    _headline(page, 1)
    body = json.loads(_download(page, "#calls-export-json"))
    assert [(r["tool"], r["apiKeyName"]) for r in body] == [("add", KEY_NAME)]
