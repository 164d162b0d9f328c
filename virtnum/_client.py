"""``AsyncClient``: options, lifecycle, and the resources built on one transport."""

from __future__ import annotations

import platform
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Self

import aiohttp
import attrs

from virtnum._credentials import resolve
from virtnum._errors import InvalidArgumentTypeError, VirtnumError
from virtnum._http.hooks import Hooks, RequestEvent, ResponseEvent, check_hooks
from virtnum._http.transport import Transport, TransportConfig
from virtnum._types import NOT_GIVEN, NotGiven
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
)
from virtnum._version import __version__
from virtnum.resources._raw_numbers import RawNumbers
from virtnum.resources.numbers import AsyncNumbers

__all__ = ["DEFAULT_BASE_URL", "NOT_GIVEN", "AsyncClient"]

DEFAULT_BASE_URL = "https://simple-api.cp.megafon.ru"
USER_AGENT = (
    f"virtnum/{__version__} (python/{platform.python_version()}; aiohttp/{aiohttp.__version__})"
)


def _timeout(total: float | None, connect: float | None) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=check_timeout(total, "timeout"), connect=check_timeout(connect, "connect_timeout")
    )


def _cap(value: float | None) -> float:
    """The longest Retry-After worth waiting for; None means any."""
    seconds = check_timeout(value, "retry_after_cap")
    return float("inf") if seconds is None else seconds


#: ``on_request`` and ``on_response`` hooks: sync or async callables of one event record.
RequestHook = Callable[[RequestEvent], Awaitable[None] | None]
ResponseHook = Callable[[ResponseEvent], Awaitable[None] | None]


def _trace_configs(value: Any) -> tuple[aiohttp.TraceConfig, ...]:
    if value is None:
        return ()
    configs = tuple(value) if isinstance(value, Sequence) else None
    if configs is None or not all(isinstance(c, aiohttp.TraceConfig) for c in configs):
        raise InvalidArgumentTypeError("trace_configs must be a list of aiohttp.TraceConfig")
    return configs


class WithRawResponse:
    """``client.with_raw_response``: the same resources, returning ``RawResponse``."""

    def __init__(self, transport: Transport) -> None:
        self.numbers = RawNumbers(transport, AsyncNumbers)


class AsyncClient:
    """The async client of the virtual-number Data API.

    Without ``token``: the credentials file's ``profile``, else ``$VIRTNUM_TOKEN``, else
    the profile named by ``$VIRTNUM_PROFILE``, else the ``default`` profile; ``base_url``
    comes with the token (the profile's URL, or ``$VIRTNUM_BASE_URL``), then the
    production URL (see ``virtnum._credentials``). The token is sent as given.
    ``timeout`` (total) and ``connect_timeout`` are seconds, ``None`` for no limit.
    ``trust_env=True`` uses the ``HTTP(S)_PROXY``/``NO_PROXY`` variables; ``proxy`` is a
    proxy URL for every request; ``ssl`` is an ``ssl.SSLContext`` (a private CA, say), or
    ``False`` to skip certificate checks (never against the real API: the token would
    go to whoever answers).
    ``max_response_size`` bounds a body's bytes after decompression (None: no bound);
    ``rate_limit`` is requests per second for the whole client (None: off). One client
    may be used from any event loop: it keeps a session per loop. ``on_request`` and
    ``on_response`` hooks see every attempt; ``trace_configs`` go to every session
    (OpenTelemetry's aiohttp instrumentation, say).
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        profile: str | None = None,
        base_url: str | None = None,
        timeout: float | None = 30.0,
        connect_timeout: float | None = 10.0,
        max_retries: int = 2,
        retry_after_cap: float = 60.0,
        retry_post: bool = False,
        session: aiohttp.ClientSession | None = None,
        follow_redirects: bool = False,
        trust_env: bool = False,
        allow_insecure_http: bool = False,
        max_connections: int = 100,
        proxy: str | None = None,
        ssl: ssl_module.SSLContext | bool = True,
        max_response_size: int | None = 256 << 20,
        rate_limit: float | None = None,
        on_request: RequestHook | Sequence[RequestHook] | None = None,
        on_response: ResponseHook | Sequence[ResponseHook] | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
    ) -> None:
        if profile is not None and not isinstance(profile, str):
            raise InvalidArgumentTypeError("profile must be a str")
        token, base_url = resolve(token, base_url, profile)
        base_url = base_url or DEFAULT_BASE_URL
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise TypeError("session must be an aiohttp.ClientSession")
        config = TransportConfig(
            base_url=check_base_url(
                base_url,
                allow_insecure_http=check_bool(allow_insecure_http, "allow_insecure_http"),
            ),
            token=check_token(token),
            user_agent=USER_AGENT,
            timeout=_timeout(timeout, connect_timeout),
            max_retries=check_non_negative_int(max_retries, "max_retries"),
            retry_after_cap=_cap(retry_after_cap),
            retry_non_idempotent=check_bool(retry_post, "retry_post"),
            follow_redirects=check_bool(follow_redirects, "follow_redirects"),
            trust_env=check_bool(trust_env, "trust_env"),
            max_connections=check_positive_int(max_connections, "max_connections"),
            proxy=check_proxy(proxy),
            ssl=check_ssl(ssl),
            max_response_size=check_size(max_response_size, "max_response_size"),
            rate_limit=check_positive_number(rate_limit, "rate_limit", "requests per second"),
            hooks=Hooks(
                check_hooks(on_request, "on_request"), check_hooks(on_response, "on_response")
            ),
            trace_configs=_trace_configs(trace_configs),
        )
        self._bind(Transport(config, session=session))

    def _bind(self, transport: Transport) -> None:
        self._transport = transport
        self.numbers = AsyncNumbers(transport)
        self.with_raw_response = WithRawResponse(transport)

    @property
    def base_url(self) -> str:
        return self._transport.config.base_url

    @property
    def max_retries(self) -> int:
        return self._transport.config.max_retries

    @property
    def timeout(self) -> aiohttp.ClientTimeout:
        return self._transport.config.timeout

    def with_options(
        self,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
        connect_timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_post: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A client sharing this one's session with some options changed (per call use:
        ``await client.with_options(max_retries=5).numbers.get(1)``). Closing it is a no-op."""
        config = self._transport.config
        current = config.timeout
        changes: dict[str, Any] = {
            "timeout": _timeout(
                current.total if timeout is NOT_GIVEN else timeout,
                current.connect if connect_timeout is NOT_GIVEN else connect_timeout,
            )
        }
        if max_retries is not NOT_GIVEN:
            changes["max_retries"] = check_non_negative_int(max_retries, "max_retries")
        if retry_post is not NOT_GIVEN:
            changes["retry_non_idempotent"] = check_bool(retry_post, "retry_post")
        clone = object.__new__(type(self))
        clone._bind(self._transport.copy(attrs.evolve(config, **changes)))
        return clone

    @property
    def is_closed(self) -> bool:
        return self._transport.is_closed

    async def close(self) -> None:
        """Close the session this client opened (not one the caller passed in); idempotent."""
        await self._transport.close()

    async def __aenter__(self) -> Self:
        if self.is_closed:
            raise VirtnumError("this client is closed; create a new one")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"
