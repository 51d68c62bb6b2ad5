"""Account endpoints under ``/api/auth``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody, PathParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.db import models as m
from backend.domain.accounts import schemas as s
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.credentials import end_credentials, end_sign_in, open_sign_in
from backend.domain.accounts.deps import provide_users_service
from backend.domain.accounts.guards import requires_user
from backend.domain.accounts.passwords import password_problem
from backend.domain.accounts.services import UserService, normalise_email
from backend.domain.invitations.services import InvitationService
from backend.lib.context import AppContext
from backend.lib.exceptions import ForbiddenError, NotFoundError, TooManyRequestsError
from backend.lib.runtime import Runtime
from backend.lib.schema import Message


class AuthController(Controller):
    """Sign-up, login and the current user's profile."""

    path = "/api/auth"
    tags = ["Accounts"]
    dependencies = {"users_service": Provide(provide_users_service)}

    @post(
        "/signup",
        operation_id="signup",
        summary="Create an account",
        status_code=HTTP_201_CREATED,
        exclude_from_auth=True,
    )
    async def signup(
        self, data: JSONBody[s.Signup], users_service: NamedDependency[UserService], request: Request[Any, Any, Any]
    ) -> s.User:
        """Create an account. The first account on a fresh install becomes an administrator.

        With ``invitation`` (the token of an invitation link), the account must use the invited email
        and joins the invitation's project with its role; this works even when sign-up is disabled.
        """
        ctx: AppContext = request.app.state.ctx
        session = users_service.repository.session
        invitations = InvitationService(session=session)
        if data.invitation is not None:
            invited = await invitations.find(data.invitation)
            if normalise_email(data.email) != invited.email:
                raise ForbiddenError(f"This invitation is for {invited.email}; sign up with that email")
        elif not ctx.settings.auth.signup_enabled and await users_service.count() > 0:
            raise ForbiddenError("Sign-up is disabled on this server; ask an administrator for an account")
        user = await users_service.signup(email=data.email, password=data.password, name=data.name)
        if data.invitation is not None:
            await invitations.accept(data.invitation, user)
        return s.User.of(user)

    @post("/login", operation_id="login", summary="Log in", status_code=HTTP_200_OK, exclude_from_auth=True)
    async def login(
        self,
        data: JSONBody[s.Login],
        users_service: NamedDependency[UserService],
        runtime: NamedDependency[Runtime],
        request: Request[Any, Any, Any],
    ) -> s.AccessToken:
        """Exchange email and password for an access token (HS256 JWT).

        Repeated failures → 429 with ``Retry-After``: per account and address, per address, and a
        growing pause per account (README, "Security model"). Each login opens a sign-in session that
        its access token names; ``POST /api/auth/logout`` ends it.
        """
        throttle = runtime.login_throttle
        email, address = normalise_email(data.email), runtime.client_addresses.client(request)
        wait = await throttle.retry_after(email, address)
        if wait:
            raise TooManyRequestsError("Too many failed logins; try again later", headers={"Retry-After": str(wait)})
        user = await users_service.authenticate(email, data.password)
        if user is None:
            await throttle.failed(email, address)
            raise NotAuthorizedException("Invalid email or password")
        await throttle.succeeded(email, address)
        answer = await _signed_in(users_service, user, request, address)
        answer.password_change_required = password_problem(data.password, (user.email, user.name)) is not None
        return answer

    @post("/logout", operation_id="logout", summary="Sign out", status_code=HTTP_200_OK, guards=[requires_user])
    async def logout(
        self, users_service: NamedDependency[UserService], request: Request[CurrentUser, Any, Any]
    ) -> Message:
        """End the sign-in session of this access token (in every API process at once)."""
        if request.user.sid is not None:
            await end_sign_in(users_service.repository.session, request.user.id, request.user.sid)
        return Message(message="Signed out")

    @post(
        "/logout-everywhere",
        operation_id="logoutEverywhere",
        summary="Sign out everywhere",
        status_code=HTTP_200_OK,
        guards=[requires_user],
    )
    async def logout_everywhere(
        self, users_service: NamedDependency[UserService], request: Request[CurrentUser, Any, Any]
    ) -> Message:
        """End every sign-in session of the user, this one included, and the OAuth access of MCP clients.

        Personal access tokens stay; revoke them one by one.
        """
        await end_credentials(users_service.repository.session, request.user.id)
        return Message(message="Signed out everywhere")

    @get("/sessions", operation_id="listSignIns", summary="List my sign-ins", guards=[requires_user])
    async def list_sign_ins(
        self, users_service: NamedDependency[UserService], request: Request[CurrentUser, Any, Any]
    ) -> list[s.SignIn]:
        """The user's live sign-in sessions, newest first; ``current`` marks this one."""
        rows = await users_service.sign_ins(request.user.id)
        return [s.SignIn.of(row, request.user.sid) for row in rows]

    @delete(
        "/sessions/{sign_in_id:uuid}",
        operation_id="endSignIn",
        summary="End one of my sign-ins",
        guards=[requires_user],
    )
    async def end_one_sign_in(
        self,
        sign_in_id: Annotated[UUID, PathParameter()],
        users_service: NamedDependency[UserService],
        request: Request[CurrentUser, Any, Any],
    ) -> None:
        """End one sign-in session of the user (404 when it is not theirs or already ended)."""
        if not await end_sign_in(users_service.repository.session, request.user.id, sign_in_id):
            raise NotFoundError("Sign-in not found")

    @get("/me", operation_id="getMe", summary="Current user", guards=[requires_user])
    async def get_me(
        self, users_service: NamedDependency[UserService], request: Request[CurrentUser, Any, Any]
    ) -> s.User:
        """The signed-in user."""
        return s.User.of(await users_service.require(request.user.id))

    @patch("/me", operation_id="updateMe", summary="Update profile", guards=[requires_user])
    async def update_me(
        self,
        data: JSONBody[s.ProfileUpdate],
        users_service: NamedDependency[UserService],
        request: Request[CurrentUser, Any, Any],
    ) -> s.User:
        """Change the signed-in user's display name."""
        user = await users_service.require(request.user.id)
        user.name = data.name.strip() or user.name
        return s.User.of(user)

    @post(
        "/password",
        operation_id="changePassword",
        summary="Change password",
        status_code=HTTP_200_OK,
        guards=[requires_user],
    )
    async def change_password(
        self,
        data: JSONBody[s.PasswordChange],
        users_service: NamedDependency[UserService],
        runtime: NamedDependency[Runtime],
        request: Request[CurrentUser, Any, Any],
    ) -> s.AccessToken:
        """Change the password; the current password must be given.

        Every sign-in session (this one included) and every OAuth grant of the user ends; the answer
        carries a new access token for the caller.
        """
        user = await users_service.change_password(request.user.id, data.current_password, data.new_password)
        return await _signed_in(users_service, user, request, runtime.client_addresses.client(request))


async def _signed_in(
    users_service: UserService, user: m.User, request: Request[Any, Any, Any], address: str
) -> s.AccessToken:
    """Open a sign-in session for ``user`` and answer with its access token."""
    ctx: AppContext = request.app.state.ctx
    token, expires = await open_sign_in(
        users_service.repository.session,
        user.id,
        secret=ctx.jwt_secret,
        minutes=ctx.settings.auth.access_token_minutes,
        ip=address,
        user_agent=request.headers.get("user-agent"),
    )
    return s.AccessToken(
        access_token=token,
        token_type="bearer",  # noqa: S106 - the scheme name, not a secret
        expires_at=expires,
        user=s.User.of(user),
    )
