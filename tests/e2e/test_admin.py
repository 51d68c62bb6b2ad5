"""Administration and the project life cycle in the browser."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def test_admin_manages_users_and_sees_every_project_and_server(driver: Driver, product: Product) -> None:
    product.signup("val@e2e.test", "Val")
    token = product.token("val@e2e.test")
    product.call(token, "POST", "/api/projects", {"name": "Val Project"})
    servers = {"mcpServers": {"echo": {"command": "python", "args": [str(ECHO)]}}}
    product.call(token, "POST", "/api/projects/val-project/servers/import", servers)

    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    row = driver.page.locator(".admin-user", has_text="val@e2e.test")
    row.get_by_role("switch").first.click()
    driver.toast("val@e2e.test: deactivated")
    login = httpx.post(
        f"{product.api}/api/auth/login", json={"email": "val@e2e.test", "password": PASSWORD}, timeout=30
    )
    assert login.status_code in (401, 403)
    driver.shot("admin-users")
    row.get_by_role("switch").first.click()
    driver.toast("val@e2e.test: active")

    driver.page.click("#admin-tab-projects")
    driver.page.wait_for_url(re.compile(r".*/admin/projects"))
    expect(driver.page.get_by_role("link", name="Val Project")).to_be_visible()
    driver.page.click("#admin-tab-servers")
    expect(driver.page.locator("#global-servers")).to_contain_text("Val Project")
    expect(driver.page.locator("#global-servers")).to_contain_text("echo")
    driver.shot("admin-servers")

    driver.page.click("#admin-tab-worker")
    driver.page.click("#worker-pause")
    driver.toast("Worker paused")
    expect(driver.page.locator("#worker-state")).to_have_text("paused")
    driver.page.click("#worker-pause")
    driver.toast("Worker resumed")
    expect(driver.page.locator("#worker-state")).to_have_text("running")
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
    expect(key).to_contain_text("revoked")

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

    driver.page.click("#delete-project")
    expect(driver.page.locator("#delete-confirm-button")).to_be_disabled()
    driver.page.fill("#delete-confirm", "Short Lived")
    driver.page.click("#delete-confirm-button")
    driver.page.wait_for_url(re.compile(r".*/projects/?$"))
    driver.toast("Project Short Lived deleted")
    expect(driver.page.get_by_text("No projects yet")).to_be_visible()
