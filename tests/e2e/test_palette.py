"""The command palette (Ctrl/⌘+K) in the browser: filter, arrow keys, Enter, Esc, pages and actions."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _owner_with_servers(product: Product, email: str, name: str, servers: list[str]) -> str:
    """A signed-up owner of a project with disabled servers (nothing starts); returns the slug."""
    product.signup(email, email.split("@", maxsplit=1)[0].title())
    token = product.token(email)
    slug = str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])
    for server in servers:
        body = {"name": server, "command": "python", "args": ["-c", "pass"], "enabled": False}
        product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    return slug


def _open_palette(driver: Driver) -> None:
    expect(driver.page.locator("#project-switcher-trigger")).to_be_visible()
    driver.page.keyboard.press("Control+k")
    expect(driver.page.locator("#command-palette")).to_be_visible()
    expect(driver.page.locator("#palette-search")).to_be_focused()


def test_arrow_down_and_enter_open_the_highlighted_server(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "pia@e2e.test", "Palette Lab", ["alpha-one", "alpha-two", "beta-three"])
    driver.login("pia@e2e.test", PASSWORD)
    driver.tab(slug, "overview")
    _open_palette(driver)
    driver.page.fill("#palette-search", "alpha")
    items = driver.page.locator(".palette-item")
    # The servers arrive from the API once the palette is open; the best matches come first.
    expect(items.nth(1)).to_contain_text("alpha-two")
    expect(items.nth(0)).to_contain_text("alpha-one")
    expect(driver.page.locator(".palette-item", has_text="beta-three")).to_have_count(0)
    expect(items.nth(0)).to_have_attribute("aria-selected", "true")
    driver.page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_have_attribute("aria-selected", "true")
    expect(items.nth(0)).to_have_attribute("aria-selected", "false")
    driver.shot("palette-servers")
    driver.page.keyboard.press("Enter")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers/alpha-two$"))
    expect(driver.page.locator("#server-title")).to_have_text("alpha-two")
    expect(driver.page.locator("#command-palette")).to_have_count(0)


def test_arrow_up_wraps_to_the_last_item(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "uma-palette@e2e.test", "Wrap Lab", ["gamma-one", "gamma-two"])
    driver.login("uma-palette@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    _open_palette(driver)
    driver.page.fill("#palette-search", "gamma")
    items = driver.page.locator(".palette-item")
    expect(items).to_have_count(2)
    driver.page.keyboard.press("ArrowUp")
    expect(items.nth(1)).to_have_attribute("aria-selected", "true")
    driver.page.keyboard.press("Enter")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers/gamma-two$"))


def test_add_server_action_opens_the_form_on_the_servers_page(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "ada@e2e.test", "Action Lab", [])
    driver.login("ada@e2e.test", PASSWORD)
    driver.tab(slug, "overview")
    _open_palette(driver)
    driver.page.fill("#palette-search", "add serv")
    first = driver.page.locator(".palette-item").first
    expect(first).to_contain_text("Add server")
    expect(first).to_have_attribute("data-kind", "action")
    driver.page.keyboard.press("Enter")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers$"))
    dialog = driver.page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Add server")
    driver.shot("palette-add-server")


def test_escape_closes_and_a_page_item_navigates(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "eli@e2e.test", "Pages Lab", [])
    driver.login("eli@e2e.test", PASSWORD)
    driver.tab(slug, "overview")
    _open_palette(driver)
    driver.page.keyboard.press("Escape")
    expect(driver.page.locator("#command-palette")).to_have_count(0)
    expect(driver.page).to_have_url(re.compile(rf".*/projects/{slug}/overview$"))
    _open_palette(driver)
    driver.page.fill("#palette-search", "members")
    item = driver.page.locator(".palette-item").first
    expect(item).to_contain_text("Members")
    expect(item).to_have_attribute("data-kind", "page")
    driver.page.keyboard.press("Enter")
    expect(driver.page.locator("#tab-members")).to_have_attribute("data-state", "active")
    expect(driver.page).to_have_url(re.compile(rf".*/projects/{slug}/members$"))


def test_clicking_an_item_runs_it_and_sign_out_is_an_action(driver: Driver, product: Product) -> None:
    _owner_with_servers(product, "sol-palette@e2e.test", "Click Lab", [])
    driver.login("sol-palette@e2e.test", PASSWORD)
    _open_palette(driver)
    driver.page.fill("#palette-search", "sign out")
    driver.page.locator(".palette-item", has_text="Sign out").click()
    driver.page.wait_for_url(re.compile(r".*/login"))
    expect(driver.page.locator("#login-message")).to_contain_text("signed out")


def _wait_for_tools(product: Product, token: str, slug: str, deadline_s: float = 30.0) -> None:
    """Poll the API until the project's server has listed its tools (a started server, a loaded machine)."""
    deadline = time.monotonic() + deadline_s
    while not product.call(token, "GET", f"/api/projects/{slug}/tools")["items"]:
        assert time.monotonic() < deadline, "the echo server listed no tools in time"
        time.sleep(0.5)


def test_a_tool_item_opens_its_server_on_the_tools_tab(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "tia@e2e.test", "Tool Lab", [])
    token = product.token("tia@e2e.test")
    body = {"name": "echo-lab", "command": "python", "args": [str(ECHO)]}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    _wait_for_tools(product, token, slug)
    driver.login("tia@e2e.test", PASSWORD)
    driver.tab(slug, "overview")
    _open_palette(driver)
    driver.page.fill("#palette-search", "all_cont")
    item = driver.page.locator(".palette-item").first
    expect(item).to_contain_text("all_content")
    expect(item).to_contain_text("tool of echo-lab")
    expect(item).to_have_attribute("data-kind", "tool")
    driver.page.keyboard.press("Enter")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers/echo-lab\?tab=tools$"))
    expect(driver.page.locator("#server-tab-tools")).to_have_attribute("data-state", "active")
    expect(driver.page.get_by_text("all_content").first).to_be_visible()


def test_create_api_key_action_opens_the_key_form_on_the_settings_page(driver: Driver, product: Product) -> None:
    slug = _owner_with_servers(product, "kai@e2e.test", "Key Lab", [])
    driver.login("kai@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    _open_palette(driver)
    driver.page.fill("#palette-search", "create api")
    expect(driver.page.locator(".palette-item").first).to_contain_text("Create API key")
    expect(driver.page.locator("#palette-search")).to_have_attribute("aria-activedescendant", "palette-item-0")
    driver.page.keyboard.press("Enter")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/settings$"))
    expect(driver.page.get_by_role("dialog")).to_contain_text("New API key")
    expect(driver.page.locator("#key-name")).to_be_visible()
