"""virtnum: an async-first Python SDK for the virtual numbers of a cloud PBX Data API."""

from virtnum._client import NOT_GIVEN, AsyncClient
from virtnum._convert import to_dict
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
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    VirtnumError,
)
from virtnum._sync import Client
from virtnum._version import __version__
from virtnum.filters import Filter
from virtnum.models import NumberType, Purpose, RedirectNumber, State, VirtualNumber

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "Filter",
    "InternalServerError",
    "InvalidArgumentTypeError",
    "NotFoundError",
    "NumberType",
    "PermissionDeniedError",
    "Purpose",
    "RateLimitError",
    "RedirectNumber",
    "ResponseValidationError",
    "State",
    "VirtnumError",
    "VirtualNumber",
    "__version__",
    "to_dict",
]
