"""The admin Sandbox screen shows what is in force (read-only: environment variables) as the API reports it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver
from tests.sandboxing import READONLY_PATHS


def test_the_sandbox_screen_shows_the_settings_in_force(driver: Driver, product: Product) -> None:
    status = product.call(product.token(ADMIN_EMAIL), "GET", "/api/admin/sandbox")
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/sandbox")
    expect(driver.page.locator("#admin-tab-sandbox")).to_have_attribute("data-state", "active")
    state = driver.page.locator("#sandbox-state")
    expected = "Off" if not status["enabled"] else ("On" if status["available"] else "On, but cannot start here")
    expect(state).to_have_text(expected)
    defaults = status["defaults"]
    expect(driver.page.locator("#sandbox-mcp-orch-sandbox-memory-mb")).to_have_text(str(defaults["memoryMb"]))
    expect(driver.page.locator("#sandbox-mcp-orch-sandbox-max-processes")).to_have_text(str(defaults["maxProcesses"]))
    expect(driver.page.locator("#sandbox-mcp-orch-sandbox-max-open-files")).to_have_text(str(defaults["maxOpenFiles"]))
    for path in READONLY_PATHS:
        expect(driver.page.locator("#sandbox-readonly-paths")).to_contain_text(path)
    expect(driver.page.locator("#sandbox-limits")).to_contain_text("MCP_ORCH_SANDBOX_MEMORY_MB")
    # Read-only: the screen offers no input to change what only the environment sets.
    expect(driver.page.locator("#sandbox-limits input")).to_have_count(0)
    driver.shot("admin-sandbox")
