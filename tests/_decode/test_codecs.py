"""A codec is read off its attrs class: the fixes msgspec needs come from the converters."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from virtnum import AvailableMobileNumber, VirtualNumber
from virtnum._decode.codecs import Codec, derived_fixes
from virtnum._decode.converter import converter


def _tuple_or_empty(value: Any) -> tuple[str, ...]:
    return () if value is None else tuple(value)


def _upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Gadget:
    """A model the SDK does not have, with converters of both kinds."""

    id: int
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tuple_or_empty)
    code: str | None = attrs.field(default=None, converter=_upper)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_read_only)


def test_the_models_fixes_come_from_their_converters() -> None:
    assert derived_fixes(VirtualNumber) == ({"from_redirect_numbers": b"[]"}, {})
    fills, converters = derived_fixes(AvailableMobileNumber)
    assert fills == {}
    assert list(converters) == ["dgn_number"]


def test_a_new_model_decodes_fast_as_attrs_builds_it() -> None:
    attrs.resolve_types(Gadget)
    codec = Codec(Gadget, converter)
    page = [
        {"id": 1, "tags": None, "code": "ab"},
        {"id": 2, "tags": ["x"], "code": None, "surprise": 3},
    ]
    assert codec.fast is not None
    fast = codec.fast.decode_many(json.dumps(page).encode())
    known = attrs.fields_dict(Gadget).keys() - {"extra"}
    built = [
        Gadget(
            **{k: v for k, v in r.items() if k in known},
            extra={k: v for k, v in r.items() if k not in known},
        )
        for r in page
    ]
    assert fast == built
    assert [(g.tags, g.code, dict(g.extra)) for g in fast] == [
        ((), "AB", {}),
        (("x",), None, {"surprise": 3}),
    ]
