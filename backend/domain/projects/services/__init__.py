"""Project services: projects and favourites, direct members, attached teams."""

from backend.domain.projects.services._members import ProjectMemberService
from backend.domain.projects.services._projects import ProjectService
from backend.domain.projects.services._queries import constraint_of, projects_left_without_owner, visible_project_ids
from backend.domain.projects.services._teams import ProjectTeamService

__all__ = [
    "ProjectMemberService",
    "ProjectService",
    "ProjectTeamService",
    "constraint_of",
    "projects_left_without_owner",
    "visible_project_ids",
]
