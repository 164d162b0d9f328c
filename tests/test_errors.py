"""Errors cross process boundaries: pickle and copy keep type, message and fields."""

from __future__ import annotations

import copy
import pickle

import pytest

from virtnum import (
    APIConnectionError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    VirtualNumber,
    WaitTimeoutError,
)

from ._support import TOKEN


def _errors() -> list[Exception]:
    not_found = NotFoundError(
        "GET /numbers/virtual-number/5 failed with status 404",
        status=404,
        method="GET",
        url="https://api.example/numbers/virtual-number/5",
        body='{"error": "[redacted]"}',
        request_id="req-1",
    )
    not_found.attempts = 3
    limited = RateLimitError("slow down", status=429, method="GET", url="u", retry_after=2.5)
    invalid = ResponseValidationError("bad", errors=[("$[0].id", "x")], partial=[VirtualNumber(1)])
    lost = APIConnectionError("lost", reason="connection reset", detail="ClientOSError: reset")
    return [not_found, limited, invalid, lost, WaitTimeoutError("waited", last=VirtualNumber(2))]


@pytest.mark.parametrize(
    "copier", [lambda e: pickle.loads(pickle.dumps(e)), copy.copy, copy.deepcopy]
)
def test_errors_survive_pickle_and_copy(copier: object) -> None:
    for error in _errors():
        again = copier(error)  # type: ignore[operator]
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert vars(again) == vars(error)
        assert TOKEN.encode() not in pickle.dumps(error)


def test_an_errors_texts_never_show_a_urls_password() -> None:
    lost = APIConnectionError(
        "GET /x: via http://user:pw-Q7@proxy:3128",
        url="https://api.example/x",
        detail="ClientHttpProxyError: 407, url='http://user:pw-Q7@proxy:3128'",
    )
    refused = NotFoundError(
        "GET /x failed", status=404, method="GET", url="u", body="see https://a:pw-Q7@b/"
    )
    for error in (lost, refused):
        for shown in (str(error), repr(error), repr(vars(error)), repr(pickle.dumps(error))):
            assert "pw-Q7" not in shown
    assert "http://user:***@proxy:3128" in lost.detail
