"""``mcp-orch admin``: administrator accounts from the command line."""

from __future__ import annotations

import asyncio

import click
import msgspec

from backend.lib.settings import Settings, get_settings


@click.group()
def admin() -> None:
    """Administrator accounts."""


@admin.command("create")
@click.option("--email", required=True, help="Email of the administrator.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="New password (prompted when omitted, which keeps it out of the shell history).",
)
def create(email: str, password: str) -> None:
    """Create an administrator, or promote an existing user and reset their password."""
    from backend.domain.accounts.passwords import password_problem  # noqa: PLC0415
    from backend.domain.accounts.schemas import Email  # noqa: PLC0415

    try:
        msgspec.convert(email, type=Email)
    except msgspec.ValidationError as exc:
        raise click.BadParameter("not a valid email address", param_hint="--email") from exc
    problem = password_problem(password, (email,))
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--password")
    created = create_admin(get_settings(), email, password)
    click.echo(f"administrator {'created' if created else 'updated'}: {email.strip().lower()}")


def create_admin(settings: Settings, email: str, password: str) -> bool:
    """Ensure ``email`` is an active administrator with ``password``; ``True`` if the user is new.

    Uses the configured database (the embedded one when ``DATABASE_URL`` is unset), migrated
    first when ``MCP_ORCH_MIGRATE_ON_START`` allows, so it also works before the first ``serve``.
    """
    from backend.runner import database  # noqa: PLC0415

    with database(settings) as handle:
        return asyncio.run(_ensure_admin(settings, handle.url, email, password))


async def _ensure_admin(settings: Settings, database_url: str, email: str, password: str) -> bool:
    from backend.domain.accounts.services import UserService  # noqa: PLC0415
    from backend.lib.deps import provide_services  # noqa: PLC0415
    from backend.server.asgi import make_context  # noqa: PLC0415

    ctx = make_context(settings, database_url)
    try:
        async with provide_services(ctx.alchemy, UserService) as (users,):
            created = await users.get_by_email(email) is None
            await users.ensure_admin(email, password, reset_password=True)
        return created
    finally:
        await ctx.alchemy.get_engine().dispose()
