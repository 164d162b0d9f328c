"""The retry policy as pure functions: no network, no event loop."""

from __future__ import annotations

import itertools
import math

import pytest

from virtnum._http.retry import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    RETRYABLE_STATUSES,
    Failure,
    Retry,
    RetryPolicy,
    Tries,
    backoff_delay,
    next_step,
)

RETRYABLE = [None, 408, 409, 429, 500, 502, 503, 504]
NOT_RETRYABLE = [200, 204, 301, 302, 400, 401, 403, 404, 405, 410, 422, 501]
IDEMPOTENT = ["GET", "PUT", "DELETE", "HEAD", "OPTIONS", "get", "Put", "delete"]
NON_IDEMPOTENT = ["POST", "PATCH", "post"]

LOW = lambda: 0.0  # noqa: E731 - the smallest jitter factor, 0.5
HIGH = lambda: 0.999999  # noqa: E731 - just under the largest jitter factor, 1.0


def retries(
    method: str,
    status: int | None,
    *,
    attempt: int,
    max_retries: int,
    retry_non_idempotent: bool = False,
) -> bool:
    """Whether ``next_step`` retries after failed attempt ``attempt`` (1-based), all of
    them charged; no status: no answer came, and it may have been lost."""
    failure = Failure(status, answer_lost=status is None)
    policy = RetryPolicy(max_retries, retry_non_idempotent=retry_non_idempotent)
    step = next_step(method, failure, Tries(attempt, attempt), policy, rng=LOW)
    return isinstance(step, Retry)


# ---------------------------------------------------------------- whether to retry


def test_retryable_statuses_constant() -> None:
    assert frozenset({408, 409, 429, 500, 502, 503, 504}) == RETRYABLE_STATUSES


@pytest.mark.parametrize(("method", "status"), list(itertools.product(IDEMPOTENT, RETRYABLE)))
def test_idempotent_methods_retry_retryable_outcomes(method: str, status: int | None) -> None:
    assert retries(method, status, attempt=1, max_retries=2) is True


@pytest.mark.parametrize(("method", "status"), list(itertools.product(IDEMPOTENT, NOT_RETRYABLE)))
def test_idempotent_methods_do_not_retry_other_statuses(method: str, status: int) -> None:
    assert retries(method, status, attempt=1, max_retries=2) is False


@pytest.mark.parametrize(("method", "status"), list(itertools.product(NON_IDEMPOTENT, RETRYABLE)))
def test_post_is_never_retried_by_default(method: str, status: int | None) -> None:
    assert retries(method, status, attempt=1, max_retries=5) is False
    assert retries(method, status, attempt=1, max_retries=5, retry_non_idempotent=False) is False


@pytest.mark.parametrize(("method", "status"), list(itertools.product(NON_IDEMPOTENT, RETRYABLE)))
def test_post_is_retried_when_opted_in(method: str, status: int | None) -> None:
    assert retries(method, status, attempt=1, max_retries=2, retry_non_idempotent=True) is True


@pytest.mark.parametrize(
    ("method", "status"), list(itertools.product(NON_IDEMPOTENT, [400, 401, 403, 404, 422]))
)
def test_post_opt_in_still_skips_client_errors(method: str, status: int) -> None:
    assert retries(method, status, attempt=1, max_retries=2, retry_non_idempotent=True) is False


@pytest.mark.parametrize(
    ("attempt", "max_retries", "expected"),
    [
        (1, 1, True),
        (1, 2, True),
        (2, 2, True),
        (3, 2, False),
        (4, 2, False),
        (2, 1, False),
        (5, 5, True),
        (6, 5, False),
        (100, 3, False),
    ],
)
@pytest.mark.parametrize("status", [None, 503, 429])
def test_stops_once_attempt_exceeds_max_retries(
    attempt: int, max_retries: int, expected: bool, status: int | None
) -> None:
    assert retries("GET", status, attempt=attempt, max_retries=max_retries) is expected


@pytest.mark.parametrize(
    ("method", "status", "opt_in"),
    [
        (method, status, opt_in)
        for method in ["GET", "PUT", "DELETE", "POST"]
        for status in RETRYABLE
        for opt_in in (False, True)
    ],
)
@pytest.mark.parametrize("attempt", [1, 2, 10])
def test_max_retries_zero_never_retries(
    method: str, status: int | None, opt_in: bool, attempt: int
) -> None:
    assert (
        retries(method, status, attempt=attempt, max_retries=0, retry_non_idempotent=opt_in)
        is False
    )


def test_total_attempts_is_max_retries_plus_one() -> None:
    for max_retries in range(6):
        tries, policy = Tries(1, 1), RetryPolicy(max_retries)
        while isinstance(step := next_step("GET", Failure(503), tries, policy, rng=LOW), Retry):
            tries = step.tries.begin()
        assert tries.attempts == max_retries + 1


