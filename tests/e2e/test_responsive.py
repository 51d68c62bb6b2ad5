"""A phone-sized screen (390x844): no page scrolls sideways, and the navigation menu holds Profile and Sign out."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"
PHONE = {"width": 390, "height": 844}
EMAIL = "nina-narrow@e2e.test"

# What sticks out past the right edge of the window, to say in the failure which element is at fault.
OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const culprits = [];
  // Inside a box that scrolls or clips, sticking out is that box's business (a table scrolling in place).
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !clipped(el)) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').slice(0, 2).join('.') : '');
      culprits.push(name + ' right=' + Math.round(box.right));
    }
  }
  // Cards hide what overflows them: anything past a card's right edge (outside a scrolling box of its own) is cut.
  const cut = [];
  for (const card of document.querySelectorAll('.rt-Card')) {
    const edge = card.getBoundingClientRect().right;
    for (const el of card.querySelectorAll('*')) {
      let p = el.parentElement;
      while (p !== card && getComputedStyle(p).overflowX === 'visible') p = p.parentElement;
      const box = el.getBoundingClientRect();
      if (p === card && box.width > 0 && box.right > edge + 1) cut.push((el.textContent || el.tagName).slice(0, 40));
    }
  }
  return {
    scroll: document.documentElement.scrollWidth, inner: width, culprits: culprits.slice(0, 8), cut: cut.slice(0, 8)
  };
}
"""


def _sideways(page: Page, where: str, wide: dict[str, object]) -> None:
    """Note ``where`` in ``wide`` if the document is wider than the window (tables must scroll in their own box)
    or a card cuts off some of its content."""
    page.wait_for_timeout(300)  # let the layout settle after the last content arrived
    found = page.evaluate(OVERFLOW_JS)
    if found["scroll"] > found["inner"] or found["cut"]:
        wide[where] = found


def _user_with_server(product: Product) -> str:
    product.signup(EMAIL, "Nina Narrow")
    token = product.token(EMAIL)
    project = {"name": "Narrow Screens", "description": "Every page of this project is read on a phone-sized screen."}
    slug = str(product.call(token, "POST", "/api/projects", project)["slug"])
    body = {"name": "echo", "command": "python", "args": [str(ECHO)]}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    return slug


def _call_a_tool(product: Product, slug: str) -> None:
    token = product.token(EMAIL)
    path = f"/api/projects/{slug}/servers/echo/tools/add/call"
    product.call(token, "POST", path, {"arguments": {"a": 2, "b": 3}})


def _server_page_and_audit(driver: Driver, slug: str, wide: dict[str, object]) -> None:
    """The server page with each of its tabs, the audit feed and the teams list."""
    page = driver.page
    driver.goto(f"/projects/{slug}/servers/echo")
    expect(page.locator("#server-status")).to_be_visible()
    _sideways(page, "server detail", wide)
    driver.shot("server-detail")
    for tab in ("tools", "logs", "calls", "settings"):
        page.click(f"#server-tab-{tab}")
        expect(page.locator(f"#server-tab-{tab}")).to_have_attribute("data-state", "active")
        page.wait_for_load_state("networkidle")
        _sideways(page, f"server {tab}", wide)
        driver.shot(f"server-{tab}")
    driver.tab(slug, "activity")
    expect(page.locator(".activity-row").first).to_be_visible()
    _sideways(page, "activity", wide)
    driver.shot("activity")
    driver.goto("/teams")
    expect(page.get_by_text("No teams yet")).to_be_visible()
    _sideways(page, "teams", wide)


