"""Enumerations stored as short strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Team and project roles, weakest first."""

    REPORTER = "reporter"
    DEVELOPER = "developer"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        """Order for comparisons: reporter < developer < owner."""
        return _RANK[self]

    def at_least(self, other: Role) -> bool:
        """True when this role grants everything ``other`` grants."""
        return self.rank >= other.rank


_RANK = {Role.REPORTER: 1, Role.DEVELOPER: 2, Role.OWNER: 3}


class InvitedAs(StrEnum):
    """How a direct project member joined."""

    INDIVIDUAL = "individual"
    EXTERNAL = "external"
    TEAM_MEMBER = "team_member"


class DirectInvite(StrEnum):
    """The labels a direct invite may give (``team_member`` is how people come through a team, never
    a direct invite's label: a request naming it is refused with 422)."""

    INDIVIDUAL = InvitedAs.INDIVIDUAL.value
    EXTERNAL = InvitedAs.EXTERNAL.value
