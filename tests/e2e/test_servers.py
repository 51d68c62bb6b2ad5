"""Servers and tools in the browser: form and JSON modes, secrets, upload import, logs, rich results."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Product
from tests.e2e.helpers import Driver

ECHO = Path(__file__).resolve().parents[2] / "tests" / "mcp_servers" / "echo.py"


def _owner_with_project(product: Product, email: str, name: str) -> str:
    product.signup(email, email.split("@", maxsplit=1)[0].title())
    token = product.token(email)
    return str(product.call(token, "POST", "/api/projects", {"name": name})["slug"])


def _try_tool(driver: Driver, row_text: str, steps: Callable[[], None]) -> None:
    """Open a tool's runner and run ``steps`` in it. The page's content can re-mount under load and close
    the dialog (known glitch, see the closing note): open it again then, at most three times."""
    for attempt in range(3):
        driver.page.locator(".tool-row", has_text=row_text).locator(".tool-try").click()
        try:
            steps()
            return
        except (PlaywrightTimeoutError, AssertionError):
            if attempt == 2:
                raise


def test_server_added_with_the_form_edited_with_secrets_and_deleted(driver: Driver, product: Product) -> None:
    slug = _owner_with_project(product, "dana@e2e.test", "Form Servers")
    driver.login("dana@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    driver.page.click("#add-server")
    driver.page.fill("#server-name", "echo-form")
    driver.page.fill("#server-command", "python")
    driver.page.fill("#server-args", str(ECHO))
    driver.page.fill("#server-env", "API_TOKEN=very-secret-value")
    driver.page.click("#server-save")
    driver.toast("Server echo-form added")
    row = driver.page.locator(".server-row", has_text="echo-form")
    row.locator(".server-edit").click()
    expect(driver.page.get_by_text("API_TOKEN · set")).to_be_visible()
    expect(driver.page.locator("#server-env")).to_have_value("")  # values are write-only
    driver.page.fill("#server-env", "OTHER=1")
    driver.shot("server-edit-secrets")
    driver.page.click("#server-save")
    driver.toast("Server echo-form saved")
    token = product.token("dana@e2e.test")
    server = product.call(token, "GET", f"/api/projects/{slug}/servers/echo-form")
    assert server["env"] == {"API_TOKEN": {"set": True}, "OTHER": {"set": True}}

    row.locator(".server-refresh").click()
    driver.toast(re.compile(r"echo-form refreshed: 13 tools"))
    driver.page.locator(".server-link", has_text="echo-form").click()
    driver.page.click("#server-tab-logs")
    expect(driver.page.locator("#server-logs")).to_be_visible()
    driver.shot("server-logs")
    driver.page.click("#server-tab-settings")
    # Renaming from the server's own page follows the rename (the page is addressed by name).
    driver.page.click("#edit-server")
    driver.page.fill("#server-name", "echo-renamed")
    driver.page.click("#server-save")
    driver.toast("Server echo-renamed saved")
    # ... on the tab it was renamed from (the page's on_load reads ``?tab=``: without it, a late load
    # switched the page to the overview under the test's next click).
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers/echo-renamed\?tab=settings$"))
    expect(driver.page.get_by_text("Server not found")).to_have_count(0)
    expect(driver.page.locator("#server-tab-settings")).to_have_attribute("data-state", "active")
    # The renamed page's own load can land just after the dialog opened and close it (known glitch,
    # see the closing note): open it again then, at most three times.
    for attempt in range(3):
        driver.page.get_by_role("button", name="Delete server").click()
        try:
            driver.page.locator(".confirm-action").click(timeout=8_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    driver.page.wait_for_url(re.compile(rf".*/projects/{slug}/servers"))
    expect(driver.page.get_by_text("No servers in this project")).to_be_visible()


def test_import_by_file_upload_and_try_rich_results(driver: Driver, product: Product, tmp_path: Path) -> None:
    slug = _owner_with_project(product, "ivy@e2e.test", "Rich Results")
    upload = tmp_path / "claude_desktop_config.json"
    upload.write_text(json.dumps({"mcpServers": {"echo": {"command": "python", "args": [str(ECHO)]}}}))
    driver.login("ivy@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    driver.page.click("#import-servers")
    driver.page.locator("#import-upload input[type=file]").set_input_files(str(upload))
    expect(driver.page.locator("#import-text")).to_have_value(re.compile("mcpServers"))
    driver.page.click("#import-run")
    expect(driver.page.locator("#import-summary")).to_contain_text("1 added")
    driver.page.keyboard.press("Escape")
    driver.page.locator(".server-row", has_text="echo").locator(".server-refresh").click()
    driver.toast(re.compile("refreshed: 13 tools"))

    driver.tab(slug, "tools")

    def image() -> None:
        driver.page.click("#try-call", timeout=8_000)
        expect(driver.page.locator("#tool-result .result-image")).to_be_visible(timeout=8_000)

    def structured() -> None:
        driver.page.get_by_role("radio", name="JSON").click(timeout=8_000)
        driver.page.fill("#try-json", '{"value": {"answer": 42}}', timeout=8_000)
        driver.page.click("#try-call", timeout=8_000)
        expect(driver.page.locator("#tool-result")).to_contain_text("Structured content", timeout=8_000)
        expect(driver.page.locator("#tool-result")).to_contain_text('"answer": 42')

    def error() -> None:
        driver.page.locator(".try-field input").first.fill("it broke", timeout=8_000)
        driver.page.click("#try-call", timeout=8_000)
        expect(driver.page.locator("#result-error")).to_be_visible(timeout=8_000)
        expect(driver.page.locator("#tool-result")).to_contain_text("it broke")

    _try_tool(driver, "An image content block", image)
    driver.shot("tool-image-result")
    driver.page.keyboard.press("Escape")
    _try_tool(driver, "Arguments as structuredContent", structured)
    driver.page.keyboard.press("Escape")
    _try_tool(driver, "A tool-level error", error)
    driver.shot("tool-error-result")


def test_server_added_from_a_template_with_its_required_secret(driver: Driver, product: Product) -> None:
    slug = _owner_with_project(product, "tess@e2e.test", "Templates")
    token = product.token("tess@e2e.test")
    # A server already called "github": the template's suggested name must not clash with it.
    product.call(token, "POST", f"/api/projects/{slug}/servers", {"name": "github", "command": "python"})
    driver.login("tess@e2e.test", PASSWORD)
    driver.tab(slug, "servers")
    driver.page.click("#add-server")
    driver.page.click("#server-template")
    driver.page.get_by_role("option", name="Time").click()
    expect(driver.page.locator("#server-name")).to_have_value("time")
    expect(driver.page.locator("#template-args-help")).to_contain_text("--local-timezone")
    driver.page.click("#server-template")  # another template replaces the prefilled fields
    driver.page.get_by_role("option", name="GitHub").click()
    expect(driver.page.locator("#server-name")).to_have_value("github-2")
    expect(driver.page.locator("#server-command")).to_have_value("npx")
    expect(driver.page.locator("#server-args")).to_have_value("-y\n@modelcontextprotocol/server-github")
    expect(driver.page.locator("#template-description")).to_contain_text("through the GitHub API")
    values = driver.page.locator("#template-values")
    expect(values).to_contain_text("GITHUB_PERSONAL_ACCESS_TOKEN")
    expect(values).to_contain_text("personal access token")
    driver.shot("server-from-template")

    driver.page.click("#server-save")  # the required token is missing: the API's 422 names it, beside the values
    expect(driver.page.locator("#template-env-error")).to_contain_text("GITHUB_PERSONAL_ACCESS_TOKEN")
    driver.page.fill("#template-env-GITHUB_PERSONAL_ACCESS_TOKEN", "ghp_e2e-never-shown")
    driver.page.click("#server-save")
    driver.toast("Server github-2 added")
    expect(driver.page.locator(".server-row", has_text="github-2")).to_be_visible()
    expect(driver.page.locator("body")).not_to_contain_text("ghp_e2e-never-shown")

    server = product.call(token, "GET", f"/api/projects/{slug}/servers/github-2")
    assert server["env"] == {"GITHUB_PERSONAL_ACCESS_TOKEN": {"set": True}}
    # The command is resolved when saved: the absolute path of npx on the API's PATH.
    assert (server["command"], server["args"]) == (shutil.which("npx"), ["-y", "@modelcontextprotocol/server-github"])
    assert "ghp_e2e-never-shown" not in json.dumps(server)
    product.call(token, "DELETE", f"/api/projects/{slug}/servers/github-2")  # never started: nothing to fetch
