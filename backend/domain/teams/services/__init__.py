"""Team services: teams and their attached projects, team members."""

from backend.domain.teams.services._members import TeamMemberService
from backend.domain.teams.services._teams import TeamService

__all__ = ["TeamMemberService", "TeamService"]
