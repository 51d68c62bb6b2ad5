"""Invitations in the browser: an owner invites an email, the link signs the person up into the project;
revoked links die; existing users are added at once and see a notice on their projects page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PASSWORD, Product
from tests.e2e.helpers import Driver

OWNER = "inv-owner@e2e.test"


@contextmanager
def fresh_browser(driver: Driver, name: str) -> Iterator[Driver]:
    """Another person: a new browser context (own local storage) on the same UI."""
    browser: Any = driver.page.context.browser
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        yield Driver(context.new_page(), driver.base, ARTIFACTS, f"{driver.prefix}-{name}")
    finally:
        context.close()


@pytest.fixture(scope="module")
def owner(product: Product) -> str:
    """The owner of this module's projects (their token)."""
    product.signup(OWNER, "Olga Owner")
    return product.token(OWNER)


def _project(product: Product, token: str, name: str) -> str:
    """A new project of the owner; its slug."""
    return str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])


def _invite(d: Driver, email: str, role: str) -> None:
    d.page.fill("#invite-email", email)
    d.page.click("#invite-role")
    d.page.get_by_role("option", name=role).click()
    d.page.get_by_role("button", name="Invite").click()


def _sign_up_as_invited(d: Driver, name: str) -> None:
    d.page.fill("input[name=name]", name)
    d.page.fill("input[name=password]", PASSWORD)
    d.page.fill("input[name=confirm]", PASSWORD)
    d.page.get_by_role("button", name="Create account and join").click()


def test_a_new_email_signs_up_from_the_link_into_the_project_and_a_revoked_link_dies(
    driver: Driver, product: Product, owner: str
) -> None:
    token, slug = owner, _project(product, owner, "Invite Inn")
    driver.login(OWNER, PASSWORD)
    driver.tab(slug, "members")
    expect(driver.page.locator("#pending-invitations")).to_contain_text("No invitation is pending.")

    _invite(driver, "nina@e2e.test", "reporter")
    driver.toast("Invitation for nina@e2e.test created")
    expect(driver.page.locator("#invitation-message")).to_contain_text(
        re.compile(r"Send this link to nina@e2e\.test; it works once, until \d+ \w+ 20\d\d\.")
    )
    field = driver.page.locator("#invitation-link")
    expect(field).to_have_value(re.compile(r"/signup\?invitation=[\w-]{16,}$"))
    link = field.input_value()
    assert link.startswith(product.ui), link
    row = driver.page.locator(".invitation-row", has_text="nina@e2e.test")
    expect(row).to_contain_text("Reporter")
    expect(row.locator(".role-badge")).to_have_attribute("title", "reporter")
    expect(row).to_contain_text("Olga Owner")
    expect(row).to_contain_text("in 14 days")
    row.locator(".invitation-copy").click()
    assert driver.clipboard() == link
    driver.shot("invitation-created")

    with fresh_browser(driver, "nina") as nina:
        nina.page.goto(link)
        expect(nina.page.locator("#invitation-preview")).to_have_text(
            "Join Invite Inn as reporter (invited by Olga Owner)"
        )
        email = nina.page.locator("#invited-email")
        expect(email).to_have_value("nina@e2e.test")
        expect(email).not_to_be_editable()
        nina.shot("signup-invited")
        _sign_up_as_invited(nina, "Nina New")
        nina.page.wait_for_url(re.compile(rf".*/projects/{slug}/overview$"))
        nina.toast("Welcome! You joined Invite Inn.")
        expect(nina.page.locator("#user-menu")).to_be_visible()
    nina_token = product.token("nina@e2e.test")
    assert product.call(nina_token, "GET", f"/api/projects/{slug}")["myRole"] == "reporter"

    driver.tab(slug, "members")  # the owner's list: Nina is a member, nothing is pending
    expect(driver.page.locator(".member-row", has_text="nina@e2e.test")).to_contain_text("Reporter")
    expect(driver.page.locator("#pending-invitations")).to_contain_text("No invitation is pending.")
    assert product.call(token, "GET", f"/api/projects/{slug}/invitations") == []

    _invite(driver, "ghost@e2e.test", "developer")
    ghost_link = driver.page.locator("#invitation-link").input_value()
    ghost = driver.page.locator(".invitation-row", has_text="ghost@e2e.test")
    ghost.locator(".invitation-revoke").click()
    driver.page.locator(".confirm-action").click()
    driver.toast("Invitation for ghost@e2e.test revoked")
    expect(driver.page.locator(".invitation-row")).to_have_count(0)
    expect(driver.page.locator("#new-invitation")).to_have_count(0)  # the revoked link is not offered any more

    with fresh_browser(driver, "ghost") as visitor:
        for dead in (ghost_link, link):  # revoked, and used
            visitor.page.goto(dead)
            expect(visitor.page.locator("#invitation-invalid")).to_contain_text("not valid any more")
            expect(visitor.page.locator("input[name=password]")).to_have_count(0)
        visitor.shot("invitation-invalid")
        visitor.goto("/signup")  # without a link: the plain sign-up form, as before
        expect(visitor.page.locator("#invitation-invalid")).to_have_count(0)
        visitor.page.fill("input[name=name]", "Walk In")
        visitor.page.fill("input[name=email]", "walk-in@e2e.test")
        visitor.page.fill("input[name=password]", PASSWORD)
        visitor.page.fill("input[name=confirm]", PASSWORD)
        visitor.page.get_by_role("button", name="Create account", exact=True).click()
        visitor.page.wait_for_url(re.compile(r".*/projects/?$"))


