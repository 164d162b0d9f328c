"""The strict mirror: a clean page decoded in one pass, anything else left to the key pass."""

from __future__ import annotations

import json
from typing import Any

import attrs
import msgspec
import pytest

from virtnum import VirtualNumber
from virtnum._decode.converter import CODECS
from virtnum._decode.fast import FastDecoder
from virtnum._decode.mirror import strict_mirror
from virtnum._decode.structure import structure_list

from .._support import load_seed

FAST = CODECS[VirtualNumber].fast
FIELDS = CODECS[VirtualNumber].fields


def _counting_key_passes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record every key pass the fast decoder makes (it still makes them)."""
    made: list[bool] = []
    real = FastDecoder._key_pass

    def key_pass(self: Any, body: bytes, *, many: bool) -> Any:
        made.append(many)
        return real(self, body, many=many)

    monkeypatch.setattr(FastDecoder, "_key_pass", key_pass)
    return made


def test_a_clean_page_is_decoded_without_a_key_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _counting_key_passes(monkeypatch)
    page = load_seed("seed_001_list_numbers.json")
    body = json.dumps(page).encode()
    assert FAST is not None
    assert FAST.decode_many(body) == structure_list(page, VirtualNumber)
    assert made == []


def test_a_page_with_a_key_the_model_lacks_takes_the_key_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _counting_key_passes(monkeypatch)
    page = load_seed("seed_001_list_numbers.json")
    page[-1]["added_by_the_api"] = [1, {"a": None}]
    assert FAST is not None
    numbers = FAST.decode_many(json.dumps(page).encode())
    assert made == [True]
    assert numbers[-1].extra == {"added_by_the_api": [1, {"a": None}]}
    assert all(not n.extra for n in numbers[:-1])


def test_the_mirror_refuses_a_key_the_model_lacks() -> None:
    mirror = strict_mirror(VirtualNumber, FIELDS, frozenset())
    assert mirror is not None
    decoder = msgspec.json.Decoder(list[mirror])  # type: ignore[valid-type]
    assert decoder.decode(b'[{"id": 7}]')[0].id == 7
    with pytest.raises(msgspec.ValidationError, match="unknown field"):
        decoder.decode(b'[{"id": 7, "surprise": 1}]')


@attrs.frozen
class _Checked:
    id: int = attrs.field(validator=attrs.validators.gt(0))


@attrs.frozen
class _HoldsChecked:
    id: int
    inner: _Checked | None = None


@attrs.frozen
class _SelfFactory:
    id: int
    label: str = attrs.field(default=attrs.Factory(lambda self: str(self.id), takes_self=True))


@pytest.mark.parametrize(
    ("cls", "fields"), [(_HoldsChecked, ("id", "inner")), (_SelfFactory, ("id", "label"))]
)
def test_a_model_msgspec_cannot_mirror_exactly_gets_no_mirror(
    cls: type[Any], fields: tuple[str, ...]
) -> None:
    """A nested validator (msgspec would not run it) or a default computed from the
    instance: the model keeps the two-pass path."""
    assert strict_mirror(cls, fields, frozenset()) is None
