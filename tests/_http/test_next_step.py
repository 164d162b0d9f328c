"""``next_step``: the request loop's one decision, on plain values (no network, no loop)."""

from __future__ import annotations

import pytest

from virtnum._http.retry import (
    MAX_OVERLOAD_RETRIES,
    Failure,
    Retry,
    RetryPolicy,
    Stop,
    Tries,
    lost_write,
    next_step,
)

LOW = lambda: 0.0  # noqa: E731 - the smallest jitter factor, 0.5
POLICY = RetryPolicy(max_retries=2, retry_after_cap=60.0)


def after(
    attempts: int, *, charged: int | None = None, overloads: int = 0, answer_lost: bool = False
) -> Tries:
    """The count once attempt ``attempts`` has been made (all of them charged by default)."""
    charged = attempts if charged is None else charged
    return Tries(attempts, charged, overloads, answer_lost)


def test_a_retryable_status_waits_the_backoff() -> None:
    step = next_step("GET", Failure(503), after(1), POLICY, rng=LOW)
    assert step == Retry(0.25, after(1))


def test_the_backoff_grows_with_the_charged_attempts() -> None:
    step = next_step("GET", Failure(503), after(2), POLICY, rng=LOW)
    assert isinstance(step, Retry)
    assert step.delay == 0.5


def test_retries_used_up_stop() -> None:
    assert next_step("GET", Failure(503), after(3), POLICY) is Stop.GIVE_UP


def test_a_client_error_stops_at_once() -> None:
    assert next_step("GET", Failure(404), after(1), POLICY) is Stop.GIVE_UP


def test_retry_after_is_the_delay() -> None:
    step = next_step("GET", Failure(429, retry_after=7.0), after(1), POLICY, rng=LOW)
    assert isinstance(step, Retry)
    assert step.delay == 7.0


def test_retry_after_over_the_cap_stops() -> None:
    assert next_step("GET", Failure(503, retry_after=61.0), after(1), POLICY) is Stop.GIVE_UP


def test_a_post_whose_answer_was_lost_is_an_unknown_outcome() -> None:
    lost = Failure(None, answer_lost=True)
    assert next_step("POST", lost, after(1), POLICY) is Stop.OUTCOME_UNKNOWN


def test_a_post_whose_answer_was_lost_is_resent_only_when_opted_in() -> None:
    opted_in = RetryPolicy(max_retries=2, retry_non_idempotent=True)
    lost = Failure(None, answer_lost=True)
    assert isinstance(next_step("POST", lost, after(1), opted_in), Retry)
    assert next_step("POST", lost, after(3), opted_in) is Stop.OUTCOME_UNKNOWN


def test_a_post_that_provably_never_left_is_resent() -> None:
    never_left = Failure(None, answer_lost=False)
    assert isinstance(next_step("POST", never_left, after(1), POLICY), Retry)


def test_a_post_refused_by_the_server_is_not_resent() -> None:
    assert next_step("POST", Failure(503), after(1), POLICY) is Stop.GIVE_UP


def test_a_pause_past_the_deadline_is_not_taken() -> None:
    failure = Failure(503, retry_after=2.0)
    assert next_step("GET", failure, after(1), POLICY, time_left=1.5) is Stop.GIVE_UP
    step = next_step("GET", failure, after(1), POLICY, time_left=2.5)
    assert isinstance(step, Retry)
    assert step.delay == 2.0


def test_no_time_left_means_no_retry_at_all() -> None:
    failure = Failure(None, answer_lost=True)
    assert next_step("GET", failure, after(1), POLICY, time_left=0.0) is Stop.GIVE_UP


@pytest.mark.parametrize("failure", [Failure(None, hopeless=True), Failure(500, hopeless=True)])
def test_what_retrying_cannot_help_stops(failure: Failure) -> None:
    assert next_step("GET", failure, after(1), POLICY) is Stop.GIVE_UP


def test_an_overload_is_a_short_pause_not_charged() -> None:
    step = next_step("GET", Failure(429, overloaded=True), after(3), POLICY, rng=LOW)
    assert isinstance(step, Retry)
    assert step.delay == pytest.approx(0.0125)
    assert step.tries == Tries(attempts=3, charged=2, overloads=1)


