"""The cattrs path: JSON values -> models, naming every bad value's JSON path.

A body the fast path cannot vouch for comes here; a record that fails is re-run with
its codec's detailed structuring to name each problem, and the good records are kept.
"""

from __future__ import annotations

from typing import Any, TypeVar

from cattrs.v import transform_error

from virtnum._decode.converter import CODECS, describe, format_problem
from virtnum._decode.gc import paused_gc
from virtnum._errors import ResponseValidationError

__all__ = ["structure_list", "structure_one"]

T = TypeVar("T")
_LARGE_LIST = 2_000


def _problems(cls: type[Any], data: Any, path: str) -> list[tuple[str, str]]:
    """Re-run the detailed structuring of one record and return (path, problem) pairs."""
    if type(data) is not dict:
        return [(path, f"expected an object, got {describe(data)}")]
    try:
        CODECS[cls].detailed(data, cls)
    except Exception as exc:
        found = []
        for line in transform_error(exc, path=path, format_exception=format_problem):
            problem, _, where = line.rpartition(" @ ")
            found.append((where, problem))
        return found
    return [(path, "could not be structured")]


def structure_one(data: Any, cls: type[T], **context: str) -> T:
    """Structure one JSON object into ``cls``; ResponseValidationError names the bad paths."""
    try:
        return CODECS[cls].plain(data)  # type: ignore[no-any-return]
    except Exception:
        errors = _problems(cls, data, "$")
    raise ResponseValidationError(
        f"response is not a valid {cls.__name__}", errors=errors, **context
    )


def structure_list(data: Any, cls: type[T], **context: str) -> list[T]:
    """Structure a JSON array; every bad record is named and the good ones kept in ``partial``."""
    if type(data) is not list:
        raise ResponseValidationError(
            "response is not a JSON array",
            errors=[("$", f"expected array, got {describe(data)}")],
            **context,
        )
    plain = CODECS[cls].plain
    try:
        with paused_gc(len(data) > _LARGE_LIST):
            return [plain(item) for item in data]
    except Exception:
        pass
    good: list[T] = []
    errors: list[tuple[str, str]] = []
    for index, item in enumerate(data):
        try:
            good.append(plain(item))
        except Exception:
            errors.extend(_problems(cls, item, f"$[{index}]"))
    raise ResponseValidationError(
        f"{len(data) - len(good)} of {len(data)} records are not a valid {cls.__name__}",
        errors=errors,
        partial=good,
        **context,
    )
