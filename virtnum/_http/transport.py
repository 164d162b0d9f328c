"""The request loop: attempts under the limits, each observed, the retry decision asked.

The transport returns the body bytes of a success (a ``Payload``) and knows nothing of
models (``_decode`` turns them into models). Each step lives in a module of its own:
``exchange`` sends, ``failures`` names what went wrong, ``retry`` decides, ``hooks`` and
``_logs`` observe; the loop here only wires them together.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

import aiohttp
import msgspec
from yarl import URL

from virtnum import _errors as errors
from virtnum._http.config import TransportConfig
from virtnum._http.exchange import Exchange, Outcome, Response, send
from virtnum._http.failures import (
    TLS_FAILURE,
    deadline_passed,
    path_of,
    request_id_of,
    status_error,
    unknown_outcome,
)
from virtnum._http.hooks import RequestEvent, ResponseEvent
from virtnum._http.payload import Payload
from virtnum._http.proxy import EnvProxies
from virtnum._http.redact import Redactor
from virtnum._http.retry import Failure, RetryPolicy, Stop, Tries, next_step, outcome_unknown
from virtnum._http.shared import Shared, headers_for
from virtnum._http.stale import STALE_CONNECTION
from virtnum._logs import logger, shown_url

__all__ = ["Transport", "TransportConfig"]

_encode = msgspec.json.Encoder().encode


_FIRST_TRY = Tries(attempts=1, charged=1)


class Transport:
    """Sends requests with retries and returns the body of the success as a ``Payload``."""

    #: How the loop waits between attempts (tests put a recorder here).
    sleep: ClassVar[Callable[[float], Awaitable[None]]] = staticmethod(asyncio.sleep)

    def __init__(
        self, config: TransportConfig, *, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._shared = Shared(config, session)
        self._owner = True
        self.configure(config)

    def configure(self, config: TransportConfig) -> None:
        self.config = config
        self._proxies = EnvProxies(config.trust_env)
        self._redactor = Redactor(config.token, (config.proxy, *self._proxies.urls()))
        self._headers = None if self._shared.headers_in_session else headers_for(config)
        self._timeout = config.client_timeout
        self._origin = URL(config.base_url)
        self._prefix = self._origin.raw_path.rstrip("/")
        self._hooks = config.hooks
        self._policy = RetryPolicy(
            config.max_retries, config.longest_retry_after, config.retry_post
        )
        hooks = self._hooks
        self._lean = not (hooks.on_request or hooks.on_response or config.deadline)

    def copy(self, config: TransportConfig) -> Transport:
        """A transport with other settings over the same session (it does not own it)."""
        clone = object.__new__(Transport)
        clone._shared = self._shared
        clone._owner = False
        clone.configure(config)
        return clone

    def __repr__(self) -> str:
        return f"<Transport {self.config.base_url}>"

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The running loop's session, if one was made (for debugging and tests)."""
        return self._shared.sessions.current()

    @property
    def is_closed(self) -> bool:
        return self._shared.sessions.closed

    def mark_closed(self) -> None:
        """Refuse further requests, when every loop that had a session has shut down."""
        if self._owner:
            self._shared.sessions.closed = True

    async def close(self) -> None:
        """Close the sessions this client opened (not one the caller passed in); safe to
        call twice."""
        if self._owner and not self.is_closed:
            await self._shared.sessions.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        body: Mapping[str, Any] | None = None,
        redact: Sequence[str] = (),
    ) -> Payload:
        """Send one API call, retrying what is safe to retry; return the success's body."""
        exchange = self._exchange(method, path, params, body)
        began = time.monotonic()
        first: Outcome | None = None
        if self._lean and not logger.isEnabledFor(logging.DEBUG):
            # nothing to observe: the common success costs one attempt and nothing more
            first = await self._attempt(exchange)
            if type(first) is Response and 200 <= first.status < 300:
                return self._payload(exchange, first, _FIRST_TRY, began, redact)
        return await self._retrying(exchange, began, redact, first)

    async def _retrying(
        self, exchange: Exchange, began: float, redact: Sequence[str], first: Outcome | None
    ) -> Payload:
        """The loop: attempt, observe, ask ``next_step``, wait; ``first`` is an attempt
        already made (unobserved, since there was nothing to observe)."""
        policy = self._policy
        ends = None if self.config.deadline is None else began + self.config.deadline
        tries = _FIRST_TRY
        if first is not None:
            outcome, failed = first, self._failed(exchange, first, tries, redact)
        else:
            outcome, failed = await self._observed(exchange, tries, redact, ends)
        while failed is not None:
            error, failure = failed
            left = None if ends is None else ends - time.monotonic()
            step = next_step(exchange.method, failure, tries, policy, time_left=left)
            error.attempts = tries.attempts
            if isinstance(step, Stop):
                raise error
            _log_retry(exchange, error, step.tries, policy, step.delay)
            await Transport.sleep(step.delay)
            tries = step.tries.begin()
            outcome, failed = await self._observed(exchange, tries, redact, ends)
        assert isinstance(outcome, Response)
        return self._payload(exchange, outcome, tries, began, redact)

    def _exchange(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]] | None,
        body: Mapping[str, Any] | None,
    ) -> Exchange:
        config = self.config
        # the SDK's own paths, already URL-safe: no parse, no quoting (a third of the cost)
        target = self._origin.with_path(self._prefix + path, encoded=True)
        proxy = config.proxy or (self._proxies.for_url(target) if self._proxies else None)
        return Exchange(
            method=method,
            url=config.base_url + path,
            target=target,
            params=params,
            data=None if body is None else _encode(body),
            headers=self._headers,
            timeout=self._timeout,
            proxy=proxy,
            max_size=config.max_response_size,
            follow_redirects=config.follow_redirects,
        )

    async def _observed(
        self, exchange: Exchange, tries: Tries, redact: Sequence[str], ends: float | None
    ) -> tuple[Outcome, tuple[errors.APIError, Failure] | None]:
        """One attempt with its hooks and its DEBUG line; the error it ended in and what
        the retry decision needs to know of it, if it failed."""
        method, hooks = exchange.method, self._hooks
        if hooks.on_request:
            await hooks.request(RequestEvent(method, path_of(exchange.url), tries.attempts))
        started = time.monotonic()
        if ends is None:
            outcome = await self._attempt(exchange)
        else:
            outcome = await self._attempt_until(exchange, ends, tries.attempts)
        elapsed = time.monotonic() - started
        failed = self._failed(exchange, outcome, tries, redact)
        error = None if failed is None else failed[0]
        if logger.isEnabledFor(logging.DEBUG):
            shown = outcome.status if isinstance(outcome, Response) else type(outcome).__name__
            logger.debug(
                "%s %s -> %s attempt=%d elapsed=%.1fms",
                *(method, shown_url(exchange.url, exchange.params), shown, tries.attempts),
                elapsed * 1000,
            )
        if hooks.on_response:
            event = self._event(exchange, outcome, error, tries.attempts, elapsed, redact)
            await hooks.response(event)
        return outcome, failed

    def _failed(
        self, exchange: Exchange, outcome: Outcome, tries: Tries, redact: Sequence[str]
    ) -> tuple[errors.APIError, Failure] | None:
        """None for a success; else the typed error (a write's lost answer named as such)
        and what the retry decision needs to know of it."""
        if isinstance(outcome, errors.APIError):
            error = outcome
        elif outcome.ok:
            return None
        else:
            error = status_error(
                exchange.method,
                exchange.url,
                outcome.status,
                outcome.headers,
                outcome.body,
                self._redactor,
                redact,
            )
        failure = _failure(outcome, error)
        if outcome_unknown(exchange.method, failure, tries):
            error = unknown_outcome(error)
        return error, failure

    async def _attempt_until(self, exchange: Exchange, ends: float, attempt: int) -> Outcome:
        """An attempt that the call's deadline cuts short, waits for the limits included."""
        try:
            async with asyncio.timeout_at(_loop_time_of(ends)):
                return await self._attempt(exchange)
        except TimeoutError:  # the attempt's own timeouts come back as values, not raised
            deadline = self.config.deadline
            assert deadline is not None
            return deadline_passed(exchange.method, exchange.url, deadline, attempt)

    async def _attempt(self, exchange: Exchange) -> Outcome:
        """One attempt under the rate limit and the overload limit, which learns from it."""
        shared = self._shared
        if shared.bucket is not None:
            await shared.bucket.acquire()
        slot = shared.limit.try_acquire() or await shared.limit.acquire()
        outcome: Outcome | None = None
        try:
            sessions = shared.sessions
            session = sessions.ready() or await sessions.get()
            outcome = await send(session, exchange, self._redactor)
            return outcome
        finally:
            answer = outcome if isinstance(outcome, Response) else None
            shared.limit.release(
                slot,
                overloaded=answer is not None and answer.overloaded,
                succeeded=answer is not None and answer.status < 400,
            )

    def _event(
        self,
        exchange: Exchange,
        outcome: Outcome,
        error: errors.APIError | None,
        attempt: int,
        elapsed: float,
        redact: Sequence[str],
    ) -> ResponseEvent:
        """The ``on_response`` record of an attempt (no query string, secrets cut out)."""
        status = outcome.status if isinstance(outcome, Response) else None
        if isinstance(error, errors.APIStatusError):
            request_id = error.request_id  # already redacted
        elif error is None and isinstance(outcome, Response):
            request_id = request_id_of(outcome.headers, self._redactor.forms(redact))
        else:
            request_id = None
        error_name = None if error is None else type(error).__name__
        path = path_of(exchange.url)
        return ResponseEvent(
            exchange.method, path, attempt, status, elapsed, request_id, error_name
        )

    def _payload(
        self,
        exchange: Exchange,
        response: Response,
        tries: Tries,
        began: float,
        redact: Sequence[str],
    ) -> Payload:
        return Payload(
            content=response.body,
            method=exchange.method,
            url=exchange.url,
            secrets=self._redactor.forms(redact),
            status=response.status,
            headers=response.headers,
            attempts=tries.attempts,
            elapsed=time.monotonic() - began,
            carrier=response.carrier,
        )


