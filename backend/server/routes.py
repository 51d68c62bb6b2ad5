"""Every route handler of the REST API, in one list (kept in one place so nothing is orphaned)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from backend.domain.accounts.controllers import AuthController
from backend.domain.activity.controllers import ProjectActivityController
from backend.domain.admin.controllers import AdminController
from backend.domain.admin.keys_controllers import AdminApiKeyController
from backend.domain.admin.system_controllers import SystemAdminController
from backend.domain.admin.worker_controllers import WorkerAdminController
from backend.domain.endpoints.controllers import EndpointController
from backend.domain.endpoints.runtime import mcp_endpoints
from backend.domain.invitations.controllers import (
    InvitationLinkController,
    NoticeController,
    ProjectInvitationController,
)
from backend.domain.jobs.controllers import JobController, ProjectRefreshController
from backend.domain.keys.controllers import ApiKeyController
from backend.domain.live.controllers import AdminLiveController, LiveController
from backend.domain.logs.controllers import ServerLogController, ToolCallController
from backend.domain.oauth.consent_controllers import ConsentController
from backend.domain.oauth.controllers import OAuthController, OAuthMetadataController
from backend.domain.projects.controllers import ProjectController, ProjectMemberController, ProjectTeamController
from backend.domain.servers.admin_controllers import AllowedCommandsController
from backend.domain.servers.control_controllers import ServerControlController
from backend.domain.servers.controllers import ServerController, ServerTemplateController
from backend.domain.servers.summary import ServerSummaryController
from backend.domain.servers.tool_controllers import ToolController
from backend.domain.system.controllers import SystemController
from backend.domain.system.metrics_controllers import MetricsController
from backend.domain.teams.controllers import TeamController, TeamMemberController
from backend.domain.tokens.controllers import PersonalAccessTokenController

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    SystemController,
    MetricsController,
    AuthController,
    PersonalAccessTokenController,
    TeamController,
    TeamMemberController,
    AdminController,
    ProjectController,
    ProjectMemberController,
    ProjectInvitationController,
    InvitationLinkController,
    NoticeController,
    ProjectTeamController,
    ProjectActivityController,
    LiveController,
    AdminLiveController,
    ApiKeyController,
    EndpointController,
    mcp_endpoints,
    WorkerAdminController,
    SystemAdminController,
    AdminApiKeyController,
    JobController,
    ProjectRefreshController,
    ServerController,
    ServerSummaryController,
    ServerTemplateController,
    ServerControlController,
    ToolController,
    ToolCallController,
    ServerLogController,
    AllowedCommandsController,
    OAuthMetadataController,
    OAuthController,
    ConsentController,
]
