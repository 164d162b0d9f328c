"""``parse_retry_after``: the header read as seconds, on plain values."""

from __future__ import annotations

import calendar

import pytest

from virtnum._http.retry_after import parse_retry_after

# 2015-10-21 07:28:00 UTC, the instant of the HTTP dates used below.
DATE_INSTANT = float(calendar.timegm((2015, 10, 21, 7, 28, 0, 0, 0, 0)))
IMF_DATE = "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("120", 120.0),
        (" 7 ", 7.0),
        ("-1", 0.0),
        ("-0.5", 0.0),
        ("-100000", 0.0),
    ],
)
def test_parse_retry_after_seconds(value: str, expected: float) -> None:
    result = parse_retry_after(value, now=DATE_INSTANT)
    assert isinstance(result, float)
    assert result == expected


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        (IMF_DATE, DATE_INSTANT - 10, 10.0),
        (IMF_DATE, DATE_INSTANT - 3600, 3600.0),
        (IMF_DATE, DATE_INSTANT - 0.5, 0.5),
        (IMF_DATE, DATE_INSTANT, 0.0),
        ("Wed, 21 Oct 2015 10:28:00 +0300", DATE_INSTANT - 30, 30.0),
        ("Wednesday, 21-Oct-15 07:28:00 GMT", DATE_INSTANT - 5, 5.0),  # RFC 850
    ],
)
def test_parse_retry_after_http_date_in_the_future(value: str, now: float, expected: float) -> None:
    result = parse_retry_after(value, now=now)
    assert result is not None
    assert result == pytest.approx(expected)


@pytest.mark.parametrize("delta", [1, 10, 86400 * 365])
def test_parse_retry_after_http_date_in_the_past_is_zero(delta: int) -> None:
    assert parse_retry_after(IMF_DATE, now=DATE_INSTANT + delta) == 0.0


def test_parse_retry_after_accepts_asctime_date() -> None:
    """RFC 9110 section 5.6.7: a recipient MUST accept all three HTTP-date formats,
    including asctime (which carries no zone and means UTC)."""
    result = parse_retry_after("Wed Oct 21 07:28:00 2015", now=DATE_INSTANT - 10)
    assert result == pytest.approx(10.0)


@pytest.mark.parametrize(
    "value",
    [
        "soon",
        "abc",
        "3 seconds",
        "3s",
        "1,5",
        "Wed, 99 Foo 2015 07:28:00 GMT",
        "Wed, 21 Oct",
        "tomorrow at noon",
        "--1",
        "0x10",
    ],
)
def test_parse_retry_after_garbage_is_none(value: str) -> None:
    assert parse_retry_after(value, now=DATE_INSTANT) is None


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_retry_after_empty_is_none(value: str | None) -> None:
    assert parse_retry_after(value, now=DATE_INSTANT) is None


@pytest.mark.parametrize(
    "value", ["inf", "-inf", "Infinity", "INF", "nan", "NaN", "-nan", "1e999", "-1e999"]
)
def test_parse_retry_after_non_finite_is_none(value: str) -> None:
    assert parse_retry_after(value, now=DATE_INSTANT) is None
