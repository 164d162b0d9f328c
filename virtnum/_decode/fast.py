"""The fast path: msgspec decodes response bytes straight into the frozen attrs models.

msgspec validates types in C and builds the attrs instances without dicts in between,
but on its own it drops unknown keys and refuses ``null`` for a tuple field. So a page
takes two passes: a key pass (every value left as raw bytes, unknown keys refused) that
proves which keys are present and learns the unknown ones, then the typed pass. Anything
this path cannot prove identical to the cattrs path raises ``Fallback`` instead.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import attrs
import msgspec

__all__ = ["Fallback", "FastDecoder"]

T = TypeVar("T")
_MAX_LEARNED_KEYS = 64
# msgspec's words for a key the Struct does not declare: in an array, and at the top level
_UNKNOWN_KEY = (
    re.compile(r"Object contains unknown field `(.*)` - at `\$[^`]*`", re.DOTALL),
    re.compile(r"Object contains unknown field `(.*)`", re.DOTALL),
)


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


class FastDecoder(Generic[T]):
    """Bytes -> ``T`` or ``list[T]`` through msgspec, for one attrs model with ``extra``.

    ``null_tuples`` names the tuple fields where the API may send ``null`` for ``[]``;
    ``empty_as_none`` the str fields whose ``""`` the model reads as ``None`` (msgspec
    does not run attrs converters, so the decoder applies that one itself).
    """

    def __init__(
        self,
        cls: type[T],
        fields: tuple[str, ...],
        null_tuples: tuple[str, ...] = (),
        empty_as_none: tuple[str, ...] = (),
    ):
        self._one: msgspec.json.Decoder[T] = msgspec.json.Decoder(cls)
        self._many: msgspec.json.Decoder[list[T]] = msgspec.json.Decoder(list[cls])  # type: ignore[valid-type]
        self._keys = _Keys.build(fields, len(fields))
        self._lock = threading.Lock()
        self._nulls = [
            (f'"{name}":{gap}null'.encode(), f'"{name}":{gap}[]'.encode())
            for name in null_tuples
            for gap in ("", " ")
        ]
        self._empty_as_none = empty_as_none

    def decode_one(self, body: bytes) -> T:
        """One JSON object; raises Fallback when this path cannot decide."""
        keys, raws = self._key_pass(body, many=False)
        try:
            model = self._one.decode(self._without_null_tuples(body))
            if keys.known < len(keys.names):
                _attach_extra(model, _extra_of(raws, keys))
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
            raise Fallback from None
        self._fix_empty([model], body)
        return model

    def decode_many(self, body: bytes) -> list[T]:
        """A JSON array of objects; raises Fallback when this path cannot decide."""
        keys, raws = self._key_pass(body, many=True)
        extras = None
        try:
            if keys.known < len(keys.names):
                extras = [_extra_of(raw, keys) for raw in raws]
            del raws  # the key pass holds a raw value per field: free it before the models
            models = self._many.decode(self._without_null_tuples(body))
        except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
            raise Fallback from None
        if extras is not None:
            for model, extra in zip(models, extras, strict=True):
                if extra:
                    _attach_extra(model, extra)
        self._fix_empty(models, body)
        return models

    def _fix_empty(self, models: list[T], body: bytes) -> None:
        """``""`` -> ``None`` in the ``empty_as_none`` fields, as the attrs converter does."""
        if not self._empty_as_none or b'""' not in body:
            return
        for model in models:
            for name in self._empty_as_none:
                if getattr(model, name) == "":
                    # a brand-new instance, not yet shared (see _attach_extra)
                    object.__setattr__(model, name, None)

    def _without_null_tuples(self, body: bytes) -> bytes:
        # After the key pass, such a byte sequence can only be the key itself with a null
        # value: inside a JSON string its quotes would be escaped.
        for null, empty in self._nulls:
            if null in body:
                body = body.replace(null, empty)
        return body

    def _key_pass(self, body: bytes, *, many: bool) -> tuple[_Keys, Any]:
        """Decode every key of every record, learning unknown keys (a bounded number)."""
        keys = self._keys
        for _ in range(_MAX_LEARNED_KEYS + 1):
            try:
                return keys, (keys.many if many else keys.one).decode(body)
            except msgspec.ValidationError as exc:
                name = _unknown_key(str(exc), many)
                if name is None or name in keys.names:  # not a key problem, or no progress
                    break
                keys = self._learn(name)
            except (msgspec.DecodeError, RecursionError):
                break
        raise Fallback

    def _learn(self, name: str) -> _Keys:
        """The key pass that also accepts ``name``; past the bound, it starts again from
        the API's fields, so a server whose unknown keys keep changing costs no memory."""
        with self._lock:
            current = self._keys
            if name in current.names:
                return current
            names = current.names
            if len(names) - current.known >= _MAX_LEARNED_KEYS:
                names = names[: current.known]
            try:
                current = _Keys.build((*names, name), current.known)
            except (TypeError, ValueError):  # a name msgspec cannot take as a field
                raise Fallback from None
            self._keys = current
            return current


def _unknown_key(message: str, many: bool) -> str | None:
    found = _UNKNOWN_KEY[0 if many else 1].fullmatch(message)
    return None if found is None else found.group(1)


def _extra_of(raw: Any, keys: _Keys) -> Mapping[str, Any]:
    """The unknown keys of one record, decoded, from its key-pass struct."""
    extra: dict[str, Any] = {}
    for index in range(keys.known, len(keys.names)):
        value = getattr(raw, f"k{index}")
        if value is not msgspec.UNSET:
            extra[keys.names[index]] = msgspec.json.decode(value)
    return extra


def _attach_extra(model: Any, extra: Mapping[str, Any]) -> None:
    # The instance is brand new and not yet shared: setting the frozen field once, as
    # attrs' own __init__ does, is safe.
    object.__setattr__(model, "extra", MappingProxyType(dict(extra)) if extra else _EMPTY)


_EMPTY: Mapping[str, Any] = MappingProxyType({})
