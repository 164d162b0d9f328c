"""Request hooks: ``on_request``/``on_response`` callables, called once per attempt.

Each gets a small frozen record (no query string, which may hold personal data; no
token, no body). Sync or async; a hook that raises is logged and never breaks the call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from virtnum._errors import InvalidArgumentTypeError
from virtnum._logs import logger

__all__ = ["Hooks", "RequestEvent", "ResponseEvent", "check_hooks"]


@attrs.frozen
class RequestEvent:
    """An attempt about to be sent."""

    method: str
    path: str
    attempt: int


@attrs.frozen
class ResponseEvent:
    """An attempt that ended: ``status`` is None when no response came (``error`` says
    which error class it became, None on success)."""

    method: str
    path: str
    attempt: int
    status: int | None
    elapsed: float
    request_id: str | None
    error: str | None = None


Hook = Callable[[Any], Any]


def check_hooks(value: Any, name: str) -> tuple[Hook, ...]:
    """None, a callable, or a list of them -> a tuple of callables."""
    if value is None:
        return ()
    hooks = (value,) if callable(value) else value
    if not isinstance(hooks, Sequence) or not all(callable(hook) for hook in hooks):
        raise InvalidArgumentTypeError(f"{name} must be a callable or a list of callables")
    return tuple(hooks)


@attrs.frozen
class Hooks:
    """The hooks of one client (empty tuples: nothing is built or called)."""

    on_request: tuple[Hook, ...] = ()
    on_response: tuple[Hook, ...] = ()

    async def request(self, event: RequestEvent) -> None:
        await _call_all(self.on_request, event)

    async def response(self, event: ResponseEvent) -> None:
        await _call_all(self.on_response, event)


async def _call_all(hooks: tuple[Hook, ...], event: object) -> None:
    for hook in hooks:
        try:
            result = hook(event)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:  # a hook must never break the call it observes
            logger.warning("virtnum hook %r raised %s; ignored", hook, type(exc).__name__)