def _failure(outcome: Outcome, error: errors.APIError) -> Failure:
    """What the retry decision needs to know of a failed attempt."""
    if isinstance(outcome, Response):
        return Failure(
            outcome.status,
            retry_after=getattr(error, "retry_after", None),
            overloaded=outcome.overloaded,
        )
    # too large, undecodable (the only ResponseValidationError an attempt gives), or TLS
    hopeless = isinstance(error, errors.ResponseTooLargeError | errors.ResponseValidationError) or (
        isinstance(error, errors.APIConnectionError) and error.reason == TLS_FAILURE
    )
    lost = isinstance(error, errors.APIConnectionError) and error.request_sent
    stale = isinstance(error, errors.APIConnectionError) and error.reason == STALE_CONNECTION
    return Failure(None, answer_lost=lost, hopeless=hopeless, stale=stale)


def _log_retry(
    exchange: Exchange, error: errors.APIError, tries: Tries, policy: RetryPolicy, delay: float
) -> None:
    status = getattr(error, "status", None)
    logger.info(
        "retrying %s %s after %s (attempt %d of %d) in %.2fs",
        exchange.method,
        path_of(exchange.url),
        status if status is not None else type(error).__name__,
        tries.attempts,
        policy.max_retries + 1 + tries.overloads,
        delay,
    )


def _loop_time_of(monotonic: float) -> float:
    """A ``time.monotonic()`` instant on the running loop's clock."""
    loop = asyncio.get_running_loop()
    return loop.time() + (monotonic - time.monotonic())
