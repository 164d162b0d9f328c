"""The retry policy as pure functions: whether to retry, and how long to wait first.

``next_step`` is the one decision the request loop asks after a failed attempt; it
needs no network, so every rule (backoff, Retry-After and its cap, overload pauses,
the lost DELETE answer, what retrying cannot help) is tested on plain values.
"""

from __future__ import annotations

import datetime
import email.utils
import enum
import random
from collections.abc import Callable

import attrs

__all__ = [
    "MAX_OVERLOAD_RETRIES",
    "RETRYABLE_STATUSES",
    "Failure",
    "Retry",
    "RetryPolicy",
    "Stop",
    "Tries",
    "backoff_delay",
    "is_retryable",
    "next_step",
    "outcome_unknown",
    "overload_delay",
    "parse_retry_after",
    "should_retry",
]

#: Statuses worth another try: timeouts, conflicts, throttling and gateway failures.
RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_READS = frozenset({"GET", "HEAD", "OPTIONS"})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
#: A 429 without Retry-After is the server saying "fewer at once": the overload limit
#: adapts, and such retries do not count against max_retries, up to this many per call.
MAX_OVERLOAD_RETRIES = 8


def is_retryable(
    method: str,
    status: int | None,
    *,
    answer_lost: bool = True,
    retry_non_idempotent: bool = False,
) -> bool:
    """Whether a failure of this kind deserves another try at all, attempts aside: a
    POST only with the caller's consent, or when it provably never left (no answer, and
    none lost)."""
    if method.upper() not in _IDEMPOTENT and not retry_non_idempotent:
        return status is None and not answer_lost
    return status is None or status in RETRYABLE_STATUSES


def should_retry(
    method: str,
    status: int | None,
    *,
    attempt: int,
    max_retries: int,
    retry_non_idempotent: bool = False,
    answer_lost: bool = True,
) -> bool:
    """Whether attempt number ``attempt`` (1-based) that failed deserves another try.

    ``status`` is None when no response came (connection error or timeout);
    ``answer_lost`` then unless the request provably never left.
    """
    if attempt > max_retries:
        return False
    return is_retryable(
        method, status, answer_lost=answer_lost, retry_non_idempotent=retry_non_idempotent
    )


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


@attrs.frozen
class RetryPolicy:
    """The client's retry options."""

    max_retries: int
    retry_after_cap: float = float("inf")
    retry_non_idempotent: bool = False


@attrs.frozen
class Failure:
    """What the decision needs to know of a failed attempt.

    ``status`` is None when no answer came; ``answer_lost`` then when the request may
    have left (and been applied), False when it provably never did; ``hopeless`` when
    retrying cannot help (body over the size cap, TLS); ``stale`` when the request was
    not sent because its pooled connection held an answer to no request (a fresh
    connection is the cure, so it is resent at once).
    """

    status: int | None
    retry_after: float | None = None
    overloaded: bool = False
    answer_lost: bool = False
    hopeless: bool = False
    stale: bool = False


@attrs.frozen
class Tries:
    """One call's count so far: attempts made, those charged to ``max_retries``,
    overload retries (not charged), and whether an answer was lost on any attempt."""

    attempts: int = 0
    charged: int = 0
    overloads: int = 0
    answer_lost: bool = False

    def begin(self) -> Tries:
        """The count with one more attempt under way."""
        return Tries(self.attempts + 1, self.charged + 1, self.overloads, self.answer_lost)


class Stop(enum.Enum):
    """Why no further attempt is made."""

    GIVE_UP = "give up"  # not retryable, retries used up, or a wait over the cap
    OUTCOME_UNKNOWN = "outcome unknown"  # a write's lost answer cannot be settled


@attrs.frozen
class Retry:
    """Wait ``delay`` seconds, then try again with the count ``tries``."""

    delay: float
    tries: Tries


def outcome_unknown(method: str, failure: Failure, tries: Tries) -> bool:
    """Whether a failed write may have been applied with no way to tell: an answer to it
    was lost (on this attempt, or an earlier one) and the last attempt settles nothing:
    no answer, a 429 or 5xx, or a DELETE's 404 (probably deleted by the lost attempt)."""
    if method.upper() in _READS:
        return False
    if failure.answer_lost:
        return True
    if not tries.answer_lost:
        return False
    status = failure.status
    if status is None or status == 429 or status >= 500:
        return True
    return method.upper() == "DELETE" and status == 404


def next_step(
    method: str,
    failure: Failure,
    tries: Tries,
    policy: RetryPolicy,
    *,
    time_left: float | None = None,
    rng: Callable[[], float] = random.random,
) -> Retry | Stop:
    """What to do after the failed attempt ``tries.attempts``: retry after a delay, or
    stop. With ``time_left`` (seconds to the call's deadline), a pause that would end
    past it is not taken."""
    step = _next_step(method, failure, tries, policy, rng)
    if isinstance(step, Retry) and time_left is not None and step.delay >= time_left:
        return Stop.GIVE_UP
    if step is Stop.GIVE_UP and outcome_unknown(method, failure, tries):
        return Stop.OUTCOME_UNKNOWN
    return step


def _next_step(
    method: str, failure: Failure, tries: Tries, policy: RetryPolicy, rng: Callable[[], float]
) -> Retry | Stop:
    if method == "DELETE" and tries.answer_lost and failure.status == 404:
        return Stop.GIVE_UP  # the lost attempt probably deleted it: resending settles nothing
    if failure.hopeless:
        return Stop.GIVE_UP
    tries = attrs.evolve(tries, answer_lost=tries.answer_lost or failure.answer_lost)
    retryable = is_retryable(
        method,
        failure.status,
        answer_lost=failure.answer_lost,
        retry_non_idempotent=policy.retry_non_idempotent,
    )
    # max_retries=0 still means one attempt, overload or not
    overload_room = policy.max_retries > 0 and tries.overloads < MAX_OVERLOAD_RETRIES
    if failure.overloaded and overload_room and retryable:
        tries = attrs.evolve(tries, overloads=tries.overloads + 1, charged=tries.charged - 1)
        return Retry(overload_delay(tries.overloads, rng=rng), tries)
    if not should_retry(
        method,
        failure.status,
        attempt=tries.charged,
        max_retries=policy.max_retries,
        retry_non_idempotent=policy.retry_non_idempotent,
        answer_lost=failure.answer_lost,
    ):
        return Stop.GIVE_UP
    if failure.retry_after is not None and failure.retry_after > policy.retry_after_cap:
        return Stop.GIVE_UP
    if failure.stale:
        return Retry(0.0, tries)
    return Retry(backoff_delay(tries.charged, retry_after=failure.retry_after, rng=rng), tries)
