"""Admin tests: the test interpreter may run as a server (the system screen counts running upstreams)."""

from __future__ import annotations

import pytest

from backend.lib.settings import Settings
from tests.integration._serving import with_test_servers


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings plus an allowlist that contains this interpreter."""
    return with_test_servers(settings)
