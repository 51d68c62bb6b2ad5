"""The Reflex app: importing the page modules registers their routes (``ui.templates.page``)."""

from __future__ import annotations

import reflex as rx

import ui.pages.admin
import ui.pages.join
import ui.pages.login
import ui.pages.oauth_consent
import ui.pages.profile
import ui.pages.project
import ui.pages.projects
import ui.pages.server
import ui.pages.signup
import ui.pages.team
import ui.pages.teams  # noqa: F401 - registers the routes
from backend.server.headers import ui_security_headers
from ui.components.switcher import SHORTCUTS_JS
from ui.pages.index import PRODUCT_NAME, index
from ui.pages.not_found import NOT_FOUND_TITLE, not_found
from ui.state.system import SystemState

# The keyboard shortcuts (Ctrl/⌘+K, Ctrl/⌘+1…9) listen from the first paint, before the shell's data arrives.
app = rx.App(api_transformer=ui_security_headers, head_components=[rx.script(SHORTCUTS_JS)])
app.add_page(index, route="/", title=PRODUCT_NAME, on_load=[SystemState.check_api, SystemState.go_home])
app.add_page(not_found, route="404", title=f"{NOT_FOUND_TITLE} · {PRODUCT_NAME}")
