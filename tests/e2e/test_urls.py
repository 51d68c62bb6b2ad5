"""Every view is a URL: views, tabs, filters, the open row and the open Try dialog are in the address bar, survive a
reload and can be shared; leaving a page closes its Try dialog."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver, exactly

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"
WAIT = 30_000
TOOL_BOX = "#calls-tool, input[name=tool]"  # the explorer's tool filter box


def _owner_with_project(product: Product, email: str, name: str) -> tuple[str, str]:
    product.signup(email, email.split("@", maxsplit=1)[0].title())
    token = product.token(email)
    return token, str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])


def _with_echo(product: Product, token: str, slug: str) -> None:
    """The echo server, started, with its tools listed (polled: a loaded machine starts it slowly)."""
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    deadline = time.monotonic() + 60
    while not product.call(token, "GET", f"/api/projects/{slug}/tools")["items"]:
        assert time.monotonic() < deadline, "the echo server listed no tools in time"
        time.sleep(0.5)


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_a_direct_load_of_the_calls_view_shows_the_explorer(driver: Driver, product: Product) -> None:
    _, slug = _owner_with_project(product, "una-url@e2e.test", "Url Calls")
    driver.login("una-url@e2e.test", PASSWORD)
    calls_url = f"/projects/{slug}/activity?view=calls"
    driver.goto(calls_url)
    expect(driver.page.locator("#calls-chart")).to_be_visible(timeout=WAIT)
    expect(driver.page.get_by_role("radio", name="Tool calls")).to_have_attribute("data-state", "on")
    expect(driver.page.locator("#activity-table")).to_have_count(0)
    driver.page.reload()
    expect(driver.page.locator("#calls-chart")).to_be_visible(timeout=WAIT)
    expect(driver.page.get_by_role("radio", name="Tool calls")).to_have_attribute("data-state", "on")
    driver.shot("calls-direct-load")
    # The audit feed is a URL too: its filters go into the query and come back on a reload.
    driver.page.get_by_role("radio", name="Audit feed").click()
    expect(driver.page.locator("#activity-table")).to_be_visible(timeout=WAIT)
    driver.page.fill("#activity-type", "project")
    driver.page.get_by_role("button", name="Apply").click()
    driver.page.wait_for_url(re.compile(r".*/activity\?type=project$"), timeout=WAIT)
    driver.page.reload()
    expect(driver.page.locator("#activity-type")).to_have_value("project", timeout=WAIT)
    expect(driver.page.locator("#activity-table")).to_contain_text("Project created")
    expect(driver.page.locator('#activity-table .event-type[title="project.created"]').first).to_be_visible()

    # Signed out, the link survives the login page.
    driver.logout()
    driver.goto(calls_url)
    driver.page.wait_for_url(re.compile(r".*/login\?next="), timeout=WAIT)
    driver.page.fill("input[name=email]", "una-url@e2e.test")
    driver.page.fill("input[name=password]", PASSWORD)
    driver.page.click("button[type=submit]")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/activity\?view=calls$"), timeout=WAIT)
    expect(driver.page.locator("#calls-chart")).to_be_visible(timeout=WAIT)


def _views(slug: str, team: str) -> list[tuple[str, str, str]]:
    """Every view's URL, the tab that must be selected (or ``""``) and what only that view shows."""
    project, server = f"/projects/{slug}", f"/projects/{slug}/servers/echo"
    return [
        ("/projects", "", ".project-card"),
        (project, "#tab-overview", "#connect-card"),
        (f"{project}/overview", "#tab-overview", "#connect-card"),
        (f"{project}/servers", "#tab-servers", "#servers-table"),
        (f"{project}/tools", "#tab-tools", "#tools-table"),
        (f"{project}/activity", "#tab-activity", "#activity-table"),
        (f"{project}/activity?view=calls", "#tab-activity", "#calls-chart"),
        (f"{project}/members", "#tab-members", "#members-table"),
        (f"{project}/settings", "#tab-settings", "#settings-name"),
        (server, "#server-tab-overview", "#server-overview"),
        (f"{server}?tab=tools", "#server-tab-tools", ".server-tool-row"),
        (f"{server}?tab=logs", "#server-tab-logs", "#log-level"),
        (f"{server}?tab=calls", "#server-tab-calls", "text=Calls (24h)"),
        (f"{server}?tab=settings", "#server-tab-settings", "#edit-server"),
        ("/teams", "", f"a[href='/teams/{team}']"),
        (f"/teams/{team}", "", "#team-title"),
        ("/profile", "", "#profile-name"),
    ]


