"""Administration and the project life cycle in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver, exactly

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _search(driver: Driver, text: str) -> None:
    """Search the users section and wait until every row shown matches."""
    driver.page.fill("#admin-search", text)
    driver.page.press("#admin-search", "Enter")
    expect(driver.page.locator(".admin-user").first).to_contain_text(text)
    expect(driver.page.locator(".admin-user").filter(has_not_text=text)).to_have_count(0)


def test_admin_manages_users_and_sees_every_project_and_server(driver: Driver, product: Product) -> None:
    product.signup("val@e2e.test", "Val")
    token = product.token("val@e2e.test")
    product.call(token, "POST", "/api/projects", {"name": "Val Project"})
    servers = {"mcpServers": {"echo": {"command": "python", "args": [str(ECHO)]}}}
    product.call(token, "POST", "/api/projects/val-project/servers/import", servers)

    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    _search(driver, "val@e2e.test")
    row = driver.page.locator(".admin-user", has_text="val@e2e.test")
    row.locator(".user-active").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("val@e2e.test: deactivated")
    login = httpx.post(
        f"{product.api}/api/auth/login", json={"email": "val@e2e.test", "password": PASSWORD}, timeout=30
    )
    assert login.status_code in (401, 403)
    driver.shot("admin-users")
    row.locator(".user-active").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("val@e2e.test: active")

    driver.page.click("#admin-tab-projects")
    driver.page.wait_for_url(re.compile(r".*/admin/projects"))
    expect(driver.page.get_by_role("link", name="Val Project")).to_be_visible()
    driver.page.click("#admin-tab-servers")
    expect(driver.page.locator("#global-servers")).to_contain_text("Val Project")
    expect(driver.page.locator("#global-servers")).to_contain_text("echo")
    # State and transport in words, the raw values only as titles.
    val_row = driver.page.locator("#global-servers tr", has_text="Val Project")
    expect(val_row).to_contain_text("Local command (stdio)")
    expect(val_row.get_by_title("stdio", exact=True)).to_have_count(1)
    expect(val_row.get_by_text(exactly("stdio", "stopped", "healthy", "running", "starting"))).to_have_count(0)
    driver.shot("admin-servers")

    driver.page.click("#admin-tab-worker")
    driver.page.click("#worker-pause")
    driver.toast("Worker paused")
    expect(driver.page.locator("#worker-state")).to_have_text("Paused")  # the word; the raw state is its title
    expect(driver.page.locator("#worker-state")).to_have_attribute("title", "paused")
    expect(driver.page.get_by_text(exactly("paused", "running"))).to_have_count(0)
    driver.page.click("#worker-pause")
    driver.toast("Worker resumed")
    expect(driver.page.locator("#worker-state")).to_have_text("Running")
    driver.page.locator(".run-now").first.click()
    driver.toast(re.compile("queued"))


def test_owner_revokes_a_key_archives_restores_and_deletes_the_project(driver: Driver, product: Product) -> None:
    product.signup("owen@e2e.test", "Owen")
    token = product.token("owen@e2e.test")
    product.call(token, "POST", "/api/projects", {"name": "Short Lived"})
    product.call(token, "POST", "/api/projects/short-lived/api-keys", {"name": "ci"})
    driver.login("owen@e2e.test", PASSWORD)

    driver.tab("short-lived", "settings")
    key = driver.page.locator(".key-row", has_text="ci")
    key.locator(".key-revoke").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("Key ci revoked")
    expect(key.locator(".key-status-badge")).to_have_text("Revoked")
    expect(key.locator(".key-status-badge")).to_have_attribute("title", "revoked")
    expect(key.get_by_text("revoked", exact=True)).to_have_count(0)

    driver.page.click("#archive-project")
    driver.page.locator(".confirm-action").click()
    driver.toast("Project archived")
    expect(driver.page.get_by_text("archived · read-only")).to_be_visible()
    driver.shot("project-archived")
    driver.tab("short-lived", "servers")
    expect(driver.page.locator("#add-server")).to_have_count(0)  # archived projects are read-only
    driver.tab("short-lived", "settings")
    driver.page.click("#restore-project")
    driver.toast("Project restored")
    expect(driver.page.get_by_text("archived · read-only")).to_have_count(0)

    confirm, delete = driver.page.locator("#delete-confirm"), driver.page.locator("#delete-confirm-button")
    driver.page.click("#delete-project")
    expect(delete).to_be_disabled()
    driver.page.fill("#delete-confirm", "Short Lived")  # typed at once: nothing sent on opening wipes it
    expect(delete).to_be_enabled()
    driver.close_dialog()
    driver.page.click("#delete-project")
    expect(confirm).to_have_value("")  # what was typed is forgotten on closing
    expect(delete).to_be_disabled()
    driver.page.fill("#delete-confirm", "Short Lived")
    delete.click()
    driver.page.wait_for_url(re.compile(r".*/projects/?$"))
    driver.toast("Project Short Lived deleted")
    expect(driver.page.get_by_text("No projects yet")).to_be_visible()


def _admin_view(product: Product, email: str) -> dict[str, object]:
    """The user as ``GET /api/admin/users`` shows them to the administrator."""
    page = product.call(product.token(ADMIN_EMAIL), "GET", f"/api/admin/users?search={email}")
    (user,) = [u for u in page["items"] if u["email"] == email]
    return dict(user)


def test_admin_searches_pages_and_creates_a_user_who_can_log_in(driver: Driver, product: Product) -> None:
    for i in range(27):
        product.signup(f"pager{i:02d}@e2e.test", f"Pager {i:02d}")
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    _search(driver, "pager")
    expect(driver.page.locator(".admin-user")).to_have_count(25)
    expect(driver.page.locator("#users-page")).to_have_text("Page 1 of 2")
    expect(driver.page.locator("#users-prev")).to_be_disabled()
    driver.page.click("#users-next")
    expect(driver.page.locator("#users-page")).to_have_text("Page 2 of 2")
    expect(driver.page.locator(".admin-user")).to_have_count(2)
    expect(driver.page.locator(".admin-user").last).to_contain_text("pager26@e2e.test")
    _search(driver, "pager13")
    expect(driver.page.locator(".admin-user")).to_have_count(1)
    expect(driver.page.locator("#users-page")).to_have_text("Page 1 of 1")

    driver.page.click("#create-user")
    driver.page.fill("#create-email", "hired@e2e.test")
    driver.page.fill("#create-name", "Hired Hand")
    driver.page.fill("#create-password", "password123")
    driver.page.locator("#create-user-form button[type=submit]").click()
    expect(driver.page.locator("#create-error")).to_contain_text("Password")  # beside the form, form kept
    expect(driver.page.locator("#create-email")).to_have_value("hired@e2e.test")
    driver.page.fill("#create-password", PASSWORD)
    driver.page.locator("#create-user-form button[type=submit]").click()
    driver.toast("Account hired@e2e.test created")
    expect(driver.page.locator("#create-user-form")).to_have_count(0)
    expect(driver.page.locator("#admin-search")).to_have_value("hired@e2e.test")
    expect(driver.page.locator(".admin-user")).to_have_count(1)
    expect(driver.page.locator(".admin-user")).to_contain_text("Hired Hand")
    product.token("hired@e2e.test")  # asserts the new account signs in
    assert _admin_view(product, "hired@e2e.test")["isAdmin"] is False
    driver.shot("admin-create-user")


def test_granting_admin_and_deactivating_ask_first(driver: Driver, product: Product) -> None:
    product.signup("gus@e2e.test", "Gus")
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    _search(driver, "gus@e2e.test")
    admin_switch = driver.page.locator(".admin-user", has_text="gus@e2e.test").locator(".user-admin")

    admin_switch.click()
    dialog = driver.page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Make administrator")
    expect(dialog).to_contain_text("gus@e2e.test")
    driver.shot("admin-confirm-grant")
    dialog.locator(".confirm-cancel").click()
    expect(dialog).to_have_count(0)
    expect(admin_switch).to_have_attribute("aria-checked", "false")
    assert _admin_view(product, "gus@e2e.test")["isAdmin"] is False, "Cancel changed nothing"

    admin_switch.click()
    dialog.locator(".confirm-action").click()
    driver.toast("gus@e2e.test: active, administrator")
    expect(admin_switch).to_have_attribute("aria-checked", "true")
    assert _admin_view(product, "gus@e2e.test")["isAdmin"] is True

    driver.page.locator(".admin-user", has_text="gus@e2e.test").locator(".user-active").click()
    expect(dialog).to_contain_text("Deactivate account")
    dialog.locator(".confirm-action").click()
    driver.toast("gus@e2e.test: deactivated")
    login = httpx.post(
        f"{product.api}/api/auth/login", json={"email": "gus@e2e.test", "password": PASSWORD}, timeout=30
    )
    assert login.status_code in (401, 403)
    assert _admin_view(product, "gus@e2e.test")["isActive"] is False


def test_admin_edits_the_allowed_commands(driver: Driver, product: Product) -> None:
    admin = product.token(ADMIN_EMAIL)
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    driver.page.click("#admin-tab-commands")
    driver.page.wait_for_url(re.compile(r".*/admin/commands"))
    built_in = product.call(admin, "GET", "/api/admin/allowed-commands")["builtIn"]
    expect(driver.page.locator("#commands-built-in")).to_contain_text(built_in[0])

    before = product.call(admin, "GET", "/api/admin/allowed-commands")["added"]
    driver.page.fill("#commands-added", "node --inspect\n")
    driver.page.click("#commands-save")
    expect(driver.page.locator("#commands-error")).to_contain_text("without arguments")
    assert product.call(admin, "GET", "/api/admin/allowed-commands")["added"] == before

    driver.page.fill("#commands-added", "/opt/e2e/bin/server\ne2e-tool\n")
    expect(driver.page.locator("#commands-error")).to_have_count(0)
    driver.page.click("#commands-save")
    driver.toast("Allowed commands saved (2 added)")
    policy = product.call(admin, "GET", "/api/admin/allowed-commands")
    assert policy["added"] == ["/opt/e2e/bin/server", "e2e-tool"]
    expect(driver.page.locator("#commands-effective")).to_contain_text("e2e-tool")
    driver.shot("admin-allowed-commands")
    driver.page.reload()
    expect(driver.page.locator("#commands-added")).to_have_value("/opt/e2e/bin/server\ne2e-tool")

    product.call(admin, "PUT", "/api/admin/allowed-commands", {"added": before})


def test_a_refused_command_points_to_the_allowed_commands_screen(driver: Driver, product: Product) -> None:
    slug = product.call(product.token(ADMIN_EMAIL), "POST", "/api/projects", {"name": "Command Check"})["slug"]
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.tab(slug, "servers")
    driver.page.click("#add-server")
    driver.page.fill("#server-name", "refused")
    driver.page.fill("#server-command", "not-on-the-list")
    driver.page.click("#server-save")
    body = driver.page.locator("body")
    expect(body).to_contain_text("Administration → Allowed commands, /admin/commands")
    expect(body).not_to_contain_text("PUT /api/admin/allowed-commands")
