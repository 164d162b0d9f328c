"""One codec per model: how its JSON becomes an instance, fast path and fallback alike.

Everything a codec knows is read off the attrs class: its fields, whether it keeps
unknown keys (an ``extra`` field), and what its fields' converters do, so a new field
with a converter behaves the same on the msgspec path as on the cattrs path.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import msgspec
from cattrs import Converter
from cattrs.gen import make_dict_structure_fn, override

from virtnum._decode.fast import FastDecoder
from virtnum._decode.out_of_range import plain_json

__all__ = ["Codec", "derived_fixes"]

T = TypeVar("T")


def _admits_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    is_union = origin is typing.Union or origin is types.UnionType
    return is_union and type(None) in typing.get_args(annotation)


def derived_fixes(
    cls: type[Any],
) -> tuple[dict[str, bytes], dict[str, Callable[[Any], Any]]]:
    """What msgspec must be told of ``cls``'s attrs converters: for a field that cannot
    hold ``None`` but whose converter takes it, the JSON to read ``null`` as; for the
    others, the converter to run on each decoded value."""
    null_fills: dict[str, bytes] = {}
    converters: dict[str, Callable[[Any], Any]] = {}
    for field in attrs.fields(cls):
        convert = field.converter
        if convert is None or field.name == "extra" or not callable(convert):
            continue
        if not _admits_none(field.type):
            try:
                null_fills[field.name] = msgspec.json.encode(convert(None))
                continue
            except (TypeError, ValueError):
                pass
        converters[field.name] = convert
    return null_fills, converters


def _object(structure: Callable[[Any, Any], T], data: Any) -> T:
    if type(data) is not dict:
        raise TypeError("expected an object")
    return structure(data, None)


class Codec(Generic[T]):
    """A model's decoding: ``plain`` (fast cattrs structuring, raises on a bad value),
    ``detailed`` (re-run to name each bad value's path) and ``fast`` (msgspec from bytes,
    for models that keep unknown keys)."""

    def __init__(self, cls: type[T], converter: Converter) -> None:
        self.cls = cls
        every = attrs.fields(cls)  # type: ignore[arg-type]
        self.fields = tuple(a.name for a in every if a.name != "extra")
        keeps_extra = len(self.fields) < len(every)
        extra: dict[str, Any] = {"extra": override(omit=True)} if keeps_extra else {}
        plain = make_dict_structure_fn(cls, converter, _cattrs_detailed_validation=False, **extra)
        self.detailed = make_dict_structure_fn(
            cls, converter, _cattrs_detailed_validation=True, **extra
        )
        self.plain = self._with_extra(plain) if keeps_extra else _bound(plain)
        self.fast: FastDecoder[T] | None = None
        if keeps_extra:
            self.fast = FastDecoder(cls, self.fields, *derived_fixes(cls))

    def _with_extra(self, plain: Callable[[Any, Any], T]) -> Callable[[Any], T]:
        """Plain structuring that keeps the object's unknown keys in ``extra``."""
        known = frozenset(self.fields)

        def structure(data: Any) -> T:
            model = _object(plain, data)
            if known.issuperset(data):
                return model
            extra = {key: plain_json(value) for key, value in data.items() if key not in known}
            return attrs.evolve(model, extra=extra)  # type: ignore[misc]

        return structure

    def __repr__(self) -> str:
        return f"<Codec {self.cls.__name__}>"


def _bound(plain: Callable[[Any, Any], T]) -> Callable[[Any], T]:
    return lambda data: _object(plain, data)


#: A read-only view of the codecs, by model class.
Codecs = Mapping[type[Any], Codec[Any]]
