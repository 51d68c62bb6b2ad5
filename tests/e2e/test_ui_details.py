"""Small things in the browser: the 404 page, renaming a team, a key's rate limit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver


def test_an_unknown_address_shows_a_styled_page_with_a_way_back(driver: Driver, product: Product) -> None:
    product.signup("nia@e2e.test", "Nia")
    driver.login("nia@e2e.test", PASSWORD)
    driver.goto("/no/such/page")
    expect(driver.page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(driver.page.locator("#not-found-path")).to_have_text("/no/such/page")
    expect(driver.page).to_have_title(re.compile("Page not found"))
    driver.shot("not-found")
    driver.page.click("#not-found-home")
    driver.page.wait_for_url(re.compile(r".*/projects/?$"))
    expect(driver.page.get_by_role("heading", name="Projects")).to_be_visible()


def test_an_owner_renames_a_team_and_the_breadcrumb_names_it(driver: Driver, product: Product) -> None:
    product.signup("ren@e2e.test", "Ren")
    token = product.token("ren@e2e.test")
    product.call(token, "POST", "/api/teams", {"name": "Night Shift"})
    driver.login("ren@e2e.test", PASSWORD)
    driver.goto("/teams/night-shift")
    expect(driver.page.locator("#team-breadcrumb")).to_have_text("Night Shift")
    driver.page.click("#team-rename")
    driver.page.fill("#team-edit-name", "Day Shift")
    driver.page.get_by_role("dialog").get_by_role("button", name="Save").click()
    driver.toast("Team renamed to Day Shift")
    expect(driver.page.locator("#team-title")).to_have_text("Day Shift")
    expect(driver.page.locator("#team-breadcrumb")).to_have_text("Day Shift")
    assert product.call(token, "GET", "/api/teams/night-shift")["name"] == "Day Shift"


def test_a_key_created_with_a_rate_limit_keeps_it(driver: Driver, product: Product) -> None:
    product.signup("ray@e2e.test", "Ray")
    token = product.token("ray@e2e.test")
    slug = product.call(token, "POST", "/api/projects", {"name": "Rate Lab"})["slug"]
    driver.login("ray@e2e.test", PASSWORD)
    driver.tab(slug, "settings")
    driver.page.click("#new-key")
    driver.page.fill("#key-name", "throttled")
    driver.page.fill("#key-rate-limit", "30")
    driver.page.get_by_role("button", name="Create key").click()
    expect(driver.page.locator("#new-key-value")).to_be_visible()
    driver.page.click("#key-done")
    expect(driver.page.locator(".key-row", has_text="throttled").locator(".key-scope")).to_contain_text("30/min")
    keys = product.call(token, "GET", f"/api/projects/{slug}/api-keys")
    assert [k["rateLimitPerMinute"] for k in keys if k["name"] == "throttled"] == [30]


def test_a_direct_invitation_offers_organisation_or_external_only(driver: Driver, product: Product) -> None:
    product.signup("ivy-details@e2e.test", "Ivy")
    product.signup("ext@e2e.test", "Ext")
    token = product.token("ivy-details@e2e.test")
    slug = product.call(token, "POST", "/api/projects", {"name": "Invite Lab"})["slug"]
    driver.login("ivy-details@e2e.test", PASSWORD)
    driver.tab(slug, "members")
    driver.page.click("#invite-as")
    options = driver.page.get_by_role("option")
    expect(options).to_have_count(2)
    expect(driver.page.get_by_role("option", name=re.compile("team", re.IGNORECASE))).to_have_count(0)
    driver.page.get_by_role("option", name=re.compile("External")).click()
    driver.page.fill("#invite-email", "ext@e2e.test")
    driver.page.get_by_role("button", name="Invite").click()
    driver.toast("Ext joined as developer")
    members = product.call(token, "GET", f"/api/projects/{slug}/members")["items"]
    assert [m["invitedAs"] for m in members if m["email"] == "ext@e2e.test"] == ["external"]
    source = driver.page.locator("#members-table tr", has_text="ext@e2e.test").locator(".member-source")
    expect(source).to_have_text("External")  # the word; the raw source only as its title
    expect(source).to_have_attribute("title", "external")
