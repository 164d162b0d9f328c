"""virtnum: an async-first Python SDK for the virtual numbers of a cloud PBX Data API."""

import importlib
import os
from typing import TYPE_CHECKING, Any

from virtnum._env_names import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_PROFILE,
    PROFILE_ENV,
    TOKEN_ENV,
)
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
from virtnum._version import __version__

if TYPE_CHECKING:
    from virtnum._client import AsyncClient
    from virtnum._decode.unstructure import to_dict
    from virtnum._http.hooks import RequestEvent, ResponseEvent
    from virtnum._redact import redact
    from virtnum._sync import Client
    from virtnum._types import NOT_GIVEN
    from virtnum.filters import Filter
    from virtnum.models import (
        AvailableMobileNumber,
        NumberType,
        Purpose,
        RedirectNumber,
        State,
        VirtualNumber,
    )
    from virtnum.resources._bodies import check_update
    from virtnum.resources._raw import RawResponse

# Imported on first use, so that ``import virtnum`` (and the command line's help) load
# neither aiohttp, cattrs, msgspec nor yarl, and attrs only with the models.
_LAZY = {
    "AsyncClient": "virtnum._client",
    "AvailableMobileNumber": "virtnum.models",
    "Client": "virtnum._sync",
    "Filter": "virtnum.filters",
    "NOT_GIVEN": "virtnum._types",
    "NumberType": "virtnum.models",
    "Purpose": "virtnum.models",
    "RawResponse": "virtnum.resources._raw",
    "RedirectNumber": "virtnum.models",
    "RequestEvent": "virtnum._http.hooks",
    "ResponseEvent": "virtnum._http.hooks",
    "State": "virtnum.models",
    "VirtualNumber": "virtnum.models",
    "check_update": "virtnum.resources._bodies",
    "redact": "virtnum._redact",
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


if os.environ.get("VIRTNUM_LOG"):  # logging is loaded only when asked for
    from virtnum import _logs

    _logs.setup_from_env()

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_PROFILE",
    "NOT_GIVEN",
    "PROFILE_ENV",
    "TOKEN_ENV",
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
    "check_update",
    "redact",
    "to_dict",
]
