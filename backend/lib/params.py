"""Query parameters shared by list endpoints: one definition, so every list is bounded the same way."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

# Bounded so an absurd page number is a 422, never an overflowing OFFSET (a fuzzing finding).
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000)]
PageSize = Annotated[int, QueryParameter(name="pageSize", ge=1, le=200)]
