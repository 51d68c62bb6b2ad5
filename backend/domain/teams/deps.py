"""Dependency providers for the teams domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.teams.services import TeamMemberService, TeamService

provide_teams_service = create_service_provider(TeamService)
provide_team_members_service = create_service_provider(TeamMemberService)
