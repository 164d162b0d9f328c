"""The fast path: msgspec decodes response bytes straight into the frozen attrs models.

msgspec validates types in C and builds the attrs instances without dicts in between,
but it drops unknown keys and runs no attrs converters. A page (up to 4 MiB) first
goes through the model's strict mirror (``mirror``): one pass, refused when a record
has a key the model lacks. Otherwise, and for one record, it takes two passes: a key
pass (every value left as raw bytes, unknown keys refused) that proves which keys are
present and keeps the unknown ones, then the typed pass; the converters' effects
(``null`` for a tuple, ``""`` for None) are applied as the codec derived them. A key
the pass does not know is learned from a ``dict[str, Raw]`` decode of the same body,
never from an error message. Anything this path cannot prove identical to the cattrs
path raises ``Fallback`` instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs
import msgspec

from virtnum._decode.mirror import strict_mirror
from virtnum._decode.out_of_range import loads, plain_json

__all__ = ["Fallback", "FastDecoder"]

T = TypeVar("T")
_MAX_LEARNED_KEYS = 64
_FAILED = (msgspec.ValidationError, msgspec.DecodeError, RecursionError)


class Fallback(Exception):
    """The fast path cannot vouch for this body: use the cattrs path on decoded JSON."""


def _key_struct(names: tuple[str, ...]) -> type[msgspec.Struct]:
    """A Struct with every name as an optional raw field, refusing any other key."""
    fields = [(f"k{i}", msgspec.Raw, msgspec.UNSET) for i in range(len(names))]
    rename = {f"k{i}": name for i, name in enumerate(names)}
    return msgspec.defstruct(
        "Keys", fields, rename=rename, forbid_unknown_fields=True, gc=False, omit_defaults=True
    )


@attrs.frozen
class _Keys:
    """The key pass for one set of names: the API's fields, then unknown keys learned."""

    names: tuple[str, ...]
    known: int
    one: msgspec.json.Decoder[Any]
    many: msgspec.json.Decoder[Any]

    @classmethod
    def build(cls, names: tuple[str, ...], known: int) -> _Keys:
        struct = _key_struct(names)
        many: Any = list[struct]  # type: ignore[valid-type]
        return cls(names, known, msgspec.json.Decoder(struct), msgspec.json.Decoder(many))


_ALL_KEYS_ONE = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RECORDS = msgspec.json.Decoder(list[msgspec.Raw])
_NULL = msgspec.Raw(b"null")
#: Bodies larger than this get their key pass record by record (bounded memory).
_RECORD_BY_RECORD = 4 << 20
_ALL_KEYS_MANY = msgspec.json.Decoder(list[dict[str, msgspec.Raw]])


