"""The one cattrs converter: API JSON <-> models, strict on types, tolerant on values.

Response bytes go first to msgspec (``_fastdecode``), which builds the models with no
dicts in between. A body that path cannot vouch for is decoded to JSON values and
structured by cattrs; a record that fails there is re-run with cattrs' detailed
validation to name each bad value's JSON path, and the good records are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload

import attrs
import msgspec
from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception, transform_error

from virtnum._errors import ResponseValidationError
from virtnum._fastdecode import Fallback, FastDecoder
from virtnum._gc import paused_gc
from virtnum._payload import Payload
from virtnum.models import (
    VIRTUAL_NUMBER_FIELDS,
    NumberType,
    Purpose,
    RedirectNumber,
    State,
    VirtualNumber,
)

__all__ = [
    "converter",
    "decode_list",
    "decode_one",
    "structure_list",
    "structure_one",
    "to_dict",
    "unstructure",
]

T = TypeVar("T")
_LARGE_LIST = 2_000
_LARGE_BODY = 1 << 20
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


_redirect_plain = make_dict_structure_fn(RedirectNumber, converter)
_redirect_detailed = make_dict_structure_fn(
    RedirectNumber, converter, _cattrs_detailed_validation=True
)


def _structure_redirects(value: Any, type_: Any) -> tuple[RedirectNumber, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise _BadValue(f"expected array or null, got {_describe(value)}")
    try:
        return tuple([_object(_redirect_plain, item) for item in value])
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


def _object(structure: Callable[[Any, Any], T], data: Any) -> T:
    if type(data) is not dict:
        raise TypeError("expected an object")
    return structure(data, None)


_REDIRECTS = tuple[RedirectNumber, ...]
converter.register_structure_hook_func(lambda t: t == _REDIRECTS, _structure_redirects)
_number_plain = make_dict_structure_fn(VirtualNumber, converter, extra=override(omit=True))
_number_detailed = make_dict_structure_fn(
    VirtualNumber, converter, _cattrs_detailed_validation=True, extra=override(omit=True)
)
_KNOWN_NUMBER_KEYS = frozenset(VIRTUAL_NUMBER_FIELDS)


def _structure_number(data: Any) -> VirtualNumber:
    number = _object(_number_plain, data)
    if _KNOWN_NUMBER_KEYS.issuperset(data):
        return number
    extra = {key: value for key, value in data.items() if key not in _KNOWN_NUMBER_KEYS}
    return attrs.evolve(number, extra=extra)


_PLAIN: dict[type[Any], Callable[[Any], Any]] = {
    VirtualNumber: _structure_number,
    RedirectNumber: lambda data: _object(_redirect_plain, data),
}
_DETAILED: dict[type[Any], Callable[[Any, Any], Any]] = {
    VirtualNumber: _number_detailed,
    RedirectNumber: _redirect_detailed,
}
_FAST: dict[type[Any], FastDecoder[Any]] = {
    VirtualNumber: FastDecoder(
        VirtualNumber, VIRTUAL_NUMBER_FIELDS, null_tuples=("from_redirect_numbers",)
    ),
}
converter.register_structure_hook(VirtualNumber, lambda d, _: _structure_number(d))
converter.register_structure_hook(RedirectNumber, lambda d, _: _PLAIN[RedirectNumber](d))


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
        return _PLAIN[cls](data)  # type: ignore[no-any-return]
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
    plain = _PLAIN[cls]
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


def decode_one(payload: Payload, cls: type[T]) -> T:
    """A response body holding one JSON object -> ``cls``, in one step when it can be."""
    fast = _FAST.get(cls)
    if fast is not None:
        try:
            return fast.decode_one(payload.content)  # type: ignore[no-any-return]
        except Fallback:
            pass
    return structure_one(_json(payload), cls, method=payload.method, url=payload.url)


def decode_list(payload: Payload, cls: type[T]) -> list[T]:
    """A response body holding a JSON array -> ``list[cls]``; bad records are named and
    the good ones kept in ``partial`` of the ResponseValidationError."""
    fast = _FAST.get(cls)
    if fast is not None:
        try:
            with paused_gc(len(payload.content) > _LARGE_BODY):
                return fast.decode_many(payload.content)
        except Fallback:
            pass
    return structure_list(_json(payload), cls, method=payload.method, url=payload.url)


def _json(payload: Payload) -> Any:
    """The body as JSON values; stdlib json last, for what strict parsers refuse (NaN,
    lone surrogates). Not JSON at all -> ResponseValidationError with a redacted snippet."""
    raw = payload.content
    with paused_gc(len(raw) > _LARGE_BODY):
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass
        try:
            return json.loads(raw)
        except ValueError:
            pass
    raise payload.not_json()


def _unstructure_number(obj: VirtualNumber) -> dict[str, Any]:
    data = _number_base(obj)
    for key, value in obj.extra.items():
        data.setdefault(key, value)
    return data


_number_base = make_dict_unstructure_fn(VirtualNumber, converter, extra=override(omit=True))
converter.register_unstructure_hook(VirtualNumber, _unstructure_number)


Model = VirtualNumber | RedirectNumber


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


#: The name the library has used internally.
unstructure = to_dict
