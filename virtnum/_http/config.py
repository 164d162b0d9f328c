"""The client's options as one frozen record, each checked where it is declared.

``AsyncClient`` builds it from its arguments and ``with_options`` evolves it, which runs
the same converters and validators again, so no option is checked in two places and
every default is written once (the clients' signatures read them from here).
"""

from __future__ import annotations

import platform
import ssl as ssl_module
from collections.abc import Sequence
from typing import Any

import aiohttp
import attrs

from virtnum._errors import InvalidArgumentTypeError
from virtnum._http.hooks import Hook, Hooks, check_hooks
from virtnum._validate import (
    check_base_url,
    check_bool,
    check_non_negative_int,
    check_positive_int,
    check_positive_number,
    check_proxy,
    check_size,
    check_ssl,
    check_timeout,
    check_token,
    refuse_plain_http,
)
from virtnum._version import __version__

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_AFTER_CAP",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "TransportConfig",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_RETRY_AFTER_CAP = 60.0
DEFAULT_MAX_CONNECTIONS = 100
DEFAULT_MAX_RESPONSE_SIZE = 256 << 20
USER_AGENT = (
    f"virtnum/{__version__} (python/{platform.python_version()}; aiohttp/{aiohttp.__version__})"
)


def _timeout(value: Any) -> float | None:
    return check_timeout(value, "timeout")


def _deadline(value: Any) -> float | None:
    return check_timeout(value, "deadline")


def _connect_timeout(value: Any) -> float | None:
    return check_timeout(value, "connect_timeout")


def _retry_after_cap(value: Any) -> float | None:
    return check_timeout(value, "retry_after_cap")


def _max_retries(value: Any) -> int:
    return check_non_negative_int(value, "max_retries")


def _max_connections(value: Any) -> int:
    return check_positive_int(value, "max_connections")


def _max_response_size(value: Any) -> int | None:
    return check_size(value, "max_response_size")


def _rate_limit(value: Any) -> float | None:
    return check_positive_number(value, "rate_limit", "requests per second")


def _retry_post(value: Any) -> bool:
    return check_bool(value, "retry_post")


def _follow_redirects(value: Any) -> bool:
    return check_bool(value, "follow_redirects")


def _trust_env(value: Any) -> bool:
    return check_bool(value, "trust_env")


def _allow_insecure_http(value: Any) -> bool:
    return check_bool(value, "allow_insecure_http")


def _on_request(value: Any) -> tuple[Hook, ...]:
    return check_hooks(value, "on_request")


def _on_response(value: Any) -> tuple[Hook, ...]:
    return check_hooks(value, "on_response")


def _trace_configs(value: Any) -> tuple[aiohttp.TraceConfig, ...]:
    if value is None:
        return ()
    configs = tuple(value) if isinstance(value, Sequence) else None
    if configs is None or not all(isinstance(c, aiohttp.TraceConfig) for c in configs):
        raise InvalidArgumentTypeError("trace_configs must be a list of aiohttp.TraceConfig")
    return configs


def _base_url_over_tls(config: TransportConfig, _: Any, base_url: str) -> None:
    if not config.allow_insecure_http:
        refuse_plain_http(base_url)


@attrs.frozen
class TransportConfig:
    """Everything the transport needs, checked on construction (the token and the proxy,
    which may hold credentials, are hidden from repr)."""

    base_url: str = attrs.field(converter=check_base_url, validator=_base_url_over_tls)
    token: str = attrs.field(converter=check_token, repr=False)
    user_agent: str = USER_AGENT
    timeout: float | None = attrs.field(default=DEFAULT_TIMEOUT, converter=_timeout)
    connect_timeout: float | None = attrs.field(
        default=DEFAULT_CONNECT_TIMEOUT, converter=_connect_timeout
    )
    deadline: float | None = attrs.field(default=None, converter=_deadline)
    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, converter=_max_retries)
    retry_after_cap: float | None = attrs.field(
        default=DEFAULT_RETRY_AFTER_CAP, converter=_retry_after_cap
    )
    retry_post: bool = attrs.field(default=False, converter=_retry_post)
    follow_redirects: bool = attrs.field(default=False, converter=_follow_redirects)
    trust_env: bool = attrs.field(default=False, converter=_trust_env)
    allow_insecure_http: bool = attrs.field(default=False, converter=_allow_insecure_http)
    max_connections: int = attrs.field(default=DEFAULT_MAX_CONNECTIONS, converter=_max_connections)
    max_response_size: int | None = attrs.field(
        default=DEFAULT_MAX_RESPONSE_SIZE, converter=_max_response_size
    )
    rate_limit: float | None = attrs.field(default=None, converter=_rate_limit)
    proxy: str | None = attrs.field(default=None, converter=check_proxy, repr=False)
    ssl: ssl_module.SSLContext | bool = attrs.field(default=True, converter=check_ssl)
    on_request: tuple[Hook, ...] = attrs.field(default=(), converter=_on_request)
    on_response: tuple[Hook, ...] = attrs.field(default=(), converter=_on_response)
    trace_configs: tuple[aiohttp.TraceConfig, ...] = attrs.field(
        default=(), converter=_trace_configs
    )

    @property
    def client_timeout(self) -> aiohttp.ClientTimeout:
        """One attempt's aiohttp timeout."""
        return aiohttp.ClientTimeout(total=self.timeout, connect=self.connect_timeout)

    @property
    def hooks(self) -> Hooks:
        return Hooks(self.on_request, self.on_response)

    @property
    def longest_retry_after(self) -> float:
        """The longest Retry-After worth waiting for (``None`` means any)."""
        return float("inf") if self.retry_after_cap is None else self.retry_after_cap
