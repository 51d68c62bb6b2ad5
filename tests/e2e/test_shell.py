"""Shell behaviour in the browser: session expiry, the palette's projects and their shortcuts, profile, teams."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver


def test_expired_session_returns_to_login_with_message(driver: Driver) -> None:
    driver.goto("/login")
    driver.page.evaluate("localStorage.setItem('mcp_orch_token', 'not-a-valid-token')")
    driver.goto("/projects")
    driver.page.wait_for_url(re.compile(r".*/login/?\?next=/projects"))
    expect(driver.page.locator("#login-message")).to_contain_text("Your session has expired")
    assert driver.page.evaluate("localStorage.getItem('mcp_orch_token')") in ("", None)
    driver.shot("login-session-expired")


def test_signed_out_visitor_is_sent_to_login_and_back(driver: Driver, product: Product) -> None:
    product.signup("sam@e2e.test", "Sam")
    driver.goto("/teams")
    driver.page.wait_for_url(re.compile(r".*/login/?\?next=/teams"))
    expect(driver.page.locator("#login-message")).to_have_count(0)
    driver.page.fill("input[name=email]", "sam@e2e.test")
    driver.page.fill("input[name=password]", PASSWORD)
    driver.page.click("button[type=submit]")
    driver.page.wait_for_url(re.compile(r".*/teams/?$"))
    expect(driver.page.get_by_text("No teams yet")).to_be_visible()


def test_switcher_opens_with_ctrl_k_and_ctrl_1_opens_the_first_favorite(driver: Driver, product: Product) -> None:
    product.signup("fay@e2e.test", "Fay")
    token = product.token("fay@e2e.test")
    for name in ("Alpha Apps", "Beta Bots", "Gamma Gates"):
        product.call(token, "POST", "/api/projects", {"name": name})
    product.call(token, "PUT", "/api/projects/gamma-gates/favorite")
    driver.login("fay@e2e.test", PASSWORD)
    expect(driver.page.locator(".project-card")).to_have_count(3)
    driver.page.keyboard.press("Control+k")
    items = driver.page.locator(".palette-item[data-kind=project]")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text("Gamma Gates")  # favorites first
    driver.page.fill("#palette-search", "beta")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Beta Bots")
    driver.shot("project-switcher")
    driver.page.keyboard.press("Escape")
    expect(driver.page.locator("#command-palette")).to_have_count(0)
    driver.page.keyboard.press("Control+1")
    driver.page.wait_for_url(re.compile(r".*/projects/gamma-gates/overview"))
    expect(driver.page.locator("#project-title")).to_have_text("Gamma Gates")


def test_profile_changes_name_and_password(driver: Driver, product: Product) -> None:
    product.signup("pat@e2e.test", "Pat")
    driver.login("pat@e2e.test", PASSWORD)
    driver.goto("/profile")
    driver.page.fill("#profile-name", "Patricia")
    driver.page.get_by_role("button", name="Save name").click()
    driver.toast("Name saved")
    expect(driver.page.locator("#user-menu")).to_contain_text("Patricia")
    driver.page.fill("#password-current", "wrong-password-here")
    driver.page.fill("#password-new", "a-brand-new-secret")
    driver.page.fill("#password-confirm", "a-brand-new-secret")
    driver.page.get_by_role("button", name="Change password").click()
    expect(driver.page.locator("[data-sonner-toast][data-type=error]").first).to_be_visible()  # the API's detail
    driver.page.fill("#password-current", PASSWORD)
    driver.page.get_by_role("button", name="Change password").click()
    driver.toast("Password changed")
    driver.shot("profile")
    driver.logout()
    driver.login("pat@e2e.test", "a-brand-new-secret")


def test_team_created_in_the_ui_is_added_to_a_project(driver: Driver, product: Product) -> None:
    product.signup("tom@e2e.test", "Tom")
    token = product.token("tom@e2e.test")
    product.call(token, "POST", "/api/projects", {"name": "Team Target"})
    driver.login("tom@e2e.test", PASSWORD)
    driver.goto("/teams")
    driver.page.click("#new-team")
    driver.page.fill("#team-name", "Search Squad")
    driver.page.get_by_role("button", name="Create team").click()
    driver.page.wait_for_url(re.compile(r".*/teams/search-squad"))
    driver.tab("team-target", "members")
    driver.page.get_by_role("button", name="Add team").click()
    driver.page.get_by_role("combobox").filter(has_text="Pick a team").click()
    driver.page.get_by_role("option", name="Search Squad").click()
    driver.page.get_by_role("dialog").get_by_role("button", name="Add team").click()
    driver.toast("Team Search Squad added as developer")
    driver.goto("/teams/search-squad")
    expect(driver.page.get_by_role("link", name="Team Target")).to_be_visible()
    driver.shot("team-detail")