def test_a_direct_load_of_every_view_url_shows_that_view(driver: Driver, product: Product) -> None:
    email = f"vic-views-{secrets.token_hex(3)}@e2e.test"
    token, slug = _owner_with_project(product, email, f"Url Views {secrets.token_hex(2)}")
    _with_echo(product, token, slug)
    team = str(product.call(token, "POST", "/api/teams", {"name": f"View Crew {secrets.token_hex(2)}"})["slug"])
    driver.login(email, PASSWORD)
    page = driver.page
    for url, tab, marker in _views(slug, team):
        driver.goto(url)  # a full load each time: nothing carried over from the view before
        if tab:
            expect(page.locator(tab)).to_have_attribute("data-state", "active", timeout=WAIT)
        expect(page.locator(marker).first).to_be_visible(timeout=WAIT)
        assert urlsplit(page.url).path.rstrip("/").startswith(urlsplit(url).path), page.url  # no redirect elsewhere
        driver.shot("view-" + re.sub(r"[^a-z0-9]+", "-", url.replace(slug, "p").replace(team, "team")).strip("-"))

    # The server's tabs show values in words, the raw value only as a tooltip (issue 14, point 6).
    server = f"/projects/{slug}/servers/echo"
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/tools/echo/call", {"arguments": {"n": 1}})
    driver.goto(f"{server}?tab=tools")
    state = page.locator(".server-tool-row .tool-state").first
    expect(state).to_have_text("Enabled", timeout=WAIT)
    expect(state).to_have_attribute("title", "enabled")
    expect(page.get_by_text(exactly("enabled", "disabled"))).to_have_count(0)
    driver.goto(f"{server}?tab=calls")
    expect(page.locator(".call-status").first).to_have_text("Succeeded", timeout=WAIT)
    expect(page.locator(".call-status").first).to_have_attribute("title", "success")
    expect(page.get_by_text(exactly("success"))).to_have_count(0)
    driver.goto(server)
    expect(page.locator("#server-overview")).to_contain_text("Local command (stdio)", timeout=WAIT)
    expect(page.get_by_text(exactly("stdio"))).to_have_count(0)


def test_a_server_tab_is_in_the_url_and_a_reload_keeps_it(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "ivo-url@e2e.test", "Url Tabs")
    body = {"name": "idle", "command": "python", "args": ["-c", "pass"], "enabled": False}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    driver.login("ivo-url@e2e.test", PASSWORD)
    driver.goto(f"/projects/{slug}/servers/idle")
    expect(driver.page.locator("#server-title")).to_have_text("idle", timeout=WAIT)
    driver.page.click("#server-tab-logs")
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers/idle\?tab=logs$"), timeout=WAIT)
    driver.page.reload()
    expect(driver.page.locator("#server-tab-logs")).to_have_attribute("data-state", "active", timeout=WAIT)
    expect(driver.page.locator("#log-level")).to_have_text("All levels")  # levels in words, not "all"
    driver.shot("server-logs-after-reload")
    driver.page.click("#server-tab-settings")
    driver.page.wait_for_url(re.compile(r".*\?tab=settings$"), timeout=WAIT)
    driver.page.click("#server-tab-overview")
    driver.page.wait_for_url(re.compile(r".*/servers/idle$"), timeout=WAIT)
    driver.page.reload()
    expect(driver.page.locator("#server-tab-overview")).to_have_attribute("data-state", "active", timeout=WAIT)


def test_the_add_server_and_new_key_dialogs_are_in_the_url(driver: Driver, product: Product) -> None:
    _token, slug = _owner_with_project(product, "ada-url-add@e2e.test", "Url Add")
    driver.login("ada-url-add@e2e.test", PASSWORD)
    page = driver.page
    driver.tab(slug, "servers")
    page.click("#add-server")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=WAIT)
    page.wait_for_url(re.compile(rf".*/projects/{slug}/servers\?add=server$"), timeout=WAIT)
    page.reload()  # a reload (or the link, shared) shows the dialog again
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text("Add server")
    driver.shot("add-server-from-url")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0, timeout=WAIT)
    page.wait_for_url(re.compile(rf".*/projects/{slug}/servers$"), timeout=WAIT)
    page.reload()
    expect(page.locator("#add-server")).to_be_visible(timeout=WAIT)
    expect(dialog).to_have_count(0)

    # The new-key dialog likewise, on the settings tab; creating the key takes it out of the URL.
    driver.tab(slug, "settings")
    page.click("#new-key")
    expect(dialog).to_be_visible(timeout=WAIT)
    page.wait_for_url(re.compile(rf".*/projects/{slug}/settings\?new=key$"), timeout=WAIT)
    page.reload()
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text("Create key")
    dialog.locator("input").first.fill("from-a-link")
    dialog.get_by_role("button", name="Create key").click()
    expect(page.locator("#new-key-value")).to_be_visible(timeout=WAIT)
    page.wait_for_url(re.compile(rf".*/projects/{slug}/settings$"), timeout=WAIT)


