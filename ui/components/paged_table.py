"""One paged table for the lists of :class:`ui.state.paged_list.PagedListMixin`: a toolbar, the table, the pager.

The search box and the filter select below drive the same state; a view passes them in the toolbar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx

from ui.components.paging import pager
from ui.plural import counted_var
from ui.state.paged_list import EVERYTHING, PagedListMixin


def paged_table(
    state: type[PagedListMixin],
    rows: rx.Var[list[Any]] | Any,
    row: Callable[[Any], rx.Component],
    *,
    headers: Sequence[str],
    noun: str,
    id_prefix: str,
    table_id: str,
    toolbar: Sequence[rx.Component] = (),
    extras: Sequence[rx.Component] = (),
) -> rx.Component:
    """The list of ``state``: ``row`` draws each of ``rows`` under ``headers``; it loads when it mounts.

    ``noun`` names a row in the count ("3 keys found"); ``id_prefix`` prefixes the pager's ids; ``extras``
    (dialogs) go after the pager.
    """
    return rx.vstack(
        rx.hstack(*toolbar, align="center", wrap="wrap", width="100%") if toolbar else rx.fragment(),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                rx.table.body(rx.foreach(rows, row)),
                width="100%",
                variant="surface",
                id=table_id,
            ),
            width="100%",
            overflow_x="auto",
        ),
        pager(
            counted_var(state.list_total, noun) + " found",
            state.list_page,  # type: ignore[arg-type]
            state.list_pages,  # type: ignore[arg-type]
            state.go_list_page,
            id_prefix,
        ),
        *extras,
        width="100%",
        spacing="3",
        on_mount=state.open_list,
    )


def list_search_box(state: type[PagedListMixin], placeholder: str, input_id: str) -> rx.Component:
    """The search text of ``state``: Enter or the button searches from the first page.

    A form: its submit carries the box's text as typed (the box's own change events are debounced, so a
    quick Enter would otherwise search for what the box held a moment earlier).
    """
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                name="search",
                placeholder=placeholder,
                value=state.list_search,
                on_change=state.set_list_search,
                width="280px",
                id=input_id,
            ),
            rx.button("Search", variant="soft", type="submit", id=f"{input_id}-button"),
        ),
        on_submit=state.submit_list_search,
        reset_on_submit=False,
    )


def list_filter(
    state: type[PagedListMixin], select_id: str, everything: str, options: rx.Var[list[list[str]]] | list[list[str]]
) -> rx.Component:
    """The filter of ``state``: ``everything`` (no filter) and ``options`` as ``[value, label]`` pairs."""
    items: list[rx.Component] | rx.Component
    if isinstance(options, rx.Var):
        items = [rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))]
    else:
        items = [rx.select.item(label, value=value) for value, label in options]
    return rx.select.root(
        rx.select.trigger(placeholder=everything, id=select_id),
        rx.select.content(rx.select.item(everything, value=EVERYTHING), *items),
        value=state.list_filter,
        on_change=state.set_list_filter,
    )
