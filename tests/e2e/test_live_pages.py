"""Pages that update by themselves: the admin worker history, the project's connected clients, the call explorer."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver
from tests.e2e.test_sessions import mcp_session

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"

OWNER = "suki-live-sessions@e2e.test"


def test_a_job_run_through_the_api_shows_in_the_open_worker_history(driver: Driver, product: Product) -> None:
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/worker")
    expect(driver.page.locator("#worker-state")).to_be_visible()
    expect(driver.page.locator("#live-indicator")).to_contain_text("Updated")
    token = product.token(ADMIN_EMAIL)
    run = product.call(token, "POST", "/api/admin/worker/jobs/purge_old_records/run")
    row = driver.page.locator(f"#run-{run['id']}")
    # No reload and no click: the job's end reaches the page through the live feed.
    expect(row).to_contain_text("purge_old_records", timeout=10_000)
    expect(row).to_contain_text("ms")
    # The run's status and trigger read as words; the raw values are only in the tooltips.
    badge = row.locator(".job-status")
    expect(badge).to_have_text("Finished")
    expect(badge).to_have_attribute("title", "complete")
    expect(row).to_contain_text("Run now")
    expect(row).not_to_contain_text(re.compile(r"\b(complete|queued|running|manual)\b"))
    raw = re.compile(r"^(new|deferred|queued|active|running|retrying|complete|failed|cancelled|aborting|aborted)$")
    expect(driver.page.locator(".job-status").filter(has_text=raw)).to_have_count(0)
    driver.shot("worker-history-live")


def test_a_client_session_appears_on_the_open_overview_by_itself(driver: Driver, product: Product) -> None:
    product.signup(OWNER, "Suki")
    token = product.token(OWNER)
    slug = product.call(token, "POST", "/api/projects", {"name": "Live clients"})["slug"]
    key = product.call(token, "POST", f"/api/projects/{slug}/api-keys", {"name": "suki laptop"})["key"]
    driver.login(OWNER, PASSWORD)
    driver.tab(slug, "overview")
    expect(driver.page.locator("#sessions-empty")).to_be_visible()
    with mcp_session(f"{product.api}/projects/{slug}/unified/mcp", key):
        row = driver.page.locator(".session-row")
        # The session journal writes every few seconds; then the live feed brings it without a click.
        expect(row).to_have_count(1, timeout=20_000)
        expect(row).to_contain_text("suki laptop")
        expect(driver.page.locator("#sessions-live")).to_have_text("1 live")


def test_a_tool_call_made_through_the_api_appears_in_the_open_explorer(driver: Driver, product: Product) -> None:
    owner = f"ines-live-calls-{secrets.token_hex(3)}@e2e.test"
    product.signup(owner, "Ines")
    token = product.token(owner)
    slug = product.call(token, "POST", "/api/projects", {"name": "Live calls"})["slug"]
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    deadline = time.monotonic() + 60
    while not product.call(token, "GET", f"/api/projects/{slug}/tools")["items"]:  # started, tools listed
        assert time.monotonic() < deadline, "the echo server listed no tools in time"
        time.sleep(0.5)
    driver.login(owner, PASSWORD)
    driver.goto(f"/projects/{slug}/activity?view=calls")
    page = driver.page
    indicator = page.locator("#live-indicator")
    expect(indicator).to_have_attribute("title", re.compile("^Live"), timeout=15_000)  # the feed is connected
    expect(page.get_by_text("Auto-refresh")).to_have_count(0)
    expect(page.locator("#calls-total")).to_have_text(re.compile(r"^\s*Calls\s*0\s*$"))
    call = {"arguments": {"n": 1}}
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/tools/echo/call", call)
    # No reload, no click: the recorded call reaches the table and the numbers through the live feed.
    expect(page.locator(".call-row")).to_have_count(1, timeout=8_000)
    expect(page.locator("#calls-total")).to_have_text(re.compile(r"^\s*Calls\s*1\s*$"))
    driver.shot("calls-explorer-live")


def test_a_tool_renamed_through_the_api_shows_in_the_open_tools_tab(driver: Driver, product: Product) -> None:
    owner = f"ines-live-tools-{secrets.token_hex(3)}@e2e.test"
    product.signup(owner, "Ines")
    token = product.token(owner)
    slug = product.call(token, "POST", "/api/projects", {"name": "Live tools"})["slug"]
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    driver.login(owner, PASSWORD)
    driver.tab(slug, "tools")
    page = driver.page
    # The tools show once the server has started and listed them, without a reload.
    row = page.locator(".tool-row", has_text="echo").first
    expect(row).to_be_visible(timeout=60_000)
    expect(page.locator("#live-indicator")).to_have_attribute("title", re.compile("^Live"), timeout=15_000)
    product.call(token, "PATCH", f"/api/projects/{slug}/servers/echo/tools/echo", {"alias": "shout"})
    expect(page.locator(".tool-alias", has_text="as shout")).to_be_visible(timeout=8_000)
