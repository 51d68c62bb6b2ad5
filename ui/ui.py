"""The Reflex app: pages are registered here; the shell and screens come later."""

from __future__ import annotations

import reflex as rx

from ui.pages.index import PRODUCT_NAME, index
from ui.state.system import SystemState

app = rx.App()
app.add_page(index, route="/", title=PRODUCT_NAME, on_load=SystemState.check_api)
