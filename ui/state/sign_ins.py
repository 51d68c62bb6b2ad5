"""The profile page's sign-ins: where the user is signed in, ending one, signing out everywhere."""

from __future__ import annotations

import re
from dataclasses import dataclass

import reflex as rx

from ui.api import ApiError
from ui.api.types_credentials import SignIn
from ui.state.auth import LOGIN_ROUTE, AuthState

# Checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Windows", "Windows"), ("Mac OS", "macOS"))
SYSTEMS += (("Linux", "Linux"),)


def describe_agent(user_agent: str | None) -> str:
    """A short name for a browser or client ("Chrome on Linux", "python-httpx"), from its User-Agent."""
    agent = (user_agent or "").strip()
    if not agent:
        return "Unknown client"
    browser = next((name for marker, name in BROWSERS if marker in agent), "")
    system = next((name for marker, name in SYSTEMS if marker in agent), "")
    if browser:
        return f"{browser} on {system}" if system else browser
    # Scripts and CLIs: "python-httpx/0.28" → "python-httpx".
    return re.split(r"[/\s]", agent, maxsplit=1)[0][:40] or "Unknown client"


@dataclass
class SignInRow:
    """A sign-in as the card lists it."""

    id: str = ""
    device: str = ""
    ip: str = ""
    created_at: str = ""
    last_seen_at: str | None = None
    expires_at: str = ""
    current: bool = False

    @classmethod
    def of(cls, sign_in: SignIn) -> SignInRow:
        """Build from the API's answer."""
        return cls(
            id=sign_in.id,
            device=describe_agent(sign_in.user_agent),
            ip=sign_in.ip or "",
            created_at=sign_in.created_at,
            last_seen_at=sign_in.last_seen_at,
            expires_at=sign_in.expires_at,
            current=sign_in.current,
        )


class SignInsState(AuthState):
    """The user's live sign-in sessions."""

    sign_ins: list[SignInRow] = []
    sign_ins_loading: bool = True
    signing_out_everywhere: bool = False

    @rx.event(background=True)
    async def load(self):
        """Load the sign-ins (this browser's is marked ``current``)."""
        async with self:
            if not self.token:
                return
            api = self._api()
        try:
            rows = [SignInRow.of(s) for s in await api.sign_ins()]
        except ApiError as exc:
            async with self:
                self.sign_ins_loading = False
            yield await self._on_error(exc)
            return
        async with self:
            self.sign_ins, self.sign_ins_loading = rows, False

    @rx.event(background=True)
    async def end(self, sign_in_id: str):
        """End one sign-in (another browser or device)."""
        async with self:
            api = self._api()
        try:
            await api.end_sign_in(sign_in_id)
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        yield rx.toast.success("Sign-in ended")
        yield SignInsState.load

    @rx.event(background=True)
    async def sign_out_everywhere(self):
        """End every sign-in, this browser's too, and the OAuth access of MCP clients; then go to the login page."""
        async with self:
            self.signing_out_everywhere = True
            api = self._api()
        try:
            await api.logout_everywhere()
        except ApiError as exc:
            async with self:
                self.signing_out_everywhere = False
            yield await self._on_error(exc)
            return
        async with self:
            self.signing_out_everywhere = False
            self.sign_ins = []
            self._forget("You have signed out everywhere.")
        yield rx.redirect(LOGIN_ROUTE)