def test_overload_pauses_are_bounded() -> None:
    tries = after(9, charged=1, overloads=MAX_OVERLOAD_RETRIES)
    step = next_step("GET", Failure(429, overloaded=True), tries, POLICY)
    assert isinstance(step, Retry)
    assert step.tries.charged == 1  # charged as a plain retry now
    assert step.tries.overloads == MAX_OVERLOAD_RETRIES


def test_max_retries_zero_means_one_attempt_even_when_overloaded() -> None:
    once = RetryPolicy(max_retries=0)
    assert next_step("GET", Failure(429, overloaded=True), after(1), once) is Stop.GIVE_UP


def test_a_lost_answer_is_remembered_for_the_next_attempt() -> None:
    step = next_step("DELETE", Failure(None, answer_lost=True), after(1), POLICY)
    assert isinstance(step, Retry)
    assert step.tries.answer_lost is True


def test_a_delete_resent_after_a_lost_answer_that_finds_nothing_is_unknown() -> None:
    tries = after(2, answer_lost=True)
    assert next_step("DELETE", Failure(404), tries, POLICY) is Stop.OUTCOME_UNKNOWN


def test_a_404_without_a_lost_answer_before_is_a_plain_stop() -> None:
    assert next_step("DELETE", Failure(404), after(2), POLICY) is Stop.GIVE_UP


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_request_not_sent_for_a_stale_connection_is_resent_at_once(method: str) -> None:
    stale = Failure(None, stale=True)
    assert next_step(method, stale, after(1), POLICY) == Retry(0.0, after(1))
    assert next_step(method, stale, after(1), RetryPolicy(max_retries=0)) is Stop.GIVE_UP


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
@pytest.mark.parametrize("last", [Failure(503), Failure(429), Failure(None, answer_lost=True)])
def test_a_resent_write_that_ends_unsettled_after_a_lost_answer_is_unknown(
    method: str, last: Failure
) -> None:
    assert next_step(method, last, after(3, answer_lost=True), POLICY) is Stop.OUTCOME_UNKNOWN


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_a_write_whose_only_answer_was_lost_is_unknown(method: str) -> None:
    policy = RetryPolicy(max_retries=0, retry_after_cap=60.0)
    assert next_step(method, Failure(None, answer_lost=True), after(1), policy) is (
        Stop.OUTCOME_UNKNOWN
    )


def test_a_lost_answer_stays_remembered_past_an_answered_attempt() -> None:
    step = next_step("PUT", Failure(503), after(2, answer_lost=True), POLICY)
    assert isinstance(step, Retry)
    assert step.tries.answer_lost is True


def test_a_resent_put_refused_as_bad_is_a_plain_stop() -> None:
    assert next_step("PUT", Failure(400), after(2, answer_lost=True), POLICY) is Stop.GIVE_UP


def test_a_read_is_never_unknown() -> None:
    tries = after(3, answer_lost=True)
    assert next_step("GET", Failure(None, answer_lost=True), tries, POLICY) is Stop.GIVE_UP


@pytest.mark.parametrize("failure", [Failure(503, answered=True), Failure(None, answered=True)])
def test_a_write_answered_by_a_303_is_never_resent(failure: Failure) -> None:
    opted_in = RetryPolicy(max_retries=2, retry_non_idempotent=True)
    assert next_step("POST", failure, after(1), opted_in) is Stop.GIVE_UP


def test_a_lost_answer_after_a_writes_303_is_not_an_unknown_outcome() -> None:
    lost = Failure(None, answer_lost=True, answered=True)
    assert next_step("POST", lost, after(1), POLICY) is Stop.GIVE_UP


@pytest.mark.parametrize(
    ("method", "lost", "expected"),
    [
        ("PUT", True, True),
        ("delete", True, True),
        ("POST", True, True),
        ("GET", True, False),
        ("HEAD", True, False),
        ("PUT", False, False),
    ],
)
def test_a_lost_answer_marks_only_a_writes_later_answer(
    method: str, lost: bool, expected: bool
) -> None:
    assert lost_write(method, after(2, answer_lost=lost)) is expected
