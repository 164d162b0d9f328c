"""The retry policy as pure functions: whether to retry, and how long to wait first."""

from __future__ import annotations

import datetime
import email.utils
import random
from collections.abc import Callable

__all__ = [
    "RETRYABLE_STATUSES",
    "backoff_delay",
    "overload_delay",
    "parse_retry_after",
    "should_retry",
]

#: Statuses worth another try: timeouts, conflicts, throttling and gateway failures.
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0


def should_retry(
    method: str,
    status: int | None,
    *,
    attempt: int,
    max_retries: int,
    retry_non_idempotent: bool = False,
) -> bool:
    """Whether attempt number ``attempt`` (1-based) that failed deserves another try.

    ``status`` is None when no response came (connection error or timeout).
    """
    if attempt > max_retries:
        return False
    if method.upper() not in _IDEMPOTENT and not retry_non_idempotent:
        return False
    return status is None or status in RETRYABLE_STATUSES


def overload_delay(overloads: int, *, rng: Callable[[], float] = random.random) -> float:
    """The short pause before resending after the ``overloads``-th "too many at once" 429
    (the overload limit, not the pause, is what relieves the server), with jitter."""
    base: float = 0.025 * 2.0 ** min(overloads - 1, 10)
    return min(base, 0.5) * (0.5 + rng() / 2)


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            if when.tzinfo is None:  # asctime dates carry no zone; HTTP dates are UTC
                when = when.replace(tzinfo=datetime.UTC)
            seconds = when.timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):  # fields out of range
            return None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)


def backoff_delay(
    attempt: int,
    *,
    retry_after: float | None = None,
    base: float = BACKOFF_BASE,
    cap: float = BACKOFF_CAP,
    rng: Callable[[], float] = random.random,
) -> float:
    """Delay before retrying after failed attempt ``attempt`` (1-based).

    The server's ``retry_after`` wins when given; otherwise exponential backoff from
    ``base`` capped at ``cap``, scaled by a random factor in [0.5, 1) so that many
    clients failing together do not retry together.
    """
    if retry_after is not None:
        return retry_after
    exponential: float = min(cap, base * 2.0 ** min(attempt - 1, 64))
    return exponential * (0.5 + 0.5 * rng())
