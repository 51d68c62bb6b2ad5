"""Administration in the browser: the System screen, every project's API keys, and the audit."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def _project_with_echo(product: Product, email: str, name: str, slug: str) -> str:
    """A user with a project running the echo server; their token."""
    product.signup(email, name)
    token = product.token(email)
    product.call(token, "POST", "/api/projects", {"name": f"{name} Project"})
    servers = {"mcpServers": {"echo": {"command": "python", "args": [str(ECHO)]}}}
    product.call(token, "POST", f"/api/projects/{slug}/servers/import", servers)
    return token


def _running_here(driver: Driver) -> int:
    text = driver.page.locator("#system-running").inner_text()
    return int(re.findall(r"\d+", text)[-1])


def test_system_screen_shows_database_queue_and_running_servers(driver: Driver, product: Product) -> None:
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/system")
    expect(driver.page.locator("#admin-tab-system")).to_have_attribute("data-state", "active")
    # The e2e product runs without DATABASE_URL: PostgreSQL embedded in its data folder, the queue on it.
    expect(driver.page.locator("#system-db-mode")).to_contain_text("Embedded")
    expect(driver.page.locator("#system-db-reachable")).to_have_text("reachable")
    expect(driver.page.locator("#system-queue-backend")).to_contain_text("PostgreSQL")
    expect(driver.page.locator("#system-queue-reachable")).to_have_text("reachable")
    expect(driver.page.locator("#system-version")).to_have_text(re.compile(r"\d+\.\d+"))
    expect(driver.page.locator("#system-caps")).to_contain_text("MCP_ORCH_MAX_UPSTREAMS_PER_PROJECT")
    before = _running_here(driver)

    token = _project_with_echo(product, "sysadmin-check@e2e.test", "Sys", "sys-project")
    # A tool call starts the server's shared upstream, which then runs until it idles out (10 min).
    call = {"arguments": {"text": "hi"}}
    product.call(token, "POST", "/api/projects/sys-project/servers/echo/tools/echo/call", call)
    deadline, now = time.monotonic() + 30, before
    while now <= before and time.monotonic() < deadline:
        driver.page.click("#system-refresh")
        driver.page.wait_for_timeout(1000)  # a bounded poll: the count comes from the API on Refresh
        now = _running_here(driver)
    assert now >= before + 1, f"running upstreams {before} → {now} after starting one"
    expect(driver.page.locator("#system-states")).to_contain_text(re.compile(r"running|healthy", re.IGNORECASE))
    driver.shot("admin-system")


def _mcp_status(product: Product, slug: str, key: str) -> int:
    headers = {**ACCEPT, "Authorization": f"Bearer {key}"}
    r = httpx.post(f"{product.api}/projects/{slug}/unified/mcp", json=INIT, headers=headers, timeout=30)
    return r.status_code


def test_admin_revokes_another_users_key_and_the_audit_lists_it(driver: Driver, product: Product) -> None:
    token = _project_with_echo(product, "kira-keys@e2e.test", "Kira", "kira-project")
    key = product.call(token, "POST", "/api/projects/kira-project/api-keys", {"name": "deploy"})
    product.call(token, "POST", "/api/projects/kira-project/api-keys", {"name": "kept"})
    assert _mcp_status(product, "kira-project", key["key"]) == 200

    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/keys")
    driver.page.click("#keys-project")
    driver.page.get_by_role("option", name="Kira Project").click()
    rows = driver.page.locator(".admin-key")
    expect(rows).to_have_count(2)
    expect(driver.page.locator("#keys-found")).to_have_text("2 keys found")
    row = rows.filter(has_text="deploy")
    expect(row).to_contain_text("kira-keys@e2e.test")
    expect(row.locator(".key-status-badge")).to_have_text("Active")

    row.locator(".key-revoke").click()
    expect(driver.page.get_by_role("alertdialog")).to_contain_text("Kira Project")
    driver.page.locator(".confirm-cancel").click()
    expect(driver.page.get_by_role("alertdialog")).to_have_count(0)
    assert _mcp_status(product, "kira-project", key["key"]) == 200, "Cancel revokes nothing"

    row.locator(".key-revoke").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("Key deploy revoked")
    expect(row.locator(".key-status-badge")).to_have_text("Revoked")
    expect(row.locator(".key-status-badge")).to_have_attribute("title", "revoked")
    expect(row.locator(".key-revoke")).to_have_count(0)
    expect(rows.filter(has_text="kept").locator(".key-status-badge")).to_have_text("Active")
    driver.shot("admin-keys")
    assert _mcp_status(product, "kira-project", key["key"]) == 401

    driver.page.click("#admin-tab-audit")
    driver.page.wait_for_url(re.compile(r".*/admin/audit"))
    latest = driver.page.locator(".audit-line").first
    expect(latest).to_contain_text("revoked the API key deploy")
    expect(latest).to_contain_text("Kira Project")
    expect(latest).to_contain_text(ADMIN_EMAIL)
    driver.shot("admin-audit")
    lines = driver.page.locator(".audit-line")
    driver.page.click("#audit-kind")
    driver.page.get_by_role("option", name="API keys").click()
    expect(lines.first).to_contain_text("revoked the API key deploy")
    expect(lines.filter(has_not_text="revoked the API key")).to_have_count(0)
    driver.page.click("#audit-kind")
    driver.page.get_by_role("option", name="Accounts").click()
    expect(driver.page.locator("#audit-kind")).to_contain_text("Accounts")
    expect(lines.filter(has_text="API key")).to_have_count(0)


def test_admin_teams_lists_every_team_with_members(driver: Driver, product: Product) -> None:
    product.signup("tina-crew@e2e.test", "Tina")
    token = product.token("tina-crew@e2e.test")
    team = product.call(token, "POST", "/api/teams", {"name": "Tina Crew"})
    product.signup("tobias-crew@e2e.test", "Tobias")
    product.call(
        token, "POST", f"/api/teams/{team['slug']}/members", {"email": "tobias-crew@e2e.test", "role": "reporter"}
    )

    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/teams")
    driver.page.fill("#teams-search", "Tina")
    driver.page.press("#teams-search", "Enter")
    row = driver.page.locator(".admin-team", has_text="Tina Crew")
    expect(row.locator(".team-members")).to_have_text("2")
    expect(driver.page.locator(".admin-team")).to_have_count(1)
    expect(driver.page.locator("#teams-page")).to_have_text("Page 1 of 1")
    driver.shot("admin-teams")