def test_an_account_made_after_the_invitation_signs_in_to_accept_and_another_account_is_refused(
    driver: Driver, product: Product, owner: str
) -> None:
    token, slug = owner, _project(product, owner, "Late Lounge")
    body = {"email": "late@e2e.test", "role": "developer"}
    link = product.call(token, "POST", f"/api/projects/{slug}/invitations", body)["invitation"]["link"]
    product.signup("late@e2e.test", "Lee Late")  # signed up on their own before following the link
    product.signup("other@e2e.test", "Otto Other")

    driver.login("other@e2e.test", PASSWORD)
    driver.page.goto(link)  # signed in with another account: the join page refuses with the API's reason
    driver.page.wait_for_url(re.compile(r".*/join\?invitation="))
    expect(driver.page.locator("#join-error")).to_contain_text("This invitation is for late@e2e.test")
    driver.shot("join-wrong-account")
    driver.page.click("#join-switch-account")
    driver.page.wait_for_url(re.compile(r".*/login\?next="))
    expect(driver.page.locator("#login-message")).to_contain_text("the account the invitation was sent to")

    with fresh_browser(driver, "late") as late:
        late.page.goto(link)
        late.page.click("#sign-in-to-accept")
        late.page.wait_for_url(re.compile(r".*/login\?next="))
        late.page.fill("input[name=email]", "late@e2e.test")
        late.page.fill("input[name=password]", PASSWORD)
        late.page.click("button[type=submit]")
        late.page.wait_for_url(re.compile(rf".*/projects/{slug}/overview$"))
        late.toast("You joined Late Lounge as developer")
    assert product.call(product.token("late@e2e.test"), "GET", f"/api/projects/{slug}")["myRole"] == "developer"
    assert product.call(token, "GET", f"/api/projects/{slug}/invitations") == []


def test_an_existing_user_invited_from_the_ui_sees_notices_opens_and_dismisses_them(
    driver: Driver, product: Product, owner: str
) -> None:
    token, first = owner, _project(product, owner, "Notice Board")
    product.signup("ezra@e2e.test", "Ezra Existing")
    others = [_project(product, token, name) for name in ("Second Board", "Third Board", "Fourth Board")]
    driver.login(OWNER, PASSWORD)
    driver.tab(first, "members")
    _invite(driver, "ezra@e2e.test", "developer")
    driver.toast("Ezra Existing joined as developer")
    expect(driver.page.locator(".member-row", has_text="ezra@e2e.test")).to_contain_text("Developer")
    expect(driver.page.locator("#new-invitation")).to_have_count(0)  # added at once: no link
    for slug in others:
        product.call(token, "POST", f"/api/projects/{slug}/invitations", {"email": "ezra@e2e.test", "role": "reporter"})

    with fresh_browser(driver, "ezra") as ezra:
        ezra.login("ezra@e2e.test", PASSWORD)
        notices = ezra.page.locator(".notice")
        expect(notices).to_have_count(4)
        expect(notices.filter(has_text="Notice Board")).to_have_text(
            re.compile(r"Olga Owner added you to Notice Board as developer")
        )
        ezra.shot("notices")
        notices.filter(has_text="Second Board").locator(".notice-dismiss").click()
        expect(notices).to_have_count(3)
        notices.filter(has_text="Notice Board").locator(".notice-open").click()
        ezra.page.wait_for_url(re.compile(rf".*/projects/{first}/overview$"))
        ezra.goto("/projects")
        expect(notices).to_have_count(2)
        ezra.page.click("#notices-dismiss-all")
        expect(notices).to_have_count(0)
        ezra.goto("/projects")
        expect(ezra.page.locator(".project-card")).to_have_count(4)
        expect(notices).to_have_count(0)
    assert product.call(product.token("ezra@e2e.test"), "GET", "/api/auth/notices") == []
