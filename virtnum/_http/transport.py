"""The request loop: attempts under the limits, each observed, the retry decision asked.

The transport returns the body bytes of a success (a ``Payload``) and knows nothing of
models (``_decode`` turns them into models). Each step lives in a module of its own:
``exchange`` sends, ``failures`` names what went wrong, ``retry`` decides, ``observers``
watch; the loop here only wires them together. Every call, the plainest included, goes
through the one loop: a concern that is off is absent (no observer, no deadline), so it
costs nothing there.
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

import virtnum._errors as errors
from virtnum._http.config import TransportConfig
from virtnum._http.exchange import Exchange, Outcome, Response, send
from virtnum._http.failures import (
    answered_then,
    deadline_passed,
    path_of,
    status_error,
    unknown_outcome,
)
from virtnum._http.observers import Ended, Observer, observers_for
from virtnum._http.payload import Payload
from virtnum._http.proxy import EnvProxies
from virtnum._http.retry import (
    Retry,
    RetryPolicy,
    Stop,
    Tries,
    failure_of,
    lost_write,
    next_step,
)
from virtnum._http.shared import Shared, headers_for
from virtnum._logs import logger
from virtnum._redact import Redactor

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
        self._policy = RetryPolicy(
            config.max_retries, config.longest_retry_after, config.retry_post
        )
        self._observers = observers_for(config.hooks, self._redactor, debug=False)
        self._observers_debug = observers_for(config.hooks, self._redactor, debug=True)

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
        """Send one API call, retrying what is safe to retry; return the success's body.

        Each attempt: the observers told it starts, the attempt (under the call's
        deadline, if it has one), the decision on a failure, the observers told how it
        ended, then the answer, the error, or a pause and the next attempt."""
        exchange = self._exchange(method, path, params, body)
        began = time.monotonic()
        deadline = self.config.deadline
        ends = None if deadline is None else began + deadline
        debug = logger.isEnabledFor(logging.DEBUG)  # the level may change while a client lives
        observers = self._observers_debug if debug else self._observers
        tries = _FIRST_TRY
        while True:
            attempt = tries.attempts
            for observer in observers:
                await observer.started(exchange, attempt)
            started = time.monotonic() if observers else 0.0
            if ends is None:
                outcome = await self._attempt(exchange)
            else:
                outcome = await self._attempt_until(exchange, ends, attempt)
            if type(outcome) is Response and 200 <= outcome.status < 300:
                if observers:
                    await _ended(observers, exchange, attempt, outcome, None, started, redact)
                return self._payload(exchange, outcome, tries, began, redact)
            error, step = self._failed(exchange, outcome, tries, ends, redact)
            if observers:
                await _ended(observers, exchange, attempt, outcome, error, started, redact)
            error.attempts = attempt
            if isinstance(step, Stop):
                raise error
            _log_retry(exchange, error, step.tries, self._policy, step.delay)
            await Transport.sleep(step.delay)
            tries = step.tries.begin()

    def _exchange(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]] | None,
        body: Mapping[str, Any] | None,
    ) -> Exchange:
        config = self.config
        # the SDK's own paths, already URL-safe: no parse, no quoting
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

    def _failed(
        self,
        exchange: Exchange,
        outcome: Outcome,
        tries: Tries,
        ends: float | None,
        redact: Sequence[str],
    ) -> tuple[errors.APIError, Retry | Stop]:
        """A failed attempt's typed error and what to do next (``retry.next_step``); a
        write whose outcome that leaves unknown gets the error that says so."""
        method = exchange.method
        if isinstance(outcome, Response):
            error = self._status_error(exchange, outcome, redact)
        else:
            error = outcome
        failure = failure_of(
            error,
            overloaded=isinstance(outcome, Response) and outcome.overloaded,
            # labelled with another method: the GET a write's 303 pointed to
            answered=error.method != method,
        )
        left = None if ends is None else ends - time.monotonic()
        step = next_step(method, failure, tries, self._policy, time_left=left)
        if step is Stop.OUTCOME_UNKNOWN:
            error = unknown_outcome(error)
        return error, step

    def _status_error(
        self, exchange: Exchange, response: Response, redact: Sequence[str]
    ) -> errors.APIError:
        """The error of a non-2xx answer; after a write's 303, the GET's, saying that the
        write was done."""
        followed = response.followed
        method, url = (exchange.method, exchange.url) if followed is None else ("GET", followed)
        error = status_error(
            method, url, response.status, response.headers, response.body, self._redactor, redact
        )
        return error if followed is None else answered_then(error, exchange.method, exchange.url)

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
            write_answer_lost=lost_write(exchange.method, tries),
        )


async def _ended(
    observers: tuple[Observer, ...],
    exchange: Exchange,
    attempt: int,
    outcome: Outcome,
    error: errors.APIError | None,
    started: float,
    redact: Sequence[str],
) -> None:
    """Tell each observer how the attempt begun at ``started`` ended."""
    ended = Ended(exchange, attempt, outcome, error, time.monotonic() - started, redact)
    for observer in observers:
        await observer.ended(ended)


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
