"""virtnum: an async-first Python SDK for the virtual numbers of a cloud PBX Data API."""

from virtnum import _logs
from virtnum._client import NOT_GIVEN, AsyncClient
from virtnum._decode.unstructure import to_dict
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
from virtnum._sync import Client
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
from virtnum.resources._raw import RawResponse

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
