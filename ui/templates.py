"""The page decorator: registers a route and wraps it in the shell behind the login guard."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import reflex as rx

from ui.components.shell import PRODUCT_NAME, shell
from ui.state.auth import AuthState
from ui.state.shell import ShellState


def _as_list(on_load: Any) -> list[Any]:
    if on_load is None:
        return []
    return list(on_load) if isinstance(on_load, list | tuple) else [on_load]


def page(
    route: str, title: str, *, on_load: Any = None, guarded: bool = True
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register ``route``; guarded pages check the token first and render inside the shell."""

    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        # Every page notes its entry before its own handlers: they can tell an entry from a re-hydrate.
        events = [ShellState.enter_page, *_as_list(on_load)]
        if guarded:
            events = [AuthState.check_auth, ShellState.enter_page, ShellState.ensure_switcher, *_as_list(on_load)]

        @functools.wraps(render)
        def wrapped() -> rx.Component:
            return shell(render()) if guarded else render()

        rx.page(route=route, title=f"{title} · {PRODUCT_NAME}", on_load=events or None)(wrapped)
        return wrapped

    return decorator
