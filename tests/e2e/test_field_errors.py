"""Refusals beside the field at fault, the form kept as typed, and no API paths in what people read."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

OWNER = "fern-fields@e2e.test"
RENAMER = "rhea-rename@e2e.test"
TEAM_LEAD = "tara-teamlead@e2e.test"
TEAM_MATE = "milo-teammate@e2e.test"
ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def test_server_form_refusals_show_beside_their_fields(driver: Driver, product: Product) -> None:
    product.signup(OWNER, "Fern")
    token = product.token(OWNER)
    slug = product.call(token, "POST", "/api/projects", {"name": "Fern Fields"})["slug"]
    servers = {"mcpServers": {"echo": {"command": "python", "args": [str(ECHO)]}}}
    product.call(token, "POST", f"/api/projects/{slug}/servers/import", servers)
    driver.login(OWNER, PASSWORD)
    driver.tab(slug, "servers")
    page = driver.page

    page.click("#add-server")
    page.fill("#server-name", "echo")
    page.fill("#server-command", "python")
    page.click("#server-save")
    expect(page.locator("#server-name-error")).to_contain_text("already exists")
    expect(page.locator("#server-name")).to_have_value("echo")  # the form stays, as typed
    expect(page.locator("#server-command")).to_have_value("python")

    page.fill("#server-name", "refused")
    page.fill("#server-command", "not-on-the-list")
    page.click("#server-save")
    command_error = page.locator("#server-command-error")
    expect(command_error).to_contain_text("is not allowed")
    expect(command_error).not_to_contain_text("/api/")
    expect(page.locator("#server-name-error")).to_have_count(0)  # the earlier refusal is gone
    expect(page.locator("#server-name")).to_have_value("refused")

    page.click("#server-transport")
    page.get_by_role("option", name="Streamable HTTP").click()
    page.fill("#server-url", "http://169.254.169.254/mcp")
    page.click("#server-save")
    expect(page.locator("#server-url-error")).to_contain_text("URL refused")
    expect(page.locator("#server-url")).to_have_value("http://169.254.169.254/mcp")
    expect(page.locator("body")).not_to_contain_text("Validation failed")
    driver.shot("server-form-field-errors")


def test_a_taken_project_name_shows_beside_the_name_on_rename_and_create(driver: Driver, product: Product) -> None:
    product.signup(RENAMER, "Rhea")
    token = product.token(RENAMER)
    product.call(token, "POST", "/api/projects", {"name": "Fern Taken"})
    slug = product.call(token, "POST", "/api/projects", {"name": "Fern Renamed"})["slug"]
    driver.login(RENAMER, PASSWORD)
    driver.tab(slug, "settings")
    driver.page.fill("#settings-name", "Fern Taken")
    driver.page.get_by_role("button", name="Save", exact=True).click()
    expect(driver.page.locator("#settings-name-error")).to_contain_text("already exists")
    expect(driver.page.locator("#settings-name")).to_have_value("Fern Taken")
    driver.goto("/projects")
    driver.page.click("#new-project")
    driver.page.fill("#project-name", "Fern Taken")
    driver.page.get_by_role("button", name="Create project").click()
    expect(driver.page.locator("#project-name-error")).to_contain_text("already exists")
    expect(driver.page.locator("#project-name")).to_have_value("Fern Taken")


def test_adding_someone_to_a_team_twice_says_so_beside_the_email(driver: Driver, product: Product) -> None:
    product.signup(TEAM_LEAD, "Tara")
    product.signup(TEAM_MATE, "Milo")
    token = product.token(TEAM_LEAD)
    team = product.call(token, "POST", "/api/teams", {"name": "Field Crew"})
    product.call(token, "POST", f"/api/teams/{team['slug']}/members", {"email": TEAM_MATE, "role": "developer"})
    driver.login(TEAM_LEAD, PASSWORD)
    driver.goto(f"/teams/{team['slug']}")
    driver.page.fill("#team-invite-email", TEAM_MATE)
    driver.page.get_by_role("button", name="Add member").click()
    expect(driver.page.locator("#team-invite-email-error")).to_contain_text("already")
    expect(driver.page.locator("#team-invite-email")).to_have_value(TEAM_MATE)  # kept, not cleared
