"""The REST API's project's MCP endpoints: client sessions.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import ClientSessionItem as ClientSession  # the API calls it ``ClientSessionItem``
from ui.api.generated import ClientSessionPage, SessionKey, SessionUser

__all__ = [
    "ClientSession",
    "ClientSessionPage",
    "SessionKey",
    "SessionUser",
]
