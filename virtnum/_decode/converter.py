"""The one cattrs converter: API JSON <-> models, strict on types, tolerant on values.

Response bytes go first to msgspec (``_fastdecode``), which builds the models with no
dicts in between. A body that path cannot vouch for is decoded to JSON values and
structured by cattrs; a record that fails there is re-run with cattrs' detailed
validation to name each bad value's JSON path, and the good records are kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar, overload

import attrs
import msgspec
from cattrs import Converter
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception, transform_error

from virtnum._decode.fast import Fallback, FastDecoder
from virtnum._decode.gc import paused_gc
from virtnum._errors import ResponseValidationError
from virtnum._http.payload import Payload
from virtnum._logs import logger
from virtnum.models import (
    AVAILABLE_MOBILE_FIELDS,
    TOLERANT_ENUMS,
    VIRTUAL_NUMBER_FIELDS,
    AvailableMobileNumber,
    RedirectNumber,
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
_MODELS: tuple[type[Any], ...] = (RedirectNumber, VirtualNumber, AvailableMobileNumber)
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
    for enum_cls in TOLERANT_ENUMS:
        scalar[enum_cls] = _enum(enum_cls)
    for tp, hook in scalar.items():
        conv.register_structure_hook(tp, hook)
        conv.register_structure_hook(tp | None, _optional(hook))
    return conv


converter = _build_converter()
for _enum_cls in TOLERANT_ENUMS:
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


def _structurers(
    cls: type[T], fields: tuple[str, ...]
) -> tuple[Callable[[Any], T], Callable[[Any, Any], T]]:
    """The plain and the detailed structuring of a model with ``extra``: unknown keys of
    the JSON object go there instead of failing."""
    plain = make_dict_structure_fn(cls, converter, extra=override(omit=True))
    detailed = make_dict_structure_fn(
        cls, converter, _cattrs_detailed_validation=True, extra=override(omit=True)
    )
    known = frozenset(fields)

    def structure(data: Any) -> T:
        model = _object(plain, data)
        if known.issuperset(data):
            return model
        extra = {key: value for key, value in data.items() if key not in known}
        return attrs.evolve(model, extra=extra)  # type: ignore[misc]

    return structure, detailed


_structure_number, _number_detailed = _structurers(VirtualNumber, VIRTUAL_NUMBER_FIELDS)
_structure_available, _available_detailed = _structurers(
    AvailableMobileNumber, AVAILABLE_MOBILE_FIELDS
)

_PLAIN: dict[type[Any], Callable[[Any], Any]] = {
    VirtualNumber: _structure_number,
    AvailableMobileNumber: _structure_available,
    RedirectNumber: lambda data: _object(_redirect_plain, data),
}
_DETAILED: dict[type[Any], Callable[[Any, Any], Any]] = {
    VirtualNumber: _number_detailed,
    AvailableMobileNumber: _available_detailed,
    RedirectNumber: _redirect_detailed,
}
_FAST: dict[type[Any], FastDecoder[Any]] = {
    VirtualNumber: FastDecoder(
        VirtualNumber, VIRTUAL_NUMBER_FIELDS, null_tuples=("from_redirect_numbers",)
    ),
    # msgspec runs no attrs converters: the decoder itself reads dgn_number "" as None
    AvailableMobileNumber: FastDecoder(
        AvailableMobileNumber, AVAILABLE_MOBILE_FIELDS, empty_as_none=("dgn_number",)
    ),
}


def _hook(plain: Callable[[Any], Any]) -> _Hook:
    return lambda data, _: plain(data)


for _cls in (VirtualNumber, AvailableMobileNumber, RedirectNumber):
    converter.register_structure_hook(_cls, _hook(_PLAIN[_cls]))


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


def decode_one(payload: Payload, cls: type[T], *, expect_id: object = None) -> T:
    """A response body holding one JSON object -> ``cls``, in one step when it can be.

    With ``expect_id``, a record for another id (a mixed-up or stale answer) is refused.
    """
    fast = _FAST.get(cls)
    model: T | None = None
    if fast is not None:
        with contextlib.suppress(Fallback):
            model = fast.decode_one(payload.content)
    if model is None:
        model = structure_one(_json(payload), cls, method=payload.method, url=payload.url)
    if expect_id is not None and getattr(model, "id", expect_id) != expect_id:
        raise ResponseValidationError(
            f"{payload.method} {payload.path}: the answer is the record of another number",
            method=payload.method,
            url=payload.url,
            errors=[("$.id", f"expected {expect_id!r}, got another id")],
        )
    return model


def decode_list(payload: Payload, cls: type[T]) -> list[T]:
    """A response body holding a JSON array -> ``list[cls]``; bad records are named and
    the good ones kept in ``partial`` of the ResponseValidationError."""
    if not logger.isEnabledFor(logging.DEBUG):
        return _decode_list(payload, cls)
    started = time.perf_counter()
    found = _decode_list(payload, cls)
    elapsed = (time.perf_counter() - started) * 1000
    logger.debug(
        "decoded %d %s records of %s %s in %.1fms",
        *(len(found), cls.__name__, payload.method, payload.path, elapsed),
    )
    return found


def _decode_list(payload: Payload, cls: type[T]) -> list[T]:
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
    too_deep = False
    with paused_gc(len(raw) > _LARGE_BODY):
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass
        except RecursionError:
            too_deep = True
        try:
            return json.loads(raw)
        except ValueError:
            pass
        except RecursionError:
            too_deep = True
    raise payload.not_json(too_deep=too_deep)


def _unstructurer(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """A model with ``extra`` back to its JSON object, unknown keys merged back."""
    base = make_dict_unstructure_fn(cls, converter, extra=override(omit=True))

    def unstructure(obj: Any) -> dict[str, Any]:
        data = base(obj)
        for key, value in obj.extra.items():
            data.setdefault(key, value)
        return data

    return unstructure


for _cls in (VirtualNumber, AvailableMobileNumber):
    converter.register_unstructure_hook(_cls, _unstructurer(_cls))


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


#: The name the library has used internally.
unstructure = to_dict
