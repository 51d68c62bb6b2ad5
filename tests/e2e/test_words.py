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
