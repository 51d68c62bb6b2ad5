"""OAuth consent and grants: ``/api/oauth/…``, called with the signed-in user's own token."""

from __future__ import annotations

from ui.api._base import BaseClient
from ui.api.types_oauth import AuthorizationDetails, AuthorizationRedirect, OAuthGrant


class OAuthApi(BaseClient):
    """The consent page's and the profile page's OAuth calls."""

    async def authorization(self, query: str) -> AuthorizationDetails:
        """Describe the authorization request whose query string the browser arrived with."""
        return await self.call(AuthorizationDetails, "GET", "/api/oauth/authorization", params={"params": query})

    async def decide_authorization(self, query: str, approve: bool) -> AuthorizationRedirect:
        """Approve or deny; the answer says where to send the browser (the client's redirect URI)."""
        body = {"query": query, "approve": approve}
        return await self.call(AuthorizationRedirect, "POST", "/api/oauth/authorization", json=body)

    async def oauth_grants(self) -> list[OAuthGrant]:
        """The MCP clients the user let open an endpoint."""
        return await self.call_list(OAuthGrant, "GET", "/api/oauth/grants")

    async def withdraw_oauth_grant(self, grant_id: str) -> None:
        """Withdraw one: its tokens stop working and its MCP sessions close."""
        await self.raw("DELETE", f"/api/oauth/grants/{grant_id}")
