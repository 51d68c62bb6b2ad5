"""The UI's names for the REST API's invitations and notices.

Generated from the API's OpenAPI document into ``ui.api.generated`` (``scripts/gen-ui-types``): never
edit them by hand. Dataclasses with snake_case fields (``ui.api.convert`` maps the API's camelCase) and a
default on every field, so an empty instance can stand in Reflex state before the first load.
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
