"""virtnum: an async-first Python SDK for the virtual numbers of a cloud PBX Data API."""

import importlib
from typing import TYPE_CHECKING, Any

from virtnum import _logs
from virtnum._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidArgumentTypeError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    VirtnumError,
    WaitTimeoutError,
)
from virtnum._http.hooks import RequestEvent, ResponseEvent
from virtnum._version import __version__
from virtnum.filters import Filter
from virtnum.models import (
    AvailableMobileNumber,
    NumberType,
    Purpose,
    RedirectNumber,
    State,
    VirtualNumber,
)

if TYPE_CHECKING:
    from virtnum._client import AsyncClient
    from virtnum._decode.unstructure import to_dict
    from virtnum._sync import Client
    from virtnum._types import NOT_GIVEN
    from virtnum.resources._raw import RawResponse

# Imported on first use, so that ``import virtnum`` (and the command line's help) need
# not load aiohttp, cattrs or msgspec.
_LAZY = {
    "AsyncClient": "virtnum._client",
    "Client": "virtnum._sync",
    "NOT_GIVEN": "virtnum._types",
    "RawResponse": "virtnum.resources._raw",
    "to_dict": "virtnum._decode.unstructure",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'virtnum' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_logs.setup_from_env()

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "AvailableMobileNumber",
    "BadRequestError",
    "Client",
    "Filter",
    "InternalServerError",
    "InvalidArgumentTypeError",
    "NotFoundError",
    "NumberType",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "Purpose",
    "RateLimitError",
    "RawResponse",
    "RedirectNumber",
    "RequestEvent",
    "ResponseEvent",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "State",
    "VirtnumError",
    "VirtualNumber",
    "WaitTimeoutError",
    "__version__",
    "to_dict",
]