# ---------------------------------------------------------------- backoff_delay


def test_backoff_constants() -> None:
    assert BACKOFF_BASE == 0.5
    assert BACKOFF_CAP == 8.0


@pytest.mark.parametrize(
    ("attempt", "expected_low"),
    [(1, 0.25), (2, 0.5), (3, 1.0), (4, 2.0), (5, 4.0), (6, 4.0), (7, 4.0), (20, 4.0)],
)
def test_backoff_with_smallest_jitter(attempt: int, expected_low: float) -> None:
    assert backoff_delay(attempt, rng=LOW) == pytest.approx(expected_low)


@pytest.mark.parametrize("attempt", range(1, 25))
@pytest.mark.parametrize("rng", [LOW, HIGH, lambda: 0.5], ids=["low", "high", "mid"])
def test_backoff_within_jitter_bounds(attempt: int, rng: object) -> None:
    exponential = min(8.0, 0.5 * 2 ** (attempt - 1))
    delay = backoff_delay(attempt, rng=rng)  # type: ignore[arg-type]
    assert exponential * 0.5 <= delay < exponential


@pytest.mark.parametrize("rng", [LOW, HIGH], ids=["low", "high"])
def test_first_attempt_in_quarter_to_half_second(rng: object) -> None:
    delay = backoff_delay(1, rng=rng)  # type: ignore[arg-type]
    assert 0.25 <= delay < 0.5


@pytest.mark.parametrize("rng", [LOW, HIGH], ids=["low", "high"])
@pytest.mark.parametrize("attempt", [1, 2, 3, 4])
def test_backoff_doubles_until_cap(rng: object, attempt: int) -> None:
    first = backoff_delay(attempt, rng=rng)  # type: ignore[arg-type]
    second = backoff_delay(attempt + 1, rng=rng)  # type: ignore[arg-type]
    assert second == pytest.approx(2 * first)


@pytest.mark.parametrize(("rng", "factor"), [(LOW, 0.5), (HIGH, 0.5 + 0.5 * 0.999999)])
@pytest.mark.parametrize("attempt", [5, 6, 8, 16, 64, 512, 1024])
def test_backoff_is_capped_at_8s_times_jitter(rng: object, factor: float, attempt: int) -> None:
    delay = backoff_delay(attempt, rng=rng)  # type: ignore[arg-type]
    assert delay == pytest.approx(8.0 * factor)
    assert delay < 8.0


@pytest.mark.parametrize("attempt", [1100, 2000, 10_000])
def test_backoff_delay_huge_attempt_stays_capped(attempt: int) -> None:
    """A client with a very large max_retries reaches these attempt numbers; the delay
    must stay at the cap instead of the power overflowing."""
    assert backoff_delay(attempt, rng=LOW) == pytest.approx(4.0)


def test_backoff_custom_base_and_cap() -> None:
    assert backoff_delay(1, base=1.0, cap=3.0, rng=LOW) == pytest.approx(0.5)
    assert backoff_delay(2, base=1.0, cap=3.0, rng=LOW) == pytest.approx(1.0)
    assert backoff_delay(3, base=1.0, cap=3.0, rng=LOW) == pytest.approx(1.5)
    assert backoff_delay(9, base=1.0, cap=3.0, rng=LOW) == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("attempt", "retry_after"),
    [(1, 7.0), (1, 0.0), (3, 0.25), (10, 42.0), (1, 60.0), (50, 1.5)],
)
@pytest.mark.parametrize("rng", [LOW, HIGH], ids=["low", "high"])
def test_retry_after_overrides_backoff(attempt: int, retry_after: float, rng: object) -> None:
    assert backoff_delay(attempt, retry_after=retry_after, rng=rng) == retry_after  # type: ignore[arg-type]


def test_retry_after_does_not_consume_randomness() -> None:
    calls: list[None] = []

    def rng() -> float:
        calls.append(None)
        return 0.0

    backoff_delay(2, retry_after=3.0, rng=rng)
    assert calls == []
    backoff_delay(2, rng=rng)
    assert len(calls) == 1


@pytest.mark.parametrize("attempt", range(1, 10))
def test_default_rng_stays_in_bounds(attempt: int) -> None:
    exponential = min(8.0, 0.5 * 2 ** (attempt - 1))
    delays = [backoff_delay(attempt) for _ in range(200)]
    assert all(exponential * 0.5 <= d < exponential for d in delays)
    assert all(math.isfinite(d) for d in delays)
    assert len(set(delays)) > 1  # jittered, not constant
