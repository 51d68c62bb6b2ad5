"""Dependency providers for the projects domain."""

from __future__ import annotations

from advanced_alchemy.extensions.litestar.providers import create_service_provider

from backend.domain.projects.services import ProjectMemberService, ProjectService, ProjectTeamService

provide_projects_service = create_service_provider(ProjectService)
provide_project_members_service = create_service_provider(ProjectMemberService)
provide_project_teams_service = create_service_provider(ProjectTeamService)
