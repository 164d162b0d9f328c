"""The one cattrs converter: API JSON <-> models, strict on types, tolerant on values.

Structuring runs a fast generated function first; only when a record fails does it
re-run cattrs' detailed validation on that record to name each bad value's JSON path.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import attrs
from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception, transform_error

from virtnum._errors import ResponseValidationError
from virtnum._gc import paused_gc
from virtnum.models import NumberType, Purpose, RedirectNumber, State, VirtualNumber

__all__ = ["converter", "structure_list", "structure_one", "unstructure"]

T = TypeVar("T")
_LARGE_LIST = 2_000
_Hook = Callable[[Any, Any], Any]
_MODELS: tuple[type[Any], ...] = (RedirectNumber, VirtualNumber)
for _model in _MODELS:
    attrs.resolve_types(_model)


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
}


def _describe(value: Any) -> str:
    """The JSON name of a value's type (never the value: it may be personal data)."""
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _strict(expected: type[Any]) -> _Hook:
    def hook(value: Any, _: Any) -> Any:
        if type(value) is expected:
            return value
        raise _BadValue(f"expected {_JSON_NAMES[expected]}, got {_describe(value)}")

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
        raise _BadValue(f"expected string, got {_describe(value)}")

    return hook


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """``X | None`` -> ``(X, True)``; anything else -> ``(tp, False)``."""
    if isinstance(tp, types.UnionType):
        args = [arg for arg in tp.__args__ if arg is not type(None)]
        if len(args) == 1:
            return args[0], True
    return tp, False


def _field_code(name: str, tp: Any, required: bool, ns: dict[str, Any]) -> list[str]:
    """Lines that read one field into ``v_<name>``, checking its type inline (a call per
    field costs more than the check itself); anything else goes through its hook."""
    local, read = f"v_{name}", f"d[{name!r}]" if required else f"d.get({name!r})"
    base, optional = _unwrap(tp)
    lines = [f"    {local} = {read}"]
    if base in (int, str, bool):
        check = f"type({local}) is not {base.__name__}"
        guard = f"{local} is not None and {check}" if optional else check
        lines.append(f"    if {guard}: raise TypeError({name!r})")
    elif isinstance(base, type) and issubclass(base, enum.Enum):
        ns[f"m_{name}"] = base._value2member_map_
        ns[f"h_{name}"] = converter.get_structure_hook(base)
        lookup = f"{local} = m_{name}.get({local}) or h_{name}({local}, None)"
        lines.append(f"    if {local} is not None: {lookup}" if optional else f"    {lookup}")
    else:
        ns[f"h_{name}"] = converter.get_structure_hook(tp)
        lines.append(f"    {local} = h_{name}({local}, None)")
    return lines


def _generate_fast(cls: type[T]) -> Callable[[Any], T]:
    """Build ``f(dict) -> cls`` that reads every key once and passes it positionally."""
    model: Any = cls
    fields = [a for a in attrs.fields(model) if a.name != "extra"]
    names = [a.name for a in fields]
    ns: dict[str, Any] = {"cls": cls, "known": frozenset(names), "proxy": MappingProxyType}
    lines = [
        f"def structure_{cls.__name__}(d):",
        "    if type(d) is not dict:",
        "        raise TypeError('expected an object')",
    ]
    for a in fields:
        lines += _field_code(a.name, a.type, a.default is attrs.NOTHING, ns)
    args = ", ".join(f"v_{name}" for name in names)
    if "extra" in attrs.fields_dict(model):
        lines += [
            "    if not known.issuperset(d):",
            f"        return cls({args}, proxy({{k: v for k, v in d.items() if k not in known}}))",
        ]
    lines.append(f"    return cls({args})")
    exec(compile("\n".join(lines) + "\n", f"<virtnum structure {cls.__name__}>", "exec"), ns)
    fn: Callable[[Any], T] = ns[f"structure_{cls.__name__}"]
    return fn


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, _BadValue):
        return str(exc)
    if isinstance(exc, TypeError) and str(exc) == "expected an object":
        return "expected an object"
    return format_exception(exc, type_)


