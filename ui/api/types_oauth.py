"""The REST API's OAuth answers: the consent step and the user's grants.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import (
    AuthorizationDetails,
    AuthorizationRedirect,
    ClientSignIn,
    ConsentProject,
    OAuthGrant,
)

__all__ = [
    "AuthorizationDetails",
    "AuthorizationRedirect",
    "ClientSignIn",
    "ConsentProject",
    "OAuthGrant",
]
