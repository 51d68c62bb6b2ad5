"""The product as a user meets it, in one browser journey (issue 6 "Tests").

Sign up → create a project → import a stdio server → see it healthy with tools → try a tool →
see the context budget → create an API key and see it once → copy the Claude Code snippet → invite a member and change
their role → find it all in Activity and the call in Tool calls → as the reporter, no write
actions → as the administrator, change the worker interval. Every screen is saved under
``test-artifacts/e2e/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import ADMIN_EMAIL, PASSWORD, Product
from tests.e2e.helpers import Driver

ROOT = Path(__file__).resolve().parents[2]
SLUG = "e2e-journey"
OWNER = "olivia@e2e.test"
MEMBER = "rita@e2e.test"


def _mcp_servers() -> str:
    echo = ROOT / "tests" / "mcp_servers" / "echo.py"
    return json.dumps(
        {"mcpServers": {"echo": {"command": "python", "args": [str(echo)], "env": {"ECHO_TOKEN": "s3cret"}}}}
    )


def _sign_up_and_create_project(d: Driver) -> None:
    d.goto("/signup")
    d.page.fill("input[name=name]", "Olivia Owner")
    d.page.fill("input[name=email]", OWNER)
    d.page.fill("input[name=password]", PASSWORD)
    d.page.fill("input[name=confirm]", PASSWORD)
    d.page.click("button[type=submit]")
    d.page.wait_for_url(re.compile(r".*/projects/?$"))
    expect(d.page.get_by_text("No projects yet")).to_be_visible()
    expect(d.page.get_by_role("link", name="Admin")).to_have_count(0)  # not an administrator
    d.shot("projects-empty")
    d.page.click("#new-project")
    d.page.fill("#project-name", "E2E Journey")
    d.page.get_by_role("button", name="Create project").click()
    d.page.wait_for_url(re.compile(rf".*/projects/{SLUG}/overview"))
    expect(d.page.locator("#project-title")).to_have_text("E2E Journey")
    d.shot("project-overview-empty")


def _import_server_and_see_tools(d: Driver) -> None:
    d.tab(SLUG, "servers")
    expect(d.page.get_by_text("No servers in this project")).to_be_visible()
    d.page.click("#import-servers")
    d.page.fill("#import-text", _mcp_servers())
    d.page.click("#import-run")
    expect(d.page.locator("#import-summary")).to_contain_text("1 added")
    expect(d.page.locator(".import-outcome").first).to_have_text("Added")  # the raw outcome only as its title
    expect(d.page.locator(".import-outcome").first).to_have_attribute("title", "created")
    d.shot("servers-import-report")
    d.close_dialog()
    d.page.click("#refresh-all")
    d.toast(re.compile(r"Checked 1 server: 1 (Running|Healthy)"))
    row = d.page.locator(".server-row", has_text="echo")
    expect(row.locator(".server-tools")).to_have_text("13")
    expect(row.locator(".server-status")).to_have_text(re.compile("Running|Healthy"))
    d.shot("servers-healthy")
    d.page.locator(".server-link", has_text="echo").click()
    expect(d.page.locator("#server-title")).to_have_text("echo")
    expect(d.page.get_by_text("ECHO_TOKEN · set")).to_be_visible()
    expect(d.page.get_by_text("s3cret")).to_have_count(0)  # secret values are never shown
    d.shot("server-detail")


def _projects_list_shows_server_health(d: Driver) -> None:
    d.goto("/projects")
    card = d.page.locator(".project-card", has_text="E2E Journey")
    expect(card).to_contain_text("1 up")  # one /api/server-summary call for every project
    expect(card).to_contain_text(re.compile(r"13\s*tools"))
    d.shot("projects-with-health")


def _try_a_tool(d: Driver) -> None:
    d.tab(SLUG, "tools")
    expect(d.page.locator(".tool-row")).to_have_count(13)
    d.page.fill("#tool-search", "add")
    d.page.locator(".tool-row", has_text="Add two numbers").locator(".tool-try").click()
    fields = d.page.locator(".try-field input")
    fields.nth(0).fill("2")
    fields.nth(1).fill("3")
    d.page.click("#try-call")
    expect(d.page.locator("#result-ok")).to_be_visible()
    expect(d.page.locator("#tool-result .result-text")).to_have_text("5")
    expect(d.page.locator("#result-duration")).to_contain_text("ms")
    d.shot("tool-try-result")
    d.page.keyboard.press("Escape")


def _see_context_budget(d: Driver, product: Product) -> None:
    answer = product.call(product.token(OWNER), "GET", f"/api/projects/{SLUG}/tools")
    unified, echo = answer["contextBudget"]["unified"], answer["contextBudget"]["servers"]["echo"]
    d.tab(SLUG, "tools")
    d.page.fill("#tool-search", "")
    expect(d.page.locator(".tool-row")).to_have_count(13)
    rows = d.page.locator("#context-budget .budget-row")
    expect(rows).to_have_count(2)  # the unified endpoint, then the one server
    expect(rows.nth(0)).to_contain_text(f"~{unified['tokens']:,}")
    expect(rows.nth(0)).to_contain_text(str(unified["tools"]))
    expect(rows.nth(1)).to_contain_text(f"~{echo['tokens']:,}")
    d.page.locator("#tool-sort").get_by_role("radio", name="Costliest first").click()
    costliest = max(tool["contextTokens"] for tool in answer["items"])
    expect(d.page.locator(".tool-row .tool-tokens").first).to_have_text(f"~{costliest}")
    d.shot("tools-context-budget")
    d.page.locator("#tool-sort").get_by_role("radio", name="By server").click()


def _create_key_once(d: Driver) -> None:
    d.tab(SLUG, "settings")
    d.page.click("#new-key")
    d.page.fill("#key-name", "laptop")
    d.page.get_by_role("button", name="Create key").click()
    shown = d.page.locator("#new-key-value")
    expect(shown).to_be_visible()
    key = shown.inner_text().strip()
    assert len(key) > 20
    expect(d.page.get_by_text("it is shown only once")).to_be_visible()
    d.page.click("#copy-key")
    assert d.clipboard() == key
    d.shot("api-key-shown-once")
    d.page.click("#key-done")
    expect(d.page.locator(".key-row", has_text="laptop")).to_be_visible()
    # Closing goes through the server (the state forgets the key): wait for the dialog to unmount.
    expect(shown).to_have_count(0)
    assert key not in d.page.content(), "the key is shown only once"
    d.shot("settings-keys")


def _copy_claude_code_snippet(d: Driver) -> None:
    d.tab(SLUG, "overview")
    expect(d.page.locator("#config-snippet")).to_contain_text("mcpServers")
    d.page.click("#copy-config")
    copied = d.clipboard()
    assert f"/projects/{SLUG}/unified/mcp" in copied
    assert "${MCP_ORCH_API_KEY}" in copied
    d.shot("overview-connect")


def _invite_and_change_role(d: Driver, product: Product) -> None:
    product.signup(MEMBER, "Rita Reporter")
    d.tab(SLUG, "members")
    expect(d.page.locator(".member-row", has_text=OWNER)).to_contain_text("It's you")
    d.page.fill("#invite-email", MEMBER)
    d.page.get_by_role("button", name="Invite").click()
    d.toast("Rita Reporter joined as developer")
    row = d.page.locator(".member-row", has_text=MEMBER)
    row.get_by_role("combobox").click()
    d.page.get_by_role("option", name="Reporter").click()
    d.toast("Rita Reporter is now Reporter")
    expect(row.get_by_role("combobox")).to_have_text("Reporter")
    d.shot("members")


def _see_activity_and_tool_calls(d: Driver) -> None:
    d.tab(SLUG, "activity")
    feed = d.page.locator("#activity-table")
    # Events read as words, their type one hover away (the badge's title).
    for kind in ("project.created", "server.created", "member.invited", "member.role_changed"):
        expect(feed.locator(f'.event-type[title="{kind}"]').first).to_be_visible()
    expect(feed).to_contain_text("Member's role changed")
    d.shot("activity-feed")
    d.page.get_by_role("radio", name="Tool calls").click()
    d.page.wait_for_url(re.compile(r".*view=calls"))
    call = d.page.locator(".call-row", has_text="add")
    expect(call.locator(".call-status")).to_have_text("Succeeded")
    expect(call.locator(".call-status")).to_have_attribute("title", "success")
    call.click()
    expect(d.page.locator(".call-detail")).to_contain_text('"a": 2')
    expect(d.page.locator("#calls-chart")).to_be_visible()
    d.shot("activity-tool-calls")
    d.page.click("#theme-toggle")
    d.shot("activity-tool-calls-dark")
    d.page.click("#theme-toggle")


def _reporter_sees_no_write_actions(d: Driver) -> None:
    d.logout()
    d.login(MEMBER, PASSWORD)
    d.tab(SLUG, "servers")
    expect(d.page.locator(".server-row")).to_have_count(1)
    for control in ("#add-server", "#import-servers", "#refresh-all", ".server-edit", ".server-delete"):
        expect(d.page.locator(control)).to_have_count(0)
    expect(d.page.locator(".server-toggle")).to_be_disabled()
    d.shot("reporter-servers")
    d.tab(SLUG, "tools")
    expect(d.page.locator(".tool-row").first).to_be_visible()
    expect(d.page.locator(".tool-try")).to_have_count(0)
    d.tab(SLUG, "members")
    expect(d.page.locator(".member-row", has_text=MEMBER)).to_contain_text("It's you")
    expect(d.page.locator("#invite-email")).to_have_count(0)
    expect(d.page.locator(".member-row").get_by_role("combobox")).to_have_count(0)
    d.tab(SLUG, "settings")
    expect(d.page.locator("#settings-name")).to_be_disabled()
    for control in ("#new-key", "#delete-project", "#archive-project"):
        expect(d.page.locator(control)).to_have_count(0)
    d.shot("reporter-settings")


def _admin_changes_worker_interval(d: Driver, product: Product) -> None:
    d.logout()
    d.login(ADMIN_EMAIL, PASSWORD)
    d.goto("/admin/worker")
    field = d.page.locator("#worker-health-check-interval-seconds")
    expect(field).to_have_value("300")
    field.fill("120")
    d.page.click("#worker-save")
    d.toast("Worker settings saved")
    expect(d.page.locator("#worker-health-check-interval-seconds")).to_have_value("120")
    d.shot("admin-worker")
    token = product.token(ADMIN_EMAIL)
    worker = httpx.get(
        f"{product.api}/api/admin/worker", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ).json()
    assert worker["settings"]["healthCheckIntervalSeconds"] == 120


def test_user_journey_through_every_main_screen(driver: Driver, product: Product) -> None:
    _sign_up_and_create_project(driver)
    _import_server_and_see_tools(driver)
    _projects_list_shows_server_health(driver)
    _try_a_tool(driver)
    _see_context_budget(driver, product)
    _create_key_once(driver)
    _copy_claude_code_snippet(driver)
    _invite_and_change_role(driver, product)
    _see_activity_and_tool_calls(driver)
    _reporter_sees_no_write_actions(driver)
    _admin_changes_worker_interval(driver, product)
