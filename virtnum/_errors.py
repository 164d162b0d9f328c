"""The exceptions virtnum raises.

    VirtnumError                      anything virtnum raises on purpose
    └── APIError                      something went wrong talking to the API
        ├── APIConnectionError        no usable response (refused, reset, truncated)
        │   └── APITimeoutError       the request timed out
        ├── APIStatusError            the server answered with a non-2xx status
        │   ├── BadRequestError       400
        │   ├── AuthenticationError   401
        │   ├── PermissionDeniedError 403 (usually: caller's IP not on the allow-list)
        │   ├── NotFoundError         404
        │   ├── RateLimitError        429
        │   └── InternalServerError   >= 500
        └── ResponseValidationError   a 2xx body that is not what the API promises

Bad arguments raise ``ValueError`` (wrong value) or ``InvalidArgumentTypeError``, which
is both a ``TypeError`` and a ``ValueError``, before any request is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "InvalidArgumentTypeError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "VirtnumError",
]


class VirtnumError(Exception):
    """Base class of every exception virtnum raises on purpose."""


class InvalidArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type; catchable as TypeError or ValueError."""


class APIError(VirtnumError):
    """A request did not produce a usable result; ``attempts`` counts tries made."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.attempts = 1

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (after {self.attempts} attempts)"
        return self.message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke mid-response."""


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout."""


class APIStatusError(APIError):
    """The server answered with a status code that means failure."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url: str,
        body: str = "",
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status = status
        self.body = body
        self.request_id = request_id
        self.retry_after = retry_after


class BadRequestError(APIStatusError):
    """400: the server refused the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: usually the caller's IP address is not on the account's allow-list."""


class NotFoundError(APIStatusError):
    """404: no such resource (for example an unknown number id)."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` holds the server's hint in seconds."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


class ResponseValidationError(APIError):
    """A successful response whose body does not match the API's documented shape.

    ``errors`` lists ``(json_path, problem)`` pairs for every bad value found;
    ``partial`` holds the records that did structure, so nothing good is lost.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        errors: Sequence[tuple[str, str]] = (),
        partial: Sequence[Any] = (),
    ) -> None:
        self.errors = tuple(errors)
        self.partial = list(partial)
        if self.errors:
            shown = "; ".join(f"{path}: {problem}" for path, problem in self.errors[:10])
            more = len(self.errors) - 10
            message = f"{message}: {shown}" + (f"; and {more} more" if more > 0 else "")
        super().__init__(message, method=method, url=url)