def test_the_connect_cards_choices_are_in_the_url(driver: Driver, product: Product) -> None:
    _token, slug = _owner_with_project(product, "eve-url-connect@e2e.test", "Url Connect")
    driver.login("eve-url-connect@e2e.test", PASSWORD)
    page = driver.page
    driver.tab(slug, "overview")
    page.click("#connect-client")
    page.get_by_role("option", name="Cursor").click()
    page.wait_for_url(re.compile(rf".*/projects/{slug}/overview\?client=cursor$"), timeout=WAIT)
    page.click("#connect-transport")
    page.get_by_role("option", name="SSE (legacy)").click()
    page.wait_for_url(re.compile(r".*\?client=cursor&transport=sse$"), timeout=WAIT)
    page.reload()  # the link shows the same snippet
    expect(page.locator("#connect-client")).to_have_text("Cursor", timeout=WAIT)
    expect(page.locator("#connect-transport")).to_have_text("SSE (legacy)")
    expect(page.locator("#connect-card")).to_contain_text("/sse", timeout=WAIT)
    driver.goto(f"/projects/{slug}/overview?client=nonsense")  # an unknown choice reads as the default
    expect(page.locator("#connect-client")).to_have_text("Claude Code", timeout=WAIT)


def test_explorer_filters_are_in_the_url_and_a_fresh_page_shows_the_same(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "eda-url@e2e.test", "Url Filters")
    _with_echo(product, token, slug)
    for tool, arguments in [("echo", {"n": 1}), ("echo", {"n": 2}), ("add", {"a": 1, "b": 2}), ("fail", {})]:
        product.call(token, "POST", f"/api/projects/{slug}/servers/echo/tools/{tool}/call", {"arguments": arguments})
    driver.login("eda-url@e2e.test", PASSWORD)
    page = driver.page
    driver.goto(f"/projects/{slug}/activity?view=calls")
    expect(page.locator(".call-row")).to_have_count(4, timeout=WAIT)

    page.click("#calls-range")
    page.get_by_role("option", name="Last 7 days").click()
    page.wait_for_url(re.compile(r".*range=7d"), timeout=WAIT)
    page.click("#calls-status")
    page.get_by_role("option", name="Succeeded").click()
    page.wait_for_url(re.compile(r".*status=success"), timeout=WAIT)
    tool_box = page.locator(TOOL_BOX)
    tool_box.fill("echo")
    tool_box.press("Enter")  # applies the filter form; a box that applies as you type ignores it
    page.wait_for_url(re.compile(r".*tool=echo"), timeout=WAIT)
    rows = page.locator(".call-row")
    expect(rows).to_have_count(2, timeout=WAIT)
    rows.first.click()
    expect(page.locator(".call-detail")).to_contain_text('"n":', timeout=WAIT)
    page.wait_for_url(re.compile(r".*call=[0-9a-f-]+"), timeout=WAIT)
    query = _query(page)
    for name, value in [("view", "calls"), ("range", "7d"), ("status", "success"), ("tool", "echo")]:
        assert query[name] == [value], page.url
    driver.shot("calls-filtered")

    # A fresh tab (its own UI state) on the shared link shows the same filters, rows and open row.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    expect(fresh.locator(TOOL_BOX)).to_have_value("echo", timeout=WAIT)
    expect(fresh.locator("#calls-range")).to_have_text("Last 7 days")
    expect(fresh.locator("#calls-status")).to_have_text("Succeeded")  # the word; the URL keeps status=success
    expect(fresh.locator(".call-status").first).to_have_text("Succeeded")
    expect(fresh.locator(".call-status").first).to_have_attribute("title", "success")
    expect(fresh.locator(".call-row")).to_have_count(2, timeout=WAIT)
    expect(fresh.locator(".call-row").first).to_contain_text("echo")
    expect(fresh.locator(".call-detail")).to_contain_text('"n":', timeout=WAIT)
    fresh.close()


