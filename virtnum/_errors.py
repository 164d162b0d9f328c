"""The exceptions virtnum raises.

    VirtnumError                      anything virtnum raises on purpose
    ├── WaitTimeoutError              numbers.wait_for_state ran out of time (.last)
    └── APIError                      something went wrong talking to the API
        ├── APIConnectionError        no usable response (refused, reset, truncated)
        │   ├── APITimeoutError       the request timed out, or the call's deadline passed
        │   └── OutcomeUnknownError   a write may have been applied, its answer was lost
        ├── APIStatusError            the server answered with a non-2xx status
        │   ├── BadRequestError       400
        │   ├── AuthenticationError   401
        │   ├── PermissionDeniedError 403 (usually: caller's IP not on the allow-list)
        │   ├── NotFoundError         404
        │   ├── RateLimitError        429
        │   └── InternalServerError   >= 500
        ├── ResponseValidationError   a 2xx body that is not what the API promises
        └── ResponseTooLargeError     a body over the client's max_response_size

Bad arguments raise ``ValueError`` (wrong value) or ``InvalidArgumentTypeError``, which
is both a ``TypeError`` and a ``ValueError``, before any request is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from virtnum._redact import masked

if TYPE_CHECKING:
    from virtnum.models import VirtualNumber

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
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "VirtnumError",
    "WaitTimeoutError",
]


class VirtnumError(Exception):
    """Base class of every exception virtnum raises on purpose."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # keyword-only constructors cannot be re-called with ``args``: rebuild the
        # instance from its message and attributes, so errors pickle and copy
        return _rebuild, (type(self), self.args, dict(vars(self)))


def _rebuild(cls: type[VirtnumError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class InvalidArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type; catchable as TypeError or ValueError."""


class WaitTimeoutError(VirtnumError):
    """A number did not reach the wanted state in time; ``.last`` is the last number
    seen (``None`` if no answer came back before the deadline)."""

    def __init__(self, message: str, *, last: VirtualNumber | None = None) -> None:
        super().__init__(message)
        self.last = last


class APIError(VirtnumError):
    """A request did not produce a usable result; ``attempts`` counts tries made.

    Its texts are masked once more as they are stored (a URL's password becomes
    ``***``), so no str, repr or attribute of it can show a URL's credentials.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        message = masked(message)
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = masked(url)
        self.attempts = 1

    def __str__(self) -> str:
        if self.attempts > 1:
            return f"{self.message} (after {self.attempts} attempts)"
        return self.message


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke mid-response.

    ``reason`` says why in words (``connection refused``, ``name not resolved``,
    ``TLS/certificate failure``, ...); ``detail`` is the underlying exception's text;
    ``request_sent`` is False only when the request provably never left (the
    connection was never made), so resending it cannot apply anything twice.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        url: str = "",
        reason: str = "",
        detail: str = "",
        request_sent: bool = True,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.reason = masked(reason)
        self.detail = masked(detail)
        self.request_sent = request_sent


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout, or the call within its deadline."""


class OutcomeUnknownError(APIConnectionError):
    """A write may have been applied, but its answer was lost and no later attempt
    settled it: check the numbers before you try again. A POST is never resent on its
    own unless the client was made with ``retry_post=True``."""


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
        self.body = masked(body)
        self.request_id = None if request_id is None else masked(request_id)
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


class ResponseTooLargeError(APIError):
    """A response body (decompressed) larger than the client's ``max_response_size``;
    the rest of it was not read."""

    def __init__(self, message: str, *, method: str = "", url: str = "", limit: int = 0) -> None:
        super().__init__(message, method=method, url=url)
        self.limit = limit
