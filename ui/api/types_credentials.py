"""The REST API's sign-ins and personal access tokens (``/api/auth/sessions``, ``…/tokens``).

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import (
    PersonalAccessTokenCreated as PersonalAccessToken,  # listed or new (token shown once)
)
from ui.api.generated import SignIn, TokenProject

__all__ = [
    "PersonalAccessToken",
    "SignIn",
    "TokenProject",
]
