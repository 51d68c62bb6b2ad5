"""A tool's alias in the browser: set on the server page's Tools tab, refused ones explained, cleared."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _aliases(product: Product, token: str, slug: str) -> dict[str, str | None]:
    tools = product.call(token, "GET", f"/api/projects/{slug}/tools")["items"]
    return {tool["name"]: tool["alias"] for tool in tools}


def test_an_alias_is_set_refused_when_bad_or_taken_and_cleared_on_the_server_page(
    driver: Driver, product: Product
) -> None:
    product.signup("alia@e2e.test", "Alia")
    token = product.token("alia@e2e.test")
    slug = str(product.call(token, "POST", "/api/projects", {"name": "Aliases"})["slug"])
    body = {"name": "echo", "command": "python", "args": [str(ECHO)]}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/refresh")
    driver.login("alia@e2e.test", PASSWORD)
    driver.goto(f"/projects/{slug}/servers/echo")
    driver.page.click("#server-tab-tools")
    row = driver.page.locator(".server-tool-row", has_text="Return the arguments as JSON text")
    row.locator(".tool-alias-edit").click()

    driver.page.fill("#tool-alias-input", "has space")
    expect(driver.page.locator("#tool-alias-error")).to_contain_text("1-64 characters")
    expect(driver.page.locator("#tool-alias-save")).to_be_disabled()
    driver.page.fill("#tool-alias-input", "add")
    driver.page.click("#tool-alias-save")
    expect(driver.page.locator("#tool-alias-error")).to_contain_text("'add' is already a tool of server 'echo'")
    driver.shot("alias-taken")
    driver.page.fill("#tool-alias-input", "say")
    driver.page.click("#tool-alias-save")
    driver.toast("echo is now offered as say")
    expect(row.locator(".tool-alias")).to_contain_text("say")
    driver.shot("alias-set")
    assert _aliases(product, token, slug)["echo"] == "say"

    row.locator(".tool-alias-edit").click()
    expect(driver.page.locator("#tool-alias-input")).to_have_value("say")
    driver.page.click("#tool-alias-clear")
    driver.toast("echo is offered by its name")
    expect(row.locator(".tool-alias")).to_have_count(0)
    assert _aliases(product, token, slug)["echo"] is None