def test_leaving_a_page_closes_the_try_dialog(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "tom-url@e2e.test", "Url Try")
    _with_echo(product, token, slug)
    driver.login("tom-url@e2e.test", PASSWORD)
    page = driver.page
    driver.tab(slug, "servers")
    page.click("#tab-tools")
    page.wait_for_url(re.compile(rf".*/projects/{slug}/tools$"), timeout=WAIT)
    # The tools tab's search is in the URL too.
    page.fill("#tool-search", "arguments as JSON")
    page.wait_for_url(re.compile(r".*/tools\?q=arguments"), timeout=WAIT)
    row = page.locator(".tool-row", has_text="Return the arguments as JSON text")
    expect(page.locator(".tool-row")).to_have_count(1, timeout=WAIT)
    row.locator(".tool-try").click()
    dialog = page.get_by_role("dialog")
    expect(page).to_have_url(re.compile(r".*/tools\?q=arguments.*&try=echo%2Fecho$"), timeout=WAIT)
    page.click("#try-call")
    expect(page.locator("#tool-result")).to_be_visible(timeout=WAIT)

    page.go_back()  # leave the page with the dialog open
    expect(page).to_have_url(re.compile(rf".*/projects/{slug}/servers$"), timeout=WAIT)
    expect(dialog).to_have_count(0, timeout=WAIT)
    # Forward to the URL that names the open dialog: it shows again, afresh (no result of the earlier call).
    page.go_forward()
    expect(page).to_have_url(re.compile(r".*/tools\?q=arguments.*&try=echo%2Fecho$"), timeout=WAIT)
    expect(page.locator("#tool-search")).to_have_value("arguments as JSON", timeout=WAIT)
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text("echo")
    expect(page.locator("#tool-result")).to_have_count(0)
    driver.shot("tools-after-coming-back")

    # Closing it takes it out of the URL; a reload then shows the list alone.
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0, timeout=WAIT)
    expect(page).to_have_url(re.compile(r".*/tools\?q=arguments[^&]*$"), timeout=WAIT)
    page.reload()
    expect(row).to_be_visible(timeout=WAIT)
    expect(dialog).to_have_count(0)

    # A link to an open dialog opens it, even in a fresh page.
    driver.goto(f"/projects/{slug}/tools?try=echo%2Fadd")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(dialog).to_contain_text("Add two numbers")
    page.click("#try-call")
    expect(page.locator("#tool-result")).to_be_visible(timeout=WAIT)

    # A full load of another page and back: still closed.
    driver.goto(f"/projects/{slug}/overview")
    expect(page.locator("#tab-overview")).to_have_attribute("data-state", "active", timeout=WAIT)
    driver.goto(f"/projects/{slug}/tools")
    expect(page.locator(".tool-row").first).to_be_visible(timeout=WAIT)
    expect(dialog).to_have_count(0)


def test_admin_list_search_filter_and_page_are_in_the_url(driver: Driver, product: Product) -> None:
    product.signup("quinn-query@e2e.test", "Quinn Query")
    page = driver.page
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users?q=quinn-query")  # a shared link: the search it names, applied
    expect(page.locator("#admin-search")).to_have_value("quinn-query")
    expect(page.locator(".admin-user")).to_have_count(1)
    expect(page.locator(".admin-user")).to_contain_text("quinn-query@e2e.test")

    # Another search (narrow: every browser test's users share this product, 25 to a page).
    page.fill("#admin-search", "quinn-q")
    page.press("#admin-search", "Enter")
    page.wait_for_url(re.compile(r".*[?&]q=quinn-q(&|$)"))
    assert _query(page) == {"q": ["quinn-q"]}  # the first page is the default: not in the URL
    page.reload()
    expect(page.locator("#admin-search")).to_have_value("quinn-q")
    expect(page.locator(".admin-user", has_text="quinn-query@e2e.test")).to_have_count(1)

    driver.goto("/admin/audit")
    page.click("#audit-kind")
    page.get_by_role("option", name="Accounts").click()
    page.wait_for_url(re.compile(r".*[?&]filter=\w+"))
    kind = _query(page)["filter"]
    page.reload()
    expect(page.locator("#audit-kind")).to_contain_text("Accounts")
    assert _query(page)["filter"] == kind
