"""Base structs for the REST edge: camelCase on the wire, strict on input."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class CamelizedBaseStruct(msgspec.Struct, rename="camel"):
    """Output schema base: snake_case in Python, camelCase in JSON."""


class InputStruct(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Input schema base: unknown fields are rejected with a clear error instead of ignored."""


class Message(CamelizedBaseStruct):
    """A plain message answer."""

    message: str


class Page(CamelizedBaseStruct, Generic[T]):
    """A page of results."""

    items: list[T]
    total: int
    page: int
    page_size: int