class FastDecoder(Generic[T]):
    """Bytes -> ``T`` or ``list[T]`` through msgspec, for one attrs model with ``extra``.

    ``null_fills`` maps a field that cannot hold ``None`` to the JSON its converter
    makes of ``null`` (``b"[]"``); ``converters`` are the other fields' attrs
    converters, run on each decoded value as attrs' own ``__init__`` would.
    """

    def __init__(
        self,
        cls: type[T],
        fields: tuple[str, ...],
        null_fills: Mapping[str, bytes],
        converters: Mapping[str, Callable[[Any], Any]],
    ) -> None:
        self._one: msgspec.json.Decoder[T] = msgspec.json.Decoder(cls)
        self._many: msgspec.json.Decoder[list[T]] = msgspec.json.Decoder(list[cls])  # type: ignore[valid-type]
        self._keys = _Keys.build(fields, len(fields))
        self._lock = threading.Lock()
        self._nulls = [
            (f'"{name}":{gap}null'.encode(), f'"{name}":{gap}'.encode() + filled)
            for name, filled in null_fills.items()
            for gap in ("", " ")
        ]
        # the key pass shows where a null is: the body is searched only when one is
        self._null_attrs = tuple(f"k{fields.index(name)}" for name in null_fills)
        self._converters = tuple(converters.items())
        self._list_type: Any = list[cls]  # type: ignore[valid-type]
        mirror = strict_mirror(cls, fields, frozenset(null_fills))
        self._strict = None if mirror is None else msgspec.json.Decoder(list[mirror])  # type: ignore[valid-type]
        self._null_values = tuple(
            (name, msgspec.json.decode(filled)) for name, filled in null_fills.items()
        )

    def decode_one(self, body: bytes) -> T:
        """One JSON object; raises Fallback when this path cannot decide."""
        keys = self._keys
        try:  # the key pass, inline: this is the path of every get
            raws = keys.one.decode(body)
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
            keys, raws = self._key_pass(body, many=False)
        if self._has_null(raws):
            body = self._null_filled(body)
        try:
            model = self._one.decode(body)
        except _FAILED:
            raise Fallback from None
        if keys.known < len(keys.names):
            _attach_extra(model, _extra_of(raws, keys))
        if self._converters:
            self._convert([model])
        return model

    def decode_many(self, body: bytes) -> list[T]:
        """A JSON array of objects; raises Fallback when this path cannot decide."""
        if self._strict is not None and len(body) <= _RECORD_BY_RECORD:
            models = self._strictly(body)
            if models is not None:
                return models
        if len(body) > _RECORD_BY_RECORD:
            extras, nulls = self._extras_by_record(body)
        else:
            keys, raws = self._key_pass(body, many=True)
            extras = None
            if keys.known < len(keys.names):
                extras = [_extra_of(raw, keys) for raw in raws]
            nulls = any(map(self._has_null, raws))
            del raws  # a raw value per field: free it before the models
        if nulls:
            body = self._null_filled(body)
        try:
            models = self._many.decode(body)
        except _FAILED:
            raise Fallback from None
        if extras is not None:
            for model, extra in zip(models, extras, strict=True):
                if extra:
                    _attach_extra(model, extra)
        self._convert(models)
        return models

    def _strictly(self, body: bytes) -> list[T] | None:
        """The page through the strict mirror, in one pass; None when the mirror refuses
        it (a key the model lacks, or a value the key pass must name)."""
        assert self._strict is not None
        try:
            mirrors = self._strict.decode(body)
        except msgspec.ValidationError:
            return None
        except (msgspec.DecodeError, RecursionError):
            raise Fallback from None
        for name, value in self._null_values:
            for mirror in mirrors:
                if getattr(mirror, name) is None:
                    setattr(mirror, name, value)
        try:
            models: list[T] = msgspec.convert(mirrors, self._list_type, from_attributes=True)
        except msgspec.ValidationError:
            return None
        self._convert(models)
        return models

    def _convert(self, models: list[T]) -> None:
        """Run the fields' attrs converters, as attrs' ``__init__`` would have."""
        if not self._converters:
            return
        for name, convert in self._converters:
            for model in models:
                value = getattr(model, name)
                converted = convert(value)
                if converted is not value:
                    # a brand-new instance, not yet shared (see _attach_extra)
                    object.__setattr__(model, name, converted)

    def _has_null(self, raw: Any) -> bool:
        """Whether a record's key pass found ``null`` in a field that cannot hold it."""
        for name in self._null_attrs:  # noqa: SIM110 - any() with a generator costs more
            if getattr(raw, name) == _NULL:
                return True
        return False

    def _null_filled(self, body: bytes) -> bytes:
        # After the key pass, such a byte sequence can only be the key itself with a null
        # value: inside a JSON string its quotes would be escaped.
        for null, filled in self._nulls:
            if null in body:
                body = body.replace(null, filled)
        return body

    def _key_pass(self, body: bytes, *, many: bool) -> tuple[_Keys, Any]:
        """Decode every key of every record; on a key not yet known, learn the body's
        unknown keys (a bounded number) and try once more."""
        keys = self._keys
        try:
            return keys, (keys.many if many else keys.one).decode(body)
        except msgspec.ValidationError:
            keys = self._learn(_keys_in(body, many), keys)
        except (msgspec.DecodeError, RecursionError):
            raise Fallback from None
        try:
            return keys, (keys.many if many else keys.one).decode(body)
        except _FAILED:
            raise Fallback from None

    def _extras_by_record(self, body: bytes) -> tuple[list[Mapping[str, Any]] | None, bool]:
        """The key pass one record at a time, for a large body: it never holds a raw
        value per field of every record at once (that would outweigh the models).
        Returns the records' unknown keys (None if none has any) and whether a null
        needs filling."""
        try:
            records = _RECORDS.decode(body)
        except _FAILED:
            raise Fallback from None
        keys = self._keys
        extras: list[Mapping[str, Any]] | None = None
        nulls = False
        for index, record in enumerate(records):
            try:
                raw = keys.one.decode(record)
            except msgspec.ValidationError:
                keys = self._learn(_keys_in(record, False), keys)
                try:
                    raw = keys.one.decode(record)
                except _FAILED:
                    raise Fallback from None
            except (msgspec.DecodeError, RecursionError):
                raise Fallback from None
            nulls = nulls or self._has_null(raw)
            if keys.known < len(keys.names):
                if extras is None:  # the records before had no key beyond the API's
                    extras = [_EMPTY] * index
                extras.append(_extra_of(raw, keys))
        return extras, nulls

    def _learn(self, present: Iterable[str], seen: _Keys) -> _Keys:
        """The key pass that also accepts the ``present`` keys; past the bound, it starts
        again from the API's fields, so a server whose unknown keys keep changing costs
        no memory."""
        with self._lock:
            current = self._keys
            new = tuple(dict.fromkeys(k for k in present if k not in current.names))
            if not new:
                if current is seen:  # the refusal was not about keys
                    raise Fallback
                return current
            names = current.names
            if len(names) - current.known + len(new) > _MAX_LEARNED_KEYS:
                names = names[: current.known]
            if len(names) - current.known + len(new) > _MAX_LEARNED_KEYS:
                raise Fallback
            try:
                current = _Keys.build((*names, *new), current.known)
            except (TypeError, ValueError):  # a name msgspec cannot take as a field
                raise Fallback from None
            self._keys = current
            return current


