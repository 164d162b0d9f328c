"""Plain helpers for the cattrs path's tests: a valid record, and a record as the SDK
gives it back."""

from __future__ import annotations

from typing import Any

from virtnum.models import VIRTUAL_NUMBER_FIELDS


def with_all_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the SDK gives it back: every documented field present, missing ones None."""
    return {**dict.fromkeys(VIRTUAL_NUMBER_FIELDS), **record}


def good_record(i: int) -> dict[str, Any]:
    """A valid record with id ``i``: a mobile number, type def, state active."""
    return {"id": i, "number": f"7920{i:07d}", "type": "def", "state": "active"}
