"""The alias dialog of the server page's Tools tab: the name clients see instead of a tool's own."""

from __future__ import annotations

import re

import reflex as rx

from ui.api import ApiError
from ui.state.server_detail import ServerDetailState

ALIAS_RULE = "1-64 characters: letters, digits, '_', '-' and '.'"
_ALIAS = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def alias_problem(text: str) -> str:
    """What is wrong with ``text`` as an alias ("" when nothing is: an empty one clears the alias).

    The API checks the same rule (and uniqueness within the server, which only it can).
    """
    alias = text.strip()
    if not alias or _ALIAS.fullmatch(alias):
        return ""
    return f"Use {ALIAS_RULE}"


class ToolAliasState(ServerDetailState):
    """State of the alias dialog."""

    alias_open: bool = False
    alias_tool: str = ""
    alias_text: str = ""
    alias_error: str = ""
    alias_saving: bool = False

    @rx.event
    def open_alias(self, tool: str, alias: str | None):
        """Open the dialog for one tool, with its current alias."""
        self.alias_tool, self.alias_text, self.alias_error = tool, alias or "", ""
        self.alias_open = True

    @rx.event
    def set_alias_open(self, value: bool):
        """Close the dialog."""
        self.alias_open = value

    @rx.event
    def set_alias_text(self, value: str):
        """The alias typed so far (checked as it is typed)."""
        self.alias_text = value
        self.alias_error = alias_problem(value)

    @rx.event
    def clear_alias(self):
        """Save an empty alias: clients see the tool's own name again."""
        self.alias_text, self.alias_error = "", ""
        return ToolAliasState.save_alias

    @rx.event(background=True)
    async def save_alias(self):
        """Send the alias; a refused one (bad or taken) is explained next to the field."""
        async with self:
            problem = alias_problem(self.alias_text)
            if problem:
                self.alias_error = problem
                return
            api, slug, ref = self._api(), self._slug(), str(self.server_ref)  # type: ignore[attr-defined]
            tool, alias = self.alias_tool, self.alias_text.strip() or None
            self.alias_saving = True
        try:
            await api.set_tool_alias(slug, ref, tool, alias)
        except ApiError as exc:
            async with self:
                self.alias_saving = False
                if exc.status_code in (400, 404, 409, 422):
                    self.alias_error = exc.detail
                    return
            yield await self._on_error(exc)
            return
        async with self:
            self.alias_saving, self.alias_open = False, False
        yield rx.toast.success(f"{tool} is now offered as {alias}" if alias else f"{tool} is offered by its name")
        yield ServerDetailState.load_tools
