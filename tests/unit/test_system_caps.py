"""The caps the system screen lists are real settings, each named by the variable that sets it."""

from __future__ import annotations

import re
from pathlib import Path

from backend.domain.admin.system import CAPS, caps_in_force
from backend.lib.context import AppContext
from backend.lib.settings import Settings

SETTINGS_SOURCE = (Path(__file__).resolve().parents[2] / "backend" / "lib" / "settings.py").read_text(encoding="utf-8")


def test_every_cap_names_the_variable_of_its_setting() -> None:
    for name, _group, attr, variable, _what in CAPS:
        # The field's declaration reads exactly this variable (it may wrap onto the next line).
        pattern = rf"\n    {attr}: [^\n]*(?:\n        [^\n]*)?\"{variable}\""
        assert re.search(pattern, SETTINGS_SOURCE), f"{name}: {attr} is not set by {variable}"


def test_caps_show_the_values_in_force() -> None:
    settings = Settings()
    ctx = AppContext(settings=settings, database_url="", jwt_secret="", alchemy=None)  # type: ignore[arg-type]
    caps = {cap.variable: cap.value for cap in caps_in_force(ctx)}
    assert caps["MCP_ORCH_MAX_UPSTREAMS"] == settings.gateway.max_upstreams
    assert caps["MCP_ORCH_MAX_PROJECTS_PER_USER"] == settings.app.max_projects_per_user
    assert caps["MCP_ORCH_OAUTH_REGISTRATIONS_PER_HOUR"] == settings.oauth.registrations_per_hour
    assert len(caps) == len(CAPS), "one row per cap"
