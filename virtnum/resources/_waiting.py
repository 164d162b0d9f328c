"""``wait_for_state``: poll one number until it reaches a state, bounded in time."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from virtnum._errors import WaitTimeoutError
from virtnum._validate import wrong_type
from virtnum.models import State, VirtualNumber

__all__ = ["check_seconds", "check_states", "poll_state"]

_DECLARED = {member.value: member for member in State.__members__.values()}


def check_seconds(value: Any, name: str) -> float:
    """A positive, finite number of seconds (not a bool)."""
    if type(value) not in (int, float):
        raise wrong_type(name, "a number of seconds", value)
    if not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive finite number of seconds, got {value}")
    return float(value)


def _state(value: Any) -> State:
    if isinstance(value, State):
        return value  # even one learned from the server: the caller saw it there
    if not isinstance(value, str):
        raise wrong_type("state", "a State or its string", value)
    member = _DECLARED.get(value)
    if member is None:
        raise ValueError(f"state must be one of {', '.join(_DECLARED)}, got {value[:40]!r}")
    return member


def check_states(value: Any) -> frozenset[State]:
    """A State, its string, or a collection of them -> the set of states to wait for."""
    if isinstance(value, str):
        return frozenset({_state(value)})
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise wrong_type("state", "a State, its string, or a collection of them", value)
    states = frozenset(_state(item) for item in value)
    if not states:
        raise ValueError("state: give at least one state to wait for")
    return states


async def poll_state(
    get: Callable[[int], Awaitable[VirtualNumber]],
    number_id: int,
    wanted: frozenset[State],
    limit: float,
    interval: float,
) -> VirtualNumber:
    """``get(number_id)`` every ``interval`` seconds until its state is in ``wanted``; the
    whole wait, requests included, ends after ``limit`` seconds with WaitTimeoutError."""
    last: VirtualNumber | None = None
    deadline = asyncio.timeout(limit)
    try:
        async with deadline:
            while True:
                last = await get(number_id)
                if last.state in wanted:
                    return last
                await asyncio.sleep(interval)
    except TimeoutError:
        if not deadline.expired():
            raise
    names = " or ".join(sorted(state.value for state in wanted))
    seen = f"last seen in state {_value(last.state)}" if last else "no answer came back"
    raise WaitTimeoutError(
        f"number {number_id} did not reach state {names} within {limit:g} s ({seen})",
        last=last,
    )


def _value(state: State | None) -> str:
    return "null" if state is None else state.value
