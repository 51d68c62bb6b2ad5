"""Turn API JSON (camelCase) into the UI's dataclasses (snake_case), recursively.

Reflex state understands dataclasses (typed attribute access in components), not msgspec
Structs, so the UI's API types are dataclasses. Only dataclass fields are renamed: free-form
objects (``env``, ``inputSchema``, ``details``...) keep their keys as the API sent them.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def camel(name: str) -> str:
    """``member_count`` → ``memberCount``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_api(tp: Any, value: Any) -> Any:
    """Build ``tp`` (a dataclass, ``list[...]``, ``X | None`` or a plain type) from decoded JSON."""
    if value is None:
        return None
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {tp.__name__}, got {type(value).__name__}")
        hints = _hints(tp)
        kwargs = {
            f.name: from_api(hints[f.name], value[camel(f.name)])
            for f in dataclasses.fields(tp)
            if camel(f.name) in value
        }
        return tp(**kwargs)
    origin = get_origin(tp)
    if origin in (list, dict, Union, types.UnionType):
        return _generic(tp, origin, value)
    if tp is float and isinstance(value, int):
        return float(value)
    return value


def _generic(tp: Any, origin: Any, value: Any) -> Any:
    """``list[X]``, ``dict[str, X]`` and ``X | None``."""
    if origin is list:
        (item,) = get_args(tp) or (Any,)
        return [from_api(item, v) for v in value]
    if origin is dict:
        # Keys are data (server names, env keys), never renamed; only the values are typed.
        _, item = get_args(tp) or (str, Any)
        return {k: from_api(item, v) for k, v in value.items()} if isinstance(value, dict) else value
    options = [a for a in get_args(tp) if a is not type(None)]
    return from_api(options[0], value) if len(options) == 1 else value


def decode(tp: type[T], value: Any) -> T:
    """Typed wrapper of :func:`from_api`."""
    result: T = from_api(tp, value)
    return result
