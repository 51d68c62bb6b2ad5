"""Words, not raw values (issue 14, point 6): server states, isolation modes, event types and times
read as people say them, the raw value one hover away."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver
from ui.components.server_states import SERVER_STATES

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _owner_with_project(product: Product, email: str, name: str) -> tuple[str, str]:
    product.signup(email, email.split("@", maxsplit=1)[0].title())
    token = product.token(email)
    return token, str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])


def test_the_servers_list_shows_state_words_and_a_legend_of_every_state(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "wren-words@e2e.test", "Words States")
    product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    product.call(token, "POST", f"/api/projects/{slug}/servers/echo/toggle")  # disabled: a state the UI adds
    driver.login("wren-words@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    status = driver.page.locator(".server-row", has_text="echo").locator(".server-status")
    expect(status).to_have_text("Disabled", timeout=20_000)
    expect(status).to_have_attribute("title", re.compile(r"Switched off.*\(disabled\)"))
    driver.page.locator(".state-legend-trigger").first.click()
    legend = driver.page.locator(".state-legend")
    expect(legend).to_be_visible(timeout=10_000)
    expect(legend.locator(".state-legend-row")).to_have_count(len(SERVER_STATES))
    for state in SERVER_STATES.values():
        expect(legend).to_contain_text(f"{state.label} — {state.meaning}")
    driver.shot("words-legend")
    driver.page.keyboard.press("Escape")
    driver.page.locator(".server-link", has_text="echo").click()
    expect(driver.page.locator("#server-status")).to_have_text("Disabled", timeout=20_000)
    expect(driver.page.get_by_text("Up since")).to_have_count(0)
    expect(driver.page.get_by_text("Not running", exact=True)).to_be_visible()


ISO_MICROS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,}")


def test_a_per_session_server_shows_its_isolation_in_words(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "ivo-words@e2e.test", "Words Isolation")
    body = {"name": "solo", "command": "python", "args": [str(ECHO)], "isolation": "per_session"}
    product.call(token, "POST", f"/api/projects/{slug}/servers", body)
    driver.login("ivo-words@e2e.test", PASSWORD)
    driver.goto(f"/projects/{slug}/servers/solo")
    isolation = driver.page.locator("#server-isolation-label")
    expect(isolation).to_have_text("One per client session", timeout=20_000)
    expect(isolation).to_have_attribute("title", re.compile(r"\bper_session\b"))
    expect(driver.page.locator("#server-overview")).not_to_contain_text("per_session")


def test_the_activity_feed_reads_as_words_with_relative_times(driver: Driver, product: Product) -> None:
    token, slug = _owner_with_project(product, "ada-words@e2e.test", "Words Feed")
    server = product.call(
        token, "POST", f"/api/projects/{slug}/servers", {"name": "echo", "command": "python", "args": [str(ECHO)]}
    )
    key = {"name": "deploy", "serverIds": [server["id"]], "expiresAt": "2031-03-04T05:06:07.891234+00:00"}
    product.call(token, "POST", f"/api/projects/{slug}/api-keys", key)
    driver.login("ada-words@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    row = driver.page.locator(".server-row", has_text="echo")
    expect(row.locator(".server-tools")).to_have_text("13", timeout=30_000)  # the check ran: a status change
    driver.tab(slug, "activity")
    table = driver.page.locator("#activity-table")
    expect(table).to_contain_text(re.compile(r"Status changed to (Healthy|Running)"), timeout=20_000)
    expect(table).to_contain_text("Server added")
    change = table.locator(".event-type", has_text="Status changed").first
    expect(change).to_have_attribute("title", "server.status_changed")
    expect(table.locator(".activity-row").first).to_contain_text(re.compile(r"ago|now"))
    expect(table.locator(".fact", has_text="Source").first).to_have_text("Source: Health check")
    # A key's entry: its target, servers by name and expiry in words, the raw values as tooltips.
    created = table.locator(".activity-row", has_text="deploy")
    expect(created).to_contain_text("Key: deploy")
    expect(created.locator(".fact", has_text="Servers")).to_have_text("Servers: echo")
    expires = created.locator(".fact", has_text="Expires")
    expect(expires).to_have_text("Expires: 4 Mar 2031, 05:06 UTC")
    expect(expires).to_have_attribute("title", re.compile(r"expiresAt: .2031-03-04T05:06:07"))
    driver.shot("words-activity")
    text = driver.page.locator("body").inner_text()
    assert "server.status_changed" not in text
    assert "server.created" not in text
    assert not ISO_MICROS.search(text), ISO_MICROS.search(text)
    assert server["id"] not in text, "servers are named, not shown by id"
    assert "api_key" not in text
    assert "serverIds" not in text
    driver.goto(f"/projects/{slug}/servers/echo")
    history = driver.page.locator("#server-history")
    expect(history).to_contain_text(re.compile(r"Status changed to (Healthy|Running)"), timeout=20_000)
    text = driver.page.locator("body").inner_text()
    assert "server.status_changed" not in text
    assert not ISO_MICROS.search(text), ISO_MICROS.search(text)