def test_phone_sized_pages_do_not_scroll_sideways(driver: Driver, product: Product) -> None:
    slug = _user_with_server(product)
    page = driver.page
    page.set_viewport_size(PHONE)
    wide: dict[str, object] = {}  # every page is visited, then all that scroll sideways are reported at once
    driver.login(EMAIL, PASSWORD)
    expect(page.locator(".project-card")).to_have_count(1)
    _sideways(page, "projects", wide)
    driver.shot("projects")

    driver.tab(slug, "servers")
    expect(page.locator(".server-row", has_text="echo").locator(".server-tools")).to_have_text("13", timeout=30_000)
    expect(page.locator("#servers-table")).to_be_visible()
    _sideways(page, "servers", wide)
    driver.shot("servers")

    _call_a_tool(product, slug)  # the server is up: its tools are listed
    driver.tab(slug, "tools")
    expect(page.locator(".tool-row").first).to_be_visible()
    _sideways(page, "tools", wide)
    driver.shot("tools")

    driver.tab(slug, "activity")
    page.get_by_role("radio", name="Tool calls").click()
    page.wait_for_url(re.compile(r".*view=calls"))
    expect(page.locator(".call-row", has_text="add").first.locator(".call-status")).to_have_text("Succeeded")
    _sideways(page, "tool calls", wide)
    driver.shot("tool-calls")

    for tab in ("overview", "members", "settings"):
        driver.tab(slug, tab)
        page.wait_for_load_state("networkidle")
        _sideways(page, tab, wide)
        driver.shot(tab)

    _server_page_and_audit(driver, slug, wide)
    assert not wide, f"pages wider than a 390 px window, or with cut-off cards: {wide}"


def test_phone_sized_navigation_menu_opens_profile_and_signs_out(driver: Driver, product: Product) -> None:
    product.signup("ned-narrow@e2e.test", "Ned Narrow")
    page = driver.page
    page.set_viewport_size(PHONE)
    driver.login("ned-narrow@e2e.test", PASSWORD)
    expect(page.locator("#user-menu")).to_be_hidden()  # the desktop bar's menu makes way for the phone menu
    menu = page.locator("#nav-menu")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"], f"the menu button is off-screen: {box}"
    menu.click()
    expect(page.get_by_role("menuitem", name="Teams")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Sign out")).to_be_visible()
    driver.shot("navigation-menu")
    page.get_by_role("menuitem", name="Profile").click()
    page.wait_for_url(re.compile(r".*/profile/?$"))
    expect(page.locator("#profile-name")).to_be_visible()
    wide: dict[str, object] = {}
    _sideways(page, "profile", wide)
    assert not wide, wide
    driver.shot("profile")

    menu.click()
    page.get_by_role("menuitem", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/login"))
    expect(page.locator("input[name=email]")).to_be_visible()
    driver.goto("/projects")  # signed out for real: the guard sends the visitor back to the login page
    page.wait_for_url(re.compile(r".*/login"))


def test_desktop_bar_keeps_its_links_and_user_menu(driver: Driver, product: Product) -> None:
    product.signup("dee-desk@e2e.test", "Dee Desk")
    driver.login("dee-desk@e2e.test", PASSWORD)  # the driver's default 1280 px window
    expect(driver.page.locator("#user-menu")).to_be_visible()
    expect(driver.page.locator("#nav-menu")).to_be_hidden()
    expect(driver.page.get_by_role("link", name="Teams")).to_be_visible()
    driver.shot("desktop-bar")
    driver.logout()


def test_tablet_width_bar_fits_with_every_link(driver: Driver) -> None:
    page = driver.page
    page.set_viewport_size({"width": 768, "height": 1024})  # the narrowest width that shows the wide bar
    driver.login(ADMIN_EMAIL, PASSWORD)  # an administrator's bar has the most links
    expect(page.get_by_role("link", name="Admin")).to_be_visible()
    expect(page.locator("#user-menu")).to_be_visible()
    wide: dict[str, object] = {}
    _sideways(page, "projects at 768 px", wide)
    driver.shot("tablet-bar")
    assert not wide, wide


ADMIN_SECTIONS = ("users", "projects", "teams", "servers", "keys", "commands", "system", "sandbox", "worker", "audit")


def test_phone_sized_admin_screens_do_not_scroll_sideways(driver: Driver) -> None:
    page = driver.page
    page.set_viewport_size(PHONE)
    driver.login(ADMIN_EMAIL, PASSWORD)
    wide: dict[str, object] = {}
    for section in ADMIN_SECTIONS:
        driver.goto(f"/admin/{section}")
        expect(page.locator(f"#admin-tab-{section}")).to_have_attribute("data-state", "active")
        page.wait_for_load_state("networkidle")
        _sideways(page, f"admin {section}", wide)
        driver.shot(f"phone-admin-{section}")
    assert not wide, f"admin screens wider than a 390 px window, or with cut-off cards: {wide}"
