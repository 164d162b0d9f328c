"""What watches the attempts of a call: the DEBUG line and the request hooks.

A client holds only the observers that are on (``observers_for``), so a call that
nothing watches loops over an empty tuple: no clock read, no record built. A new kind
of observer is one more class here, added to that tuple; the request loop stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

import virtnum._errors as errors
from virtnum._http.exchange import Exchange, Outcome, Response
from virtnum._http.failures import path_of, request_id_of
from virtnum._http.hooks import Hooks, RequestEvent, ResponseEvent
from virtnum._logs import logger, shown_url
from virtnum._redact import Redactor

__all__ = ["DebugLine", "Ended", "HookCalls", "Observer", "observers_for"]


@attrs.frozen
class Ended:
    """How one attempt ended: ``error`` is what it became (None on success), as the
    caller sees it; ``elapsed`` is in seconds; ``redact``, the call's own secrets."""

    exchange: Exchange
    attempt: int
    outcome: Outcome
    error: errors.APIError | None
    elapsed: float
    redact: Sequence[str]


class Observer(Protocol):
    """Told of each attempt as it starts and as it ends."""

    async def started(self, exchange: Exchange, attempt: int) -> None: ...

    async def ended(self, ended: Ended) -> None: ...


class DebugLine:
    """One DEBUG line per attempt: method, URL, status or error class, time taken."""

    async def started(self, exchange: Exchange, attempt: int) -> None:
        pass

    async def ended(self, ended: Ended) -> None:
        exchange, outcome = ended.exchange, ended.outcome
        shown = outcome.status if isinstance(outcome, Response) else type(outcome).__name__
        logger.debug(
            "%s %s -> %s attempt=%d elapsed=%.1fms",
            *(exchange.method, shown_url(exchange.url, exchange.params), shown, ended.attempt),
            ended.elapsed * 1000,
        )


class HookCalls:
    """The client's ``on_request``/``on_response`` hooks, each given its small record
    (no query string, secrets cut out)."""

    def __init__(self, hooks: Hooks, redactor: Redactor) -> None:
        self._hooks = hooks
        self._redactor = redactor

    async def started(self, exchange: Exchange, attempt: int) -> None:
        if self._hooks.on_request:
            await self._hooks.request(RequestEvent(exchange.method, path_of(exchange.url), attempt))

    async def ended(self, ended: Ended) -> None:
        if not self._hooks.on_response:
            return
        outcome, error = ended.outcome, ended.error
        status = outcome.status if isinstance(outcome, Response) else None
        if isinstance(error, errors.APIStatusError):
            request_id = error.request_id  # already redacted
        elif error is None and isinstance(outcome, Response):
            request_id = request_id_of(outcome.headers, self._redactor.forms(ended.redact))
        else:
            request_id = None
        error_name = None if error is None else type(error).__name__
        method, path = ended.exchange.method, path_of(ended.exchange.url)
        event = ResponseEvent(
            method, path, ended.attempt, status, ended.elapsed, request_id, error_name
        )
        await self._hooks.response(event)


_DEBUG_LINE = DebugLine()


def observers_for(hooks: Hooks, redactor: Redactor, *, debug: bool) -> tuple[Observer, ...]:
    """The observers that are on: the DEBUG line when ``debug``, the hooks when any is
    set; an empty tuple when nothing watches."""
    on: list[Observer] = [_DEBUG_LINE] if debug else []
    if hooks.on_request or hooks.on_response:
        on.append(HookCalls(hooks, redactor))
    return tuple(on)