def _keys_in(body: bytes | msgspec.Raw, many: bool) -> list[str]:
    """Every key of the body's records, in order (repeats included)."""
    try:
        if many:
            return [key for record in _ALL_KEYS_MANY.decode(body) for key in record]
        return list(_ALL_KEYS_ONE.decode(body))
    except _FAILED:
        raise Fallback from None


def _extra_of(raw: Any, keys: _Keys) -> Mapping[str, Any]:
    """The unknown keys of one record, decoded, from its key-pass struct."""
    extra: dict[str, Any] = {}
    for index in range(keys.known, len(keys.names)):
        value = getattr(raw, f"k{index}")
        if value is not msgspec.UNSET:
            try:
                extra[keys.names[index]] = msgspec.json.decode(value)
            except msgspec.DecodeError:
                extra[keys.names[index]] = _odd_value(value)
    return extra


def _odd_value(value: msgspec.Raw) -> Any:
    """An unknown key's value msgspec refuses (a number out of range), read as the
    cattrs path reads it; Fallback if even that fails."""
    try:
        return plain_json(loads(bytes(value)))
    except (ValueError, RecursionError):
        raise Fallback from None


def _attach_extra(model: Any, extra: Mapping[str, Any]) -> None:
    # The instance is brand new and not yet shared: setting the frozen field once, as
    # attrs' own __init__ does, is safe.
    object.__setattr__(model, "extra", MappingProxyType(dict(extra)) if extra else _EMPTY)


_EMPTY: Mapping[str, Any] = MappingProxyType({})
