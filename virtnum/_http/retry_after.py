"""The ``Retry-After`` header read as seconds to wait (RFC 9110, section 10.2.3)."""

from __future__ import annotations

import datetime
import email.utils

__all__ = ["parse_retry_after"]


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
