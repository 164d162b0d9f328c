"""``failure_of``: what the retry decision reads from the error an attempt ended in."""

from __future__ import annotations

import pytest

from virtnum import _errors as errors
from virtnum._http.failures import STALE_CONNECTION, TLS_FAILURE
from virtnum._http.retry import Failure, failure_of

URL = "https://api.example.test/numbers"


def connection(reason: str = "connection reset", *, sent: bool = True) -> errors.APIError:
    return errors.APIConnectionError("x", method="GET", url=URL, reason=reason, request_sent=sent)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (connection(), Failure(None, answer_lost=True)),
        (connection(sent=False), Failure(None)),
        (errors.APITimeoutError("x", method="GET", url=URL), Failure(None, answer_lost=True)),
        (connection(TLS_FAILURE, sent=False), Failure(None, hopeless=True)),
        (connection(STALE_CONNECTION, sent=False), Failure(None, stale=True)),
        (
            errors.ResponseTooLargeError("x", method="GET", url=URL, limit=1),
            Failure(None, hopeless=True),
        ),
        (errors.ResponseValidationError("x", method="GET", url=URL), Failure(None, hopeless=True)),
        (
            errors.InternalServerError("x", status=503, method="GET", url=URL, retry_after=2.0),
            Failure(503, retry_after=2.0),
        ),
    ],
    ids=["lost", "never-sent", "timeout", "tls", "stale", "too-large", "undecodable", "status"],
)
def test_what_an_error_tells_the_decision(error: errors.APIError, expected: Failure) -> None:
    assert failure_of(error) == expected


def test_what_the_attempt_adds_is_carried() -> None:
    error = errors.RateLimitError("x", status=429, method="GET", url=URL)
    assert failure_of(error, overloaded=True, answered=True) == Failure(
        429, overloaded=True, answered=True
    )
