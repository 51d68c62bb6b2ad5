"""The JSON depth check that keeps deeply nested bodies from becoming 500s."""

from __future__ import annotations

import json

import pytest

from backend.lib.request import MAX_JSON_DEPTH, nesting_exceeds


def _nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


@pytest.mark.parametrize(
    ("body", "deep"),
    [
        (_nested(MAX_JSON_DEPTH), False),
        (_nested(MAX_JSON_DEPTH + 1), True),
        (_nested(100_000), True),
        (json.dumps({"a": [{"b": [1, 2, {"c": "[[[[" * 100}]}]}).encode(), False),  # brackets in strings
        (json.dumps({"s": '\\"' + "{" * 200}).encode(), False),  # escaped quote inside a string
        (b"[" * 200, False),  # not well nested: left to the decoder
        (json.dumps([list(range(10))] * 1000).encode(), False),  # wide, not deep
    ],
)
def test_nesting_is_measured_outside_strings(body: bytes, deep: bool) -> None:
    assert nesting_exceeds(body) is deep
