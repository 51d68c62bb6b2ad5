"""Live pages in the browser: a new server's tools and a status change made elsewhere show without a reload;
the add-server form's Test shows what a configuration offers, or why it fails."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _owner_with_project(product: Product, email: str, name: str) -> tuple[str, str]:
    product.signup(email, email.split("@", maxsplit=1)[0].title())
    token = product.token(email)
    return token, str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])


def test_form_test_then_save_shows_the_tools_without_a_reload(driver: Driver, product: Product) -> None:
    _, slug = _owner_with_project(product, "lou-live@e2e.test", "Live Form")
    driver.login("lou-live@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    expect(driver.page.locator("#live-indicator")).to_contain_text("Updated")
    driver.page.click("#add-server")
    driver.page.fill("#server-name", "echo-live")
    driver.page.fill("#server-command", "python")
    driver.page.fill("#server-args", "/nonexistent/echo.py")
    driver.page.click("#server-test")
    outcome = driver.page.locator("#server-test-outcome")
    expect(outcome).to_contain_text("did not start", timeout=30_000)
    expect(outcome).to_contain_text(re.compile(r"No such file|can't open file|exit", re.IGNORECASE))
    driver.shot("form-test-error")
    driver.page.fill("#server-args", str(ECHO))  # the form was kept: only the path changes
    driver.page.click("#server-test")
    expect(outcome).to_contain_text("13 tools", timeout=30_000)
    expect(outcome).to_contain_text("echo")
    driver.shot("form-test-tools")
    driver.page.click("#server-save")
    driver.toast("Server echo-live added")
    row = driver.page.locator(".server-row", has_text="echo-live")
    # No reload: the check that follows the change arrives over the live feed.
    expect(row.locator(".server-tools")).to_have_text("13", timeout=20_000)
    expect(row.locator(".server-status")).to_have_text(re.compile("Healthy|Running"))
    driver.shot("servers-live")


def test_a_status_change_made_through_the_api_shows_on_an_open_page(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "max-live@e2e.test", "Live Status")
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    driver.login("max-live@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    row = driver.page.locator(".server-row", has_text="echo")
    expect(row.locator(".server-tools")).to_have_text("13", timeout=20_000)
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/toggle")
    expect(row.locator(".server-status")).to_have_text("Disabled", timeout=3_000)
    driver.page.locator(".server-link", has_text="echo").click()
    expect(driver.page.locator("#server-status")).to_have_text("Disabled")
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/toggle")
    expect(driver.page.locator("#server-status")).to_have_text(re.compile("Healthy|Running|Not running"), timeout=3_000)
