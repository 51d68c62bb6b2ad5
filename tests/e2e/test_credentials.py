"""Credentials in the browser: a personal access token made on the profile page, sign-ins, sign out everywhere."""

from __future__ import annotations

import re
import time

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

REVOCATION_WAIT = 10.0  # revocations travel as change events after commit


def _status(product: Product, token: str, method: str = "GET", path: str = "/api/auth/me", body: object = None) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{product.api}{path}", json=body, headers=headers, timeout=30).status_code


def _refused(product: Product, token: str) -> bool:
    """Whether the API refuses ``token`` (401), waiting briefly for the revocation to arrive."""
    deadline = time.monotonic() + REVOCATION_WAIT
    while _status(product, token) != 401:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_personal_access_token_is_shown_once_works_within_its_scope_and_dies_when_revoked_then_logout(
    driver: Driver, product: Product
) -> None:
    product.signup("tanvi@e2e.test", "Tanvi")
    driver.login("tanvi@e2e.test", PASSWORD)
    driver.goto("/profile")
    expect(driver.page.locator("#tokens-card")).to_contain_text("No tokens yet")
    expect(driver.page.locator(".token-scope-admin")).to_have_count(0)  # administrators only

    driver.page.fill("#token-name", "ci")
    driver.page.click("#create-token")
    field = driver.page.locator("#new-token-value")
    expect(field).to_have_value(re.compile(r"^mcpat_"))
    expect(driver.page.locator("#new-token")).to_contain_text("you will not see it again")
    token = field.input_value()
    driver.shot("token-created")

    me = httpx.get(f"{product.api}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "tanvi@e2e.test"
    assert _status(product, token, "POST", "/api/projects", {"name": "Not With Read"}) == 403

    driver.page.click("#token-done")
    expect(driver.page.locator("#new-token")).to_have_count(0)
    row = driver.page.locator(".token-row", has_text="ci")
    expect(row).to_contain_text(token[:12])  # the display prefix, never the token
    expect(row).not_to_contain_text(token)
    expect(row.locator(".token-scope").first).to_have_text("Read")  # the raw scope only as its title
    expect(row.locator(".token-scope").first).to_have_attribute("title", "read")
    driver.goto("/profile")  # the list shows the use; nothing shows the token again
    expect(row).to_contain_text("127.0.0.1")
    expect(driver.page.locator("#new-token")).to_have_count(0)

    row.locator(".token-revoke").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("Token ci revoked")
    expect(row.locator(".key-status-badge")).to_have_text("Revoked")  # the word; "revoked" only as its title
    expect(row.get_by_text("revoked", exact=True)).to_have_count(0)
    assert _refused(product, token)

    browser_token = str(driver.page.evaluate("localStorage.getItem('mcp_orch_token')"))
    driver.logout()  # ends this sign-in on the server too
    expect(driver.page.get_by_text("You have signed out.")).to_be_visible()
    assert _refused(product, browser_token)


def test_sign_out_everywhere_ends_every_sign_in_and_lands_on_the_login_page(driver: Driver, product: Product) -> None:
    product.signup("sol@e2e.test", "Sol")
    elsewhere = product.token("sol@e2e.test")  # a sign-in of a script, elsewhere
    spare = product.token("sol@e2e.test")
    driver.login("sol@e2e.test", PASSWORD)
    browser_token = str(driver.page.evaluate("localStorage.getItem('mcp_orch_token')"))
    assert _status(product, browser_token) == 200

    driver.goto("/profile")
    rows = driver.page.locator(".sign-in-row")
    expect(rows).to_have_count(3)
    this_browser = rows.filter(has_text="this browser")
    expect(this_browser).to_have_count(1)
    expect(this_browser).to_contain_text("Chrome")
    expect(this_browser.locator(".sign-in-end")).to_have_count(0)
    driver.shot("sign-ins")

    rows.filter(has_text="python-httpx").first.locator(".sign-in-end").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("Sign-in ended")
    expect(rows).to_have_count(2)
    assert [_status(product, t) for t in (elsewhere, spare)].count(401) == 1  # exactly one script was signed out

    driver.page.click("#sign-out-everywhere")
    driver.page.locator(".confirm-action").click()
    driver.page.wait_for_url(re.compile(r".*/login"))
    expect(driver.page.get_by_text("You have signed out everywhere.")).to_be_visible()
    assert all(_refused(product, t) for t in (browser_token, elsewhere, spare))
    driver.goto("/profile")  # the browser holds no token any more
    driver.page.wait_for_url(re.compile(r".*/login"))


def test_owner_sees_a_suspended_key_and_revives_it_by_reassigning(driver: Driver, product: Product) -> None:
    product.signup("oona@e2e.test", "Oona")
    product.signup("dev@e2e.test", "Dev")
    owner, dev = product.token("oona@e2e.test"), product.token("dev@e2e.test")
    product.call(owner, "POST", "/api/projects", {"name": "Held Keys"})
    member = product.call(
        owner, "POST", "/api/projects/held-keys/members", {"email": "dev@e2e.test", "role": "developer"}
    )
    product.call(dev, "POST", "/api/projects/held-keys/api-keys", {"name": "dev-laptop"})
    product.call(owner, "PATCH", f"/api/projects/held-keys/members/{member['userId']}", {"role": "reporter"})

    driver.login("oona@e2e.test", PASSWORD)
    driver.tab("held-keys", "settings")
    key = driver.page.locator(".key-row", has_text="dev-laptop")
    expect(key.locator(".key-status-badge")).to_have_text("Suspended")
    expect(key.locator(".key-status-badge")).to_have_attribute("title", "suspended")
    expect(key.locator(".key-status")).to_contain_text("no longer has developer access")
    driver.shot("key-suspended")

    key.locator(".key-reassign").click()
    driver.page.click("#reassign-member")
    driver.page.get_by_role("option", name=re.compile("Oona")).click()
    driver.page.get_by_role("dialog").get_by_role("button", name="Reassign").click()
    driver.toast("Key dev-laptop now belongs to Oona")
    expect(key.locator(".key-status")).to_have_text("Active")
    keys = product.call(owner, "GET", "/api/projects/held-keys/api-keys")
    assert [(k["status"], k["createdBy"]["name"]) for k in keys] == [("active", "Oona")]


def test_admin_resets_a_password_and_the_old_sign_ins_end(driver: Driver, product: Product) -> None:
    product.signup("rex@e2e.test", "Rex")
    old = product.token("rex@e2e.test")
    driver.login(ADMIN_EMAIL, PASSWORD)
    driver.goto("/admin/users")
    driver.page.fill("#admin-search", "rex@e2e.test")  # users come 25 a page: find rex whatever the count
    driver.page.press("#admin-search", "Enter")
    driver.page.locator(".admin-user", has_text="rex@e2e.test").locator(".reset-password").click()
    driver.page.fill("#reset-new", "a-fresh-start-for-rex")
    driver.page.fill("#reset-confirm", "a-fresh-start-for-rex")
    driver.page.locator("#reset-password-form button[type=submit]").click()
    driver.toast("Password of rex@e2e.test reset")
    assert _refused(product, old)
    assert _status(product, product.token("rex@e2e.test", "a-fresh-start-for-rex")) == 200


def test_password_change_ends_other_sign_ins_but_keeps_this_browser_signed_in(driver: Driver, product: Product) -> None:
    product.signup("cam@e2e.test", "Cam")
    elsewhere = product.token("cam@e2e.test")
    driver.login("cam@e2e.test", PASSWORD)
    before = str(driver.page.evaluate("localStorage.getItem('mcp_orch_token')"))
    driver.goto("/profile")
    driver.page.fill("#password-current", PASSWORD)
    driver.page.fill("#password-new", "cam-has-a-new-password")
    driver.page.fill("#password-confirm", "cam-has-a-new-password")
    driver.page.get_by_role("button", name="Change password").click()
    driver.toast("Password changed")
    assert _refused(product, elsewhere)
    assert _refused(product, before)
    after = str(driver.page.evaluate("localStorage.getItem('mcp_orch_token')"))
    assert after != before
    assert _status(product, after) == 200
    expect(driver.page.locator(".sign-in-row")).to_have_count(1)
    driver.goto("/projects")  # still signed in: the browser keeps the new token
    expect(driver.page).to_have_url(re.compile(r".*/projects/?$"))
    expect(driver.page.locator("#user-menu")).to_be_visible()
