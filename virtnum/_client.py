"""``AsyncClient``: options, lifecycle, and the resources built on one transport."""

from __future__ import annotations

import ssl as ssl_module
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Self

import aiohttp
import attrs

from virtnum._env_names import DEFAULT_BASE_URL
from virtnum._errors import VirtnumError
from virtnum._http.config import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_AFTER_CAP,
    DEFAULT_TIMEOUT,
    TransportConfig,
)
from virtnum._http.hooks import RequestEvent, ResponseEvent
from virtnum._http.transport import Transport
from virtnum._types import NOT_GIVEN, NotGiven
from virtnum._validate import check_optional_str, wrong_type
from virtnum.credentials import resolve
from virtnum.resources._raw_numbers import RawNumbers
from virtnum.resources.numbers import AsyncNumbers

__all__ = ["DEFAULT_BASE_URL", "NOT_GIVEN", "AsyncClient"]

#: ``on_request`` and ``on_response`` hooks: sync or async callables of one event record.
RequestHook = Callable[[RequestEvent], Awaitable[None] | None]
ResponseHook = Callable[[ResponseEvent], Awaitable[None] | None]


class WithRawResponse:
    """``client.with_raw_response``: the same resources, returning ``RawResponse``."""

    def __init__(self, transport: Transport) -> None:
        self.numbers = RawNumbers(transport, AsyncNumbers)


class AsyncClient:
    """The async client of the virtual-number Data API.

    Without ``token``: the credentials file's ``profile``, else ``$VIRTNUM_TOKEN``, else
    the profile named by ``$VIRTNUM_PROFILE``, else the ``default`` profile; ``base_url``
    comes with the token (the profile's URL, or ``$VIRTNUM_BASE_URL``), then the
    production URL (the *Credentials and profiles* page). The token is sent as given.
    ``timeout`` (total) and ``connect_timeout`` bound one attempt, ``deadline`` the
    whole call (every attempt and pause between them); seconds, ``None`` for no limit.
    ``trust_env=True`` uses the ``HTTP(S)_PROXY``/``NO_PROXY`` variables; ``proxy`` is a
    proxy URL for every request; ``ssl`` is an ``ssl.SSLContext`` (a private CA, say), or
    ``False`` to skip certificate checks (never against the real API: the token would
    go to whoever answers).
    ``max_response_size`` bounds a body's bytes after decompression (None: no bound);
    ``rate_limit`` is requests per second for the whole client (None: off). One client
    may be used from any event loop: it keeps a session per loop. ``on_request`` and
    ``on_response`` hooks see every attempt; ``trace_configs`` go to every session
    (OpenTelemetry's aiohttp instrumentation, say).

    Defaults: ``timeout=30.0``, ``connect_timeout=10.0``, ``max_retries=2``,
    ``retry_after_cap=60.0``, ``max_connections=100``,
    ``max_response_size=268435456`` (256 MiB).
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        profile: str | None = None,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_after_cap: float | None = DEFAULT_RETRY_AFTER_CAP,
        retry_post: bool = False,
        session: aiohttp.ClientSession | None = None,
        follow_redirects: bool = False,
        trust_env: bool = False,
        allow_insecure_http: bool = False,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        proxy: str | None = None,
        ssl: ssl_module.SSLContext | bool = True,
        max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE,
        rate_limit: float | None = None,
        on_request: RequestHook | Sequence[RequestHook] | None = None,
        on_response: ResponseHook | Sequence[ResponseHook] | None = None,
        trace_configs: Sequence[aiohttp.TraceConfig] | None = None,
    ) -> None:
        check_optional_str(profile, "profile", "a str")
        if isinstance(base_url, str) and not base_url.strip():
            raise ValueError(
                "base_url is empty (an unset variable?): pass the API's URL, or leave "
                "base_url out for the production API"
            )
        token, base_url = resolve(token, base_url, profile)
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise wrong_type("session", "an aiohttp.ClientSession", session)
        config = TransportConfig(
            base_url=base_url or DEFAULT_BASE_URL,
            token=token,
            timeout=timeout,
            connect_timeout=connect_timeout,
            deadline=deadline,
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            retry_post=retry_post,
            follow_redirects=follow_redirects,
            trust_env=trust_env,
            allow_insecure_http=allow_insecure_http,
            max_connections=max_connections,
            proxy=proxy,
            ssl=ssl,
            max_response_size=max_response_size,
            rate_limit=rate_limit,
            on_request=on_request,
            on_response=on_response,
            trace_configs=trace_configs,
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
        return self._transport.config.client_timeout

    def with_options(
        self,
        *,
        timeout: float | NotGiven | None = NOT_GIVEN,
        connect_timeout: float | NotGiven | None = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_post: bool | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A client sharing this one's session with some options changed (per call use:
        ``await client.with_options(max_retries=5).numbers.get(1)``). Closing it is a no-op."""
        given: dict[str, Any] = {
            "timeout": timeout,
            "connect_timeout": connect_timeout,
            "deadline": deadline,
            "max_retries": max_retries,
            "retry_post": retry_post,
        }
        changes = {name: value for name, value in given.items() if value is not NOT_GIVEN}
        config = attrs.evolve(self._transport.config, **changes)  # checked again there
        clone = object.__new__(type(self))
        clone._bind(self._transport.copy(config))
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
