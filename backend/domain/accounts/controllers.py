"""Account endpoints under ``/api/auth``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.domain.accounts import schemas as s
from backend.domain.accounts.auth import CurrentUser
from backend.domain.accounts.deps import provide_users_service
from backend.domain.accounts.guards import requires_user
from backend.domain.accounts.passwords import password_problem
from backend.domain.accounts.services import UserService, normalise_email
from backend.lib.context import AppContext
from backend.lib.crypto import create_access_token
from backend.lib.exceptions import ForbiddenError, TooManyRequestsError
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
        """Create an account. The first account on a fresh install becomes an administrator."""
        ctx: AppContext = request.app.state.ctx
        if not ctx.settings.auth.signup_enabled and await users_service.count() > 0:
            raise ForbiddenError("Sign-up is disabled on this server; ask an administrator for an account")
        user = await users_service.signup(email=data.email, password=data.password, name=data.name)
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
        growing pause per account (README, "Security model").
        """
        ctx: AppContext = request.app.state.ctx
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
        token, expires = create_access_token(user.id, ctx.jwt_secret, ctx.settings.auth.access_token_minutes)
        return s.AccessToken(
            access_token=token,
            token_type="bearer",  # noqa: S106 - the scheme name, not a secret
            expires_at=expires,
            user=s.User.of(user),
            password_change_required=password_problem(data.password, (user.email, user.name)) is not None,
        )

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
        request: Request[CurrentUser, Any, Any],
    ) -> Message:
        """Change the password; the current password must be given."""
        await users_service.change_password(request.user.id, data.current_password, data.new_password)
        return Message(message="Password changed")
