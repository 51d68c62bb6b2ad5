"""The REST API's invitations and notices.

Generated classes under the UI's names: see ``ui.api.types``.
"""

from __future__ import annotations

from ui.api.generated import Invitation, InvitationOutcome, InvitationPreview, Joined, Notice

__all__ = [
    "Invitation",
    "InvitationOutcome",
    "InvitationPreview",
    "Joined",
    "Notice",
]
