"""Models back to the API's JSON shapes (``to_dict``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, overload

import attrs

from virtnum._decode.converter import converter
from virtnum.models import AvailableMobileNumber, RedirectNumber, VirtualNumber

__all__ = ["to_dict"]

Model = VirtualNumber | RedirectNumber | AvailableMobileNumber


@overload
def to_dict(obj: Model) -> dict[str, Any]: ...
@overload
def to_dict(obj: Iterable[Model]) -> list[dict[str, Any]]: ...
def to_dict(obj: Model | Iterable[Model]) -> dict[str, Any] | list[dict[str, Any]]:
    """A model, or a list of models, back to the API's JSON shapes: plain strings for
    enums, lists for tuples, unknown keys (``extra``) merged back."""
    if attrs.has(type(obj)):
        return converter.unstructure(obj)  # type: ignore[no-any-return]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes, Mapping)):
        items = list(obj)
        bad = next((item for item in items if not attrs.has(type(item))), None)
        if bad is None:
            return [converter.unstructure(item) for item in items]
        raise TypeError(f"to_dict expects models, got an item of type {type(bad).__name__}")
    raise TypeError(f"to_dict expects a model or a list of models, got {type(obj).__name__}")
