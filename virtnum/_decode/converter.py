"""The one cattrs converter: API JSON <-> models, strict on types, tolerant on values.

``make_converter`` is the only place it is configured: scalar and enum hooks first, then
a codec per model (``codecs``) whose structuring the converter uses for nested models,
then the way back to JSON. The converter itself runs without detailed validation; each
codec builds its detailed twin for the rare body that fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.v import format_exception

from virtnum._decode.codecs import Codec, Codecs
from virtnum._decode.out_of_range import OutOfRange
from virtnum.models import (
    TOLERANT_ENUMS,
    AvailableMobileNumber,
    RedirectNumber,
    VirtualNumber,
)

__all__ = ["CODECS", "MODELS", "converter", "describe", "format_problem", "make_converter"]

T = TypeVar("T")
_Hook = Callable[[Any, Any], Any]
#: The models, nested ones first: a codec is built from the hooks of its fields' types.
MODELS: tuple[type[Any], ...] = (RedirectNumber, VirtualNumber, AvailableMobileNumber)


class _BadValue(ValueError):
    """A JSON value of the wrong type; its message never repeats the value itself."""


_JSON_NAMES = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    OutOfRange: "number out of range",
}


def describe(value: Any) -> str:
    """The JSON name of a value's type (never the value: it may be personal data)."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _strict(expected: type[Any]) -> _Hook:
    def hook(value: Any, _: Any) -> Any:
        if type(value) is expected:
            return value
        raise _BadValue(f"expected {_JSON_NAMES[expected]}, got {describe(value)}")

    return hook


def _optional(inner: _Hook) -> _Hook:
    def hook(value: Any, type_: Any) -> Any:
        return None if value is None else inner(value, type_)

    return hook


def _enum(cls: type[Any]) -> _Hook:
    members = cls._value2member_map_  # the enum's own lookup table, read without a call

    def hook(value: Any, _: Any) -> Any:
        if type(value) is str:
            member = members.get(value)
            return member if member is not None else cls(value)
        raise _BadValue(f"expected string, got {describe(value)}")

    return hook


def format_problem(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, _BadValue):
        return str(exc)
    if isinstance(exc, TypeError) and str(exc) == "expected an object":
        return "expected an object"
    return format_exception(exc, type_)


def _redirects_hook(codec: Codec[RedirectNumber]) -> _Hook:
    """``from_redirect_numbers``: ``null`` is ``()``; each bad item is named by index."""

    def structure(value: Any, type_: Any) -> tuple[RedirectNumber, ...]:
        if value is None:
            return ()
        if type(value) is not list:
            raise _BadValue(f"expected array or null, got {describe(value)}")
        try:
            return tuple([codec.plain(item) for item in value])
        except Exception:
            pass
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                if type(item) is not dict:
                    raise _BadValue(f"expected an object, got {describe(item)}")
                codec.detailed(item, RedirectNumber)
            except Exception as exc:
                note = IterableValidationNote(f"Structuring item @ index {index}", index, type_)
                exc.__notes__ = [note]
                errors.append(exc)
        raise IterableValidationError("invalid redirect numbers", errors, type_)

    return structure


def _unstructurer(conv: Converter, cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """A model with ``extra`` back to its JSON object, unknown keys merged back."""
    base = make_dict_unstructure_fn(cls, conv, extra=override(omit=True))

    def unstructure(obj: Any) -> dict[str, Any]:
        data = base(obj)
        for key, value in obj.extra.items():
            data.setdefault(key, value)
        return data

    return unstructure


def _model_hook(codec: Codec[Any]) -> _Hook:
    plain = codec.plain
    return lambda data, _: plain(data)


def _is_redirects(type_: Any) -> bool:
    return bool(type_ == tuple[RedirectNumber, ...])


def make_converter() -> tuple[Converter, Codecs]:
    """The converter and the models' codecs, configured in one place."""
    conv = Converter(detailed_validation=False)
    scalar: dict[Any, _Hook] = {int: _strict(int), str: _strict(str), bool: _strict(bool)}
    for enum_cls in TOLERANT_ENUMS:
        scalar[enum_cls] = _enum(enum_cls)
        conv.register_unstructure_hook(enum_cls, lambda member: member._value_)
    for tp, hook in scalar.items():
        conv.register_structure_hook(tp, hook)
        conv.register_structure_hook(tp | None, _optional(hook))
    codecs: dict[type[Any], Codec[Any]] = {}
    for cls in MODELS:
        attrs.resolve_types(cls)
        codecs[cls] = codec = Codec(cls, conv)
        conv.register_structure_hook(cls, _model_hook(codec))
        if cls is RedirectNumber:
            conv.register_structure_hook_func(_is_redirects, _redirects_hook(codec))
        if codec.fast is not None:  # it keeps unknown keys
            conv.register_unstructure_hook(cls, _unstructurer(conv, cls))
    return conv, codecs


converter, CODECS = make_converter()
