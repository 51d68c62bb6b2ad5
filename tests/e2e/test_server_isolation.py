"""The server form's isolation field in the browser: modes by name, each explained, per_user saved and shown."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"
EMAIL = "uma@e2e.test"


def test_a_server_added_per_user_in_the_form_is_stored_and_shown_by_name(driver: Driver, product: Product) -> None:
    product.signup(EMAIL, "Uma")
    token = product.token(EMAIL)
    slug = str(product.call(token, "POST", "/api/projects", {"name": "Isolation"})["slug"])
    driver.login(EMAIL, PASSWORD)
    driver.tab(slug, "servers")
    driver.page.click("#add-server")
    driver.page.fill("#server-name", "memo")
    driver.page.fill("#server-command", "python")
    driver.page.fill("#server-args", str(ECHO))
    dialog = driver.page.get_by_role("dialog")
    for explained in ("Shared by everyone: ", "One per user or key: ", "One per client session: "):
        expect(dialog).to_contain_text(explained)
    expect(driver.page.locator("#server-isolation")).to_have_text("Shared by everyone")
    driver.page.click("#server-isolation")
    driver.page.get_by_role("option", name="One per user or key").click()
    driver.shot("server-isolation-per-user")
    driver.page.click("#server-save")
    driver.toast("Server memo added")
    assert product.call(token, "GET", f"/api/projects/{slug}/servers/memo")["isolation"] == "per_user"

    driver.page.locator(".server-link", has_text="memo").click()
    expect(driver.page.get_by_text("One per user or key", exact=True)).to_be_visible()
    driver.page.click("#server-tab-settings")
    driver.page.click("#edit-server")
    expect(driver.page.locator("#server-isolation")).to_have_text("One per user or key")
