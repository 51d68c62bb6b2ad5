"""The allowed-commands screen: which commands stdio servers may run on this instance."""

from __future__ import annotations

import reflex as rx

from ui.api import ApiError
from ui.state.admin import AdminState

MAX_COMMANDS = 200
MAX_LENGTH = 1024


def command_problems(lines: list[str]) -> str:
    """Why these commands cannot be saved, in words (empty when they can)."""
    if len(lines) > MAX_COMMANDS:
        return f"At most {MAX_COMMANDS} commands ({len(lines)} given)"
    for line in lines:
        if len(line) > MAX_LENGTH:
            return f"{line[:40]}…: at most {MAX_LENGTH} characters"
        if line.startswith("/"):
            continue  # an absolute path is taken whole (folders may have spaces)
        if "/" in line:
            return f"{line!r}: a command is a bare name (python) or an absolute path (/opt/tools/bin/server)"
        if any(ch.isspace() for ch in line):
            return f"{line!r}: one command per line, without arguments"
    return ""


class AdminCommandsState(AdminState):
    """Built-in commands (read-only), administrators' additions (edited one per line), those in force."""

    built_in: list[str] = []
    effective: list[str] = []
    added_text: str = ""
    commands_error: str = ""
    saving_commands: bool = False

    @rx.event
    def set_added_text(self, value: str):
        """Edit the additions; the error beside the field goes once they are edited."""
        self.added_text, self.commands_error = value, ""

    @rx.event(background=True)
    async def load_commands(self):
        """Read the allowlist."""
        async with self:
            api = self._api()
        try:
            commands = await api.allowed_commands()
        except ApiError as exc:
            yield await self._on_error(exc)
            return
        async with self:
            self.built_in, self.effective = commands.built_in, commands.effective
            self.added_text, self.commands_error = "\n".join(commands.added), ""

    @rx.event(background=True)
    async def save_commands(self):
        """Replace the additions (checked here first; the API's refusal shows beside the field too)."""
        async with self:
            lines = [line.strip() for line in self.added_text.splitlines() if line.strip()]
            self.commands_error = command_problems(lines)
            if self.commands_error:
                return
            self.saving_commands = True
            api = self._api()
        try:
            commands = await api.set_allowed_commands(lines)
        except ApiError as exc:
            async with self:
                self.saving_commands = False
                self.commands_error = exc.detail
            if exc.status_code in (0, 401):
                yield await self._on_error(exc)
            return
        async with self:
            self.saving_commands = False
            self.built_in, self.effective = commands.built_in, commands.effective
            self.added_text = "\n".join(commands.added)
        yield rx.toast.success(f"Allowed commands saved ({len(commands.added)} added)")
