"""A thin driver over a Playwright page: navigation, sign-in, toasts, screenshots."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

TIMEOUT_MS = 30_000


def exactly(*words: str) -> re.Pattern[str]:
    """A pattern matching a text that is exactly one of ``words`` (case-sensitive): a raw value shown as text."""
    return re.compile(r"^\s*(" + "|".join(re.escape(w) for w in words) + r")\s*$")


class Driver:
    """One browser tab on the product's UI."""

    def __init__(self, page: Page, base_url: str, artifacts: Path, prefix: str) -> None:
        self.page = page
        self.base = base_url
        self.artifacts = artifacts
        self.prefix = prefix
        self._shots = itertools.count(1)
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)

    def goto(self, path: str) -> None:
        """Open a path of the UI."""
        self.page.goto(self.base + path)

    def shot(self, name: str) -> Path:
        """Save a full-page screenshot named after the screen."""
        self.page.wait_for_timeout(400)  # let toasts and transitions settle
        path = self.artifacts / f"{self.prefix}-{next(self._shots):02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def toast(self, text: str | re.Pattern[str]) -> None:
        """Wait for a toast containing ``text``."""
        expect(self.page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible()

    def close_dialog(self) -> None:
        """Close the open dialog with Escape and wait until it is gone and stays gone.

        An Escape pressed while the UI is still applying the dialog's last update (a background
        event's toast and list refresh) can go unheard, and the dialog can vanish for a moment while
        React re-renders it and then come back open (a CI run's next click met the dialog again). So
        the dialog must be absent for a whole second; otherwise Escape is pressed again, up to five times.
        """
        dialog = self.page.get_by_role("dialog")
        for _ in range(5):
            self.page.keyboard.press("Escape")
            try:
                expect(dialog).to_have_count(0, timeout=5_000)
            except AssertionError:
                continue
            self.page.wait_for_timeout(1_000)
            if dialog.count() == 0:
                return
        expect(dialog).to_have_count(0)

    def login(self, email: str, password: str) -> None:
        """Sign in through the login page."""
        self.goto("/login")
        self.page.fill("input[name=email]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/projects/?$"))

    def logout(self) -> None:
        """Sign out from the user menu."""
        self.page.click("#user-menu")
        self.page.get_by_role("menuitem", name="Sign out").click()
        self.page.wait_for_url(re.compile(r".*/login"))

    def tab(self, slug: str, tab: str) -> None:
        """Open a project tab by URL and wait for the tab to be selected."""
        self.goto(f"/projects/{slug}/{tab}")
        expect(self.page.locator(f"#tab-{tab}")).to_have_attribute("data-state", "active")

    def clipboard(self) -> Any:
        """The clipboard's text (the context grants clipboard permissions)."""
        return self.page.evaluate("navigator.clipboard.readText()")