def _build_converter() -> Converter:
    conv = Converter(detailed_validation=True)
    scalar: dict[Any, _Hook] = {int: _strict(int), str: _strict(str), bool: _strict(bool)}
    for enum_cls in (NumberType, Purpose, State):
        scalar[enum_cls] = _enum(enum_cls)
    for tp, hook in scalar.items():
        conv.register_structure_hook(tp, hook)
        conv.register_structure_hook(tp | None, _optional(hook))
    return conv


converter = _build_converter()
for _enum_cls in (NumberType, Purpose, State):
    converter.register_unstructure_hook(_enum_cls, lambda member: member._value_)


_redirect_fast = _generate_fast(RedirectNumber)
_redirect_detailed = make_dict_structure_fn(
    RedirectNumber, converter, _cattrs_detailed_validation=True
)


def _structure_redirects(value: Any, type_: Any) -> tuple[RedirectNumber, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise _BadValue(f"expected array or null, got {_describe(value)}")
    try:
        return tuple([_redirect_fast(item) for item in value])
    except Exception:
        pass
    errors: list[Exception] = []
    for index, item in enumerate(value):
        try:
            if type(item) is not dict:
                raise _BadValue(f"expected an object, got {_describe(item)}")
            _redirect_detailed(item, RedirectNumber)
        except Exception as exc:
            note = IterableValidationNote(f"Structuring item @ index {index}", index, type_)
            exc.__notes__ = [note]
            errors.append(exc)
    raise IterableValidationError("invalid redirect numbers", errors, type_)


_REDIRECTS = tuple[RedirectNumber, ...]
converter.register_structure_hook_func(lambda t: t == _REDIRECTS, _structure_redirects)
_number_fast = _generate_fast(VirtualNumber)
_number_detailed = make_dict_structure_fn(
    VirtualNumber, converter, _cattrs_detailed_validation=True, extra=override(omit=True)
)
_FAST: dict[type[Any], Callable[[Any], Any]] = {
    VirtualNumber: _number_fast,
    RedirectNumber: _redirect_fast,
}
_DETAILED: dict[type[Any], Callable[[Any, Any], Any]] = {
    VirtualNumber: _number_detailed,
    RedirectNumber: _redirect_detailed,
}
converter.register_structure_hook(VirtualNumber, lambda d, _: _number_fast(d))
converter.register_structure_hook(RedirectNumber, lambda d, _: _redirect_fast(d))


def _problems(cls: type[Any], data: Any, path: str) -> list[tuple[str, str]]:
    """Re-run the detailed structuring of one record and return (path, problem) pairs."""
    if type(data) is not dict:
        return [(path, f"expected an object, got {_describe(data)}")]
    try:
        _DETAILED[cls](data, cls)
    except Exception as exc:
        found = []
        for line in transform_error(exc, path=path, format_exception=_format):
            problem, _, where = line.rpartition(" @ ")
            found.append((where, problem))
        return found
    return [(path, "could not be structured")]


def structure_one(data: Any, cls: type[T], **context: str) -> T:
    """Structure one JSON object into ``cls``; ResponseValidationError names the bad paths."""
    try:
        return _FAST[cls](data)  # type: ignore[no-any-return]
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
            errors=[("$", f"expected array, got {_describe(data)}")],
            **context,
        )
    fast = _FAST[cls]
    try:
        with paused_gc(len(data) > _LARGE_LIST):
            return [fast(item) for item in data]
    except Exception:
        pass
    good: list[T] = []
    errors: list[tuple[str, str]] = []
    for index, item in enumerate(data):
        try:
            good.append(fast(item))
        except Exception:
            errors.extend(_problems(cls, item, f"$[{index}]"))
    raise ResponseValidationError(
        f"{len(data) - len(good)} of {len(data)} records are not a valid {cls.__name__}",
        errors=errors,
        partial=good,
        **context,
    )


def _unstructure_number(obj: VirtualNumber) -> dict[str, Any]:
    data = _number_base(obj)
    for key, value in obj.extra.items():
        data.setdefault(key, value)
    return data


_number_base = make_dict_unstructure_fn(VirtualNumber, converter, extra=override(omit=True))
converter.register_unstructure_hook(VirtualNumber, _unstructure_number)


def unstructure(obj: Any) -> Any:
    """Turn models (or lists of them) back into the API's JSON shapes."""
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes, Mapping)):
        return [converter.unstructure(item) for item in obj]
    return converter.unstructure(obj)
