"""Server tests: the test interpreter and ``node`` are allowed commands, upstreams start fast."""

from __future__ import annotations

import dataclasses

import pytest

from backend.lib.settings import Settings
from tests.integration.servers._support import PYTHON


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings plus an allowlist that contains this interpreter."""
    gateway = dataclasses.replace(
        settings.gateway,
        allowed_commands=[*settings.gateway.allowed_commands, PYTHON],
        start_timeout_seconds=20,
    )
    return dataclasses.replace(settings, gateway=gateway)
