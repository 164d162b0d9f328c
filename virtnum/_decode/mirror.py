"""Strict msgspec mirrors of the attrs models: a page of records decoded in one pass.

A mirror is a Struct with a model's fields, types and defaults (nested models mirrored
too) that refuses any key the model lacks. One decode then both proves which keys are
present and types every value, and ``msgspec.convert`` builds the attrs instances from
the Structs in C, reusing their values. A page with a key the model lacks is refused
(rare), and the key pass of ``fast`` takes it. Against the key pass plus the typed
decode, this allocates no raw value per field: on a 1,000-record page, 1.5 ms less.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from typing import Any

import attrs
import msgspec

__all__ = ["strict_mirror"]

_GENERICS = (tuple, list, frozenset, set, dict)


class _Unmirrorable(Exception):
    """A field this module cannot mirror exactly: the model keeps the two-pass path."""


def strict_mirror(
    cls: type[Any], fields: tuple[str, ...], nullable: frozenset[str]
) -> type[msgspec.Struct] | None:
    """The mirror of the attrs class ``cls`` over ``fields`` (its JSON keys); a field in
    ``nullable`` also takes ``null`` (its converter makes something of it). None when a
    field's type or default has no exact msgspec equivalent."""
    try:
        return _mirror(cls, fields, nullable, {})
    except (_Unmirrorable, TypeError, ValueError, NameError):
        return None


def _mirror(
    cls: type[Any],
    fields: tuple[str, ...],
    nullable: frozenset[str],
    made: dict[type[Any], type[msgspec.Struct]],
) -> type[msgspec.Struct]:
    if cls in made:
        return made[cls]
    hints = typing.get_type_hints(cls)
    by_name = {field.name: field for field in attrs.fields(cls)}
    specs = []
    for name in fields:
        field = by_name[name]
        annotation = _rewritten(hints.get(name, field.type), made)
        if name in nullable:
            annotation = annotation | None
        specs.append((name, annotation, *_default(field)))
    struct = msgspec.defstruct(f"Strict{cls.__name__}", specs, forbid_unknown_fields=True, gc=False)
    made[cls] = struct
    return struct


def _default(field: attrs.Attribute[Any]) -> tuple[Any, ...]:
    """The msgspec default of an attrs field: none (required), a value or a factory."""
    default = field.default
    if default is attrs.NOTHING:
        return ()
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory: Any = default
        if factory.takes_self:
            raise _Unmirrorable(field.name)
        return (msgspec.field(default_factory=factory.factory),)
    return (default,)


def _rewritten(annotation: Any, made: dict[type[Any], type[msgspec.Struct]]) -> Any:
    """``annotation`` with every attrs class in it replaced by its mirror."""
    if isinstance(annotation, type) and attrs.has(annotation):
        if any(
            f.converter is not None or f.validator is not None for f in attrs.fields(annotation)
        ):
            raise _Unmirrorable(annotation.__name__)
        names = tuple(f.name for f in attrs.fields(annotation))
        return _mirror(annotation, names, frozenset(), made)
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    args = tuple(a if a is Ellipsis else _rewritten(a, made) for a in typing.get_args(annotation))
    if origin is typing.Union or origin is types.UnionType:
        return functools.reduce(operator.or_, args)
    if origin is typing.Literal:
        return annotation
    if origin in _GENERICS:
        return origin[args]
    raise _Unmirrorable(repr(annotation))
