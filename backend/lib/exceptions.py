"""Application errors and how they become HTTP answers (``{"detail": ..., "status_code": ...}``).

Services raise :class:`ApplicationError` subclasses (no HTTP types in business code); the
handlers below turn them, advanced-alchemy's repository errors and request-validation errors into
the JSON shape Litestar uses everywhere else.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from advanced_alchemy.exceptions import DuplicateKeyError, IntegrityError, RepositoryError
from advanced_alchemy.exceptions import NotFoundError as RepositoryNotFoundError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DBAPIError

logger = logging.getLogger("mcp_orch.errors")


class ApplicationError(Exception):
    """Base of all errors that carry an HTTP meaning."""

    status_code = 400

    def __init__(
        self, detail: str, *, extra: dict[str, Any] | list[Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers = headers or {}


class NotFoundError(ApplicationError):
    """The thing does not exist, or the caller may not know it exists."""

    status_code = HTTP_404_NOT_FOUND


class ForbiddenError(ApplicationError):
    """The caller is known but lacks the role for this action."""

    status_code = HTTP_403_FORBIDDEN


class ConflictError(ApplicationError):
    """The action clashes with current state (duplicate name, last owner, archived project)."""

    status_code = HTTP_409_CONFLICT


class UnprocessableError(ApplicationError):
    """The input is well-formed but not acceptable."""

    status_code = HTTP_422_UNPROCESSABLE_ENTITY


class TooManyRequestsError(ApplicationError):
    """A throttle tripped; ``Retry-After`` says when to come back."""

    status_code = HTTP_429_TOO_MANY_REQUESTS


def _json(status: int, detail: str, extra: Any = None, headers: dict[str, str] | None = None) -> Response[Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    return Response(content=body, status_code=status, headers=headers)


def application_error_handler(_: Request[Any, Any, Any], exc: ApplicationError) -> Response[Any]:
    """Render an :class:`ApplicationError`."""
    return _json(exc.status_code, exc.detail, exc.extra, exc.headers)


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Request validation failures are 422 and name the offending field (``extra``)."""
    return _json(HTTP_422_UNPROCESSABLE_ENTITY, exc.detail, exc.extra)


def repository_not_found_handler(_: Request[Any, Any, Any], exc: RepositoryNotFoundError) -> Response[Any]:
    """A repository lookup that found nothing."""
    return _json(HTTP_404_NOT_FOUND, "Not found")


def integrity_error_handler(_: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    """Unique or foreign-key violations that a service did not pre-check (races)."""
    detail = "A record with these values already exists" if isinstance(exc, DuplicateKeyError) else "Conflicting data"
    logger.info("integrity error mapped to 409", extra={"error_type": type(exc).__name__})
    return _json(HTTP_409_CONFLICT, detail)


def _sqlstate(exc: BaseException | None) -> str:
    """The PostgreSQL SQLSTATE behind ``exc`` (following the ``__cause__`` chain), or ``""``."""
    seen = 0
    while exc is not None and seen < 5:
        orig = getattr(exc, "orig", None)
        for source in (orig, exc):
            code = getattr(source, "sqlstate", None) or getattr(source, "pgcode", None)
            if isinstance(code, str) and code:
                return code
        exc, seen = exc.__cause__, seen + 1
    return ""


def database_error_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Input the database cannot store (a NUL character, a number out of range) is a 422.

    SQLSTATE class 22 ("data exception") always comes from the values sent, so it is the
    client's error; anything else stays a 500, logged.
    """
    code = _sqlstate(exc)
    if code.startswith("22"):
        logger.info("database data error mapped to 422", extra={"sqlstate": code})
        return _json(HTTP_422_UNPROCESSABLE_ENTITY, "Invalid value: unsupported characters or out of range")
    # The traceback without the message: SQLAlchemy's message carries the bound parameter values.
    trace = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("database error", extra={"error_type": type(exc).__name__, "sqlstate": code, "trace": trace})
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")


def http_exception_passthrough(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Keep Litestar's own HTTP errors in the same shape (and their headers)."""
    return _json(exc.status_code, exc.detail, exc.extra, exc.headers)


def unhandled_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything no other handler knows: a 500, logged with its traceback (Litestar alone logs it only in debug).

    The frames without the message, as for database errors: a message may quote a value (a URL with
    its password, a header) that must not reach the logs.
    """
    trace = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "unhandled error",
        extra={"error_type": type(exc).__name__, "method": request.method, "path": request.url.path, "trace": trace},
    )
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    HTTPException: http_exception_passthrough,  # type: ignore[dict-item]
    Exception: unhandled_error_handler,  # type: ignore[dict-item]
    ApplicationError: application_error_handler,  # type: ignore[dict-item]
    ValidationException: validation_error_handler,  # type: ignore[dict-item]
    RepositoryNotFoundError: repository_not_found_handler,  # type: ignore[dict-item]
    IntegrityError: integrity_error_handler,  # type: ignore[dict-item]
    RepositoryError: database_error_handler,
    DBAPIError: database_error_handler,
}
