"""All models; import as ``from backend.db import models as m``."""

from backend.db.models._activity import Activity
from backend.db.models._enums import InvitedAs, Role
from backend.db.models._project import Project, ProjectFavorite, ProjectMember, ProjectTeam
from backend.db.models._team import Team, TeamMember
from backend.db.models._user import User

__all__ = [
    "Activity",
    "InvitedAs",
    "Project",
    "ProjectFavorite",
    "ProjectMember",
    "ProjectTeam",
    "Role",
    "Team",
    "TeamMember",
    "User",
]
