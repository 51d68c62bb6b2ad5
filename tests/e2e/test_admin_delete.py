"""An administrator deletes an account from the users screen, after typing its email."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

GONE = "gone-soon@e2e.test"
SOLE = "sole-owner@e2e.test"


def _find(driver: Driver, email: str) -> None:
    driver.page.fill("#admin-search", email)
    expect(driver.page.locator("#admin-search")).to_have_value(email)
    driver.page.press("#admin-search", "Enter")
    expect(driver.page.locator(".admin-user").first).to_contain_text(email)


def test_admin_deletes_a_user_after_typing_the_email(driver: Driver, product: Product) -> None:
    product.signup(GONE, "Gone Soon")
    product.signup(SOLE, "Sole Owner")
    product.call(product.token(SOLE), "POST", "/api/projects", {"name": "Sole Project"})
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")

    _find(driver, SOLE)
    driver.page.locator(".admin-user", has_text=SOLE).locator(".delete-user").click()
    driver.page.fill("#delete-user-confirm", SOLE)
    driver.page.click("#delete-user-button")
    expect(driver.page.locator("#delete-user-error")).to_contain_text("only owner of Sole Project")
    driver.page.get_by_role("button", name="Cancel").click()
    # The closing dialog hands focus back to its Delete button; search once it is gone.
    expect(driver.page.locator("#delete-user-confirm")).to_have_count(0)

    _find(driver, GONE)
    row = driver.page.locator(".admin-user", has_text=GONE)
    row.locator(".delete-user").click()
    expect(driver.page.locator("#delete-user-button")).to_be_disabled()
    driver.page.fill("#delete-user-confirm", "someone-else@e2e.test")
    expect(driver.page.locator("#delete-user-button")).to_be_disabled()
    driver.shot("admin-delete-user")
    driver.page.fill("#delete-user-confirm", GONE)
    driver.page.click("#delete-user-button")
    driver.toast(f"{GONE} deleted")
    expect(driver.page.locator(".admin-user", has_text=GONE)).to_have_count(0)
    login = httpx.post(f"{product.api}/api/auth/login", json={"email": GONE, "password": PASSWORD}, timeout=30)
    assert login.status_code == 401
