"""All models; import as ``from backend.db import models as m``."""

from backend.db.models._activity import Activity
from backend.db.models._api_key import ApiKey, ApiKeyUsage, ClientSession
from backend.db.models._catalogue import CatalogueItem
from backend.db.models._credential import PersonalAccessToken, SignInSession
from backend.db.models._enums import DirectInvite, InvitedAs, Role
from backend.db.models._invitation import ProjectInvitation
from backend.db.models._login_failure import LoginFailure
from backend.db.models._oauth import OAuthAuthorizationCode, OAuthClient, OAuthConsent, OAuthGrant, OAuthToken
from backend.db.models._project import Project, ProjectFavorite, ProjectMember, ProjectTeam
from backend.db.models._server import AppSetting, Server
from backend.db.models._server_log import ServerLog
from backend.db.models._team import Team, TeamMember
from backend.db.models._test_run import TestRunSlot
from backend.db.models._tool_call import ToolCall
from backend.db.models._user import User
from backend.db.models._worker import JobRun, JobSchedule, WorkerSettings

__all__ = [
    "Activity",
    "ApiKey",
    "ApiKeyUsage",
    "AppSetting",
    "CatalogueItem",
    "ClientSession",
    "DirectInvite",
    "InvitedAs",
    "JobRun",
    "JobSchedule",
    "LoginFailure",
    "OAuthAuthorizationCode",
    "OAuthClient",
    "OAuthConsent",
    "OAuthGrant",
    "OAuthToken",
    "PersonalAccessToken",
    "Project",
    "ProjectFavorite",
    "ProjectInvitation",
    "ProjectMember",
    "ProjectTeam",
    "Role",
    "Server",
    "ServerLog",
    "SignInSession",
    "Team",
    "TeamMember",
    "TestRunSlot",
    "ToolCall",
    "User",
    "WorkerSettings",
]
