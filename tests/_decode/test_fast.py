"""The msgspec fast path against the cattrs path: equal models, or equal error paths."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import msgspec
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import virtnum._decode.fast as fast_module
from virtnum import AvailableMobileNumber, ResponseValidationError, VirtualNumber
from virtnum._decode.codecs import Codec
from virtnum._decode.converter import CODECS, converter
from virtnum._decode.decode import decode_list, decode_one
from virtnum._decode.fast import Fallback
from virtnum._decode.structure import structure_list, structure_one
from virtnum._http.payload import Payload

from .._strategies import ANY_JSON, ENUM_VALUES, UNKNOWN_KEYS, records
from .._support import load_seed

FAST = CODECS[VirtualNumber].fast


def _encode(data: Any, spaced: bool) -> bytes:
    separators = (", ", ": ") if spaced else (",", ":")
    return json.dumps(data, ensure_ascii=False, separators=separators).encode()


def _outcome(call: Any) -> Any:
    try:
        return ("ok", call())
    except ResponseValidationError as exc:
        return ("error", exc.errors, exc.partial)


def _payload(body: bytes) -> Payload:
    return Payload(body, "GET", "http://127.0.0.1/numbers/virtual-number")


def _pages(
    record: Callable[[bool], st.SearchStrategy[dict[str, Any]]],
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Pages of up to six of ``record(wrong)``: a page draws ``wrong`` once, for all."""
    return st.booleans().flatmap(lambda wrong: st.lists(record(wrong), max_size=6))


def _assert_paths_agree(
    body: bytes, structure: Any, decode: Any, fast: Any, cls: type[Any] = VirtualNumber
) -> None:
    """The public decode equals the cattrs path on the same JSON; and when the fast path
    alone decides (no fallback), so does its result (``extra`` included: attrs compares it)."""
    expected = _outcome(lambda: structure(json.loads(body), cls))
    assert _outcome(lambda: decode(_payload(body), cls)) == expected
    try:
        result = fast(body)
    except Fallback:
        event("fast path fell back")
        return
    event("fast path decided")
    assert expected == ("ok", result)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=_pages(records), spaced=st.booleans())
def test_a_page_decodes_as_the_cattrs_path_structures_it(
    page: list[dict[str, Any]], spaced: bool
) -> None:
    _assert_paths_agree(_encode(page, spaced), structure_list, decode_list, FAST.decode_many)


@settings(max_examples=300, deadline=None)
@given(record=records(), spaced=st.booleans())
def test_one_record_decodes_as_the_cattrs_path_structures_it(
    record: dict[str, Any], spaced: bool
) -> None:
    _assert_paths_agree(_encode(record, spaced), structure_one, decode_one, FAST.decode_one)


@pytest.mark.parametrize("spaced", [True, False])
def test_seed_pages_take_the_fast_path(spaced: bool) -> None:
    """The documents' own examples (nulls, duplicate keys, Cyrillic 'сompany') need no
    fallback; unknown keys are learned and kept in extra."""
    for name in ("seed_001_list_numbers.json", "seed_002_outbound_numbers.json"):
        page = load_seed(name)
        page[0]["brand_new_field"] = {"nested": [1, None]}
        body = _encode(page, spaced)
        fast = FAST.decode_many(body)
        assert fast == structure_list(json.loads(body), VirtualNumber)
        assert fast[0].extra == {"brand_new_field": {"nested": [1, None]}}
    number = FAST.decode_one(_encode(load_seed("seed_000_get_number.json"), spaced))
    assert number == structure_one(load_seed("seed_000_get_number.json"), VirtualNumber)


def test_null_redirects_in_the_seed_shape_are_decoded_fast() -> None:
    body = b'[{"id": 1, "from_redirect_numbers": null}, {"id": 2,"from_redirect_numbers":null}]'
    assert [n.from_redirect_numbers for n in FAST.decode_many(body)] == [(), ()]


def test_a_page_with_null_redirects_in_any_spacing_is_decoded_in_one_pass() -> None:
    """The strict mirror reads ``null`` as a value, whatever the spacing around it."""
    body = (
        b'[{"id": 1, "from_redirect_numbers" : null}, {"id": 2, "from_redirect_numbers":\n null}]'
    )
    assert [n.from_redirect_numbers for n in FAST.decode_many(body)] == [(), ()]


@pytest.mark.parametrize(
    "body",
    [
        b'[{"id": "1"}]',  # wrong type: cattrs names the path
        b'{"id": 1}',  # an object where an array is expected
        b'[{"id": 1}',  # not JSON
        b'[{"id": 1, "comment": "\\ud800"}]',  # a lone surrogate: stdlib json takes it
    ],
)
def test_what_the_fast_path_cannot_vouch_for_falls_back(body: bytes) -> None:
    with pytest.raises(Fallback):
        FAST.decode_many(body)


def test_a_lone_surrogate_still_decodes_through_the_fallback() -> None:
    (number,) = decode_list(_payload(b'[{"id": 1, "comment": "\\ud800"}]'), VirtualNumber)
    assert number.comment == "\ud800"


def test_unknown_keys_beyond_the_bound_still_decode() -> None:
    for round_ in range(3):
        keys = {f"new_{round_}_{i}": i for i in range(70)}
        body = _encode([{"id": 1, **keys}], spaced=False)
        (number,) = decode_list(_payload(body), VirtualNumber)
        assert dict(number.extra) == keys


AVAILABLE = CODECS[AvailableMobileNumber].fast


@st.composite
def capacity_records(draw: st.DrawFn, wrong: bool = True) -> dict[str, Any]:
    """A capacity record as the documents show it (``""`` for an empty dgn_number),
    fields missing or null, sometimes of a wrong type, unknown keys sometimes."""
    text = st.sampled_from(["", "79261234567", "74951234567"]) | st.text(max_size=6)
    good: dict[str, st.SearchStrategy[Any]] = {
        "id": text,
        "number": text | st.none(),
        "dgn_number": text | st.none(),
        "state": ENUM_VALUES | st.just("error") | st.none(),
    }
    record: dict[str, Any] = {}
    for name, values in good.items():
        if name == "id" or draw(st.booleans()):
            record[name] = draw(st.one_of(values, values, ANY_JSON) if wrong else values)
    for key in draw(st.lists(UNKNOWN_KEYS, max_size=2)):
        record[key] = draw(ANY_JSON)
    return record


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=_pages(capacity_records), spaced=st.booleans())
def test_a_capacity_page_decodes_as_the_cattrs_path_structures_it(
    page: list[dict[str, Any]], spaced: bool
) -> None:
    body = _encode(page, spaced)
    _assert_paths_agree(
        body, structure_list, decode_list, AVAILABLE.decode_many, AvailableMobileNumber
    )


@settings(max_examples=100, deadline=None)
@given(record=capacity_records(), spaced=st.booleans())
def test_one_capacity_record_decodes_as_the_cattrs_path_structures_it(
    record: dict[str, Any], spaced: bool
) -> None:
    body = _encode(record, spaced)
    _assert_paths_agree(
        body, structure_one, decode_one, AVAILABLE.decode_one, AvailableMobileNumber
    )


@pytest.mark.parametrize("spaced", [True, False])
def test_an_empty_dgn_number_is_none_on_both_paths(spaced: bool) -> None:
    page = [
        {"id": "1", "number": "79261234567", "dgn_number": "", "state": "freeze"},
        {"id": "2", "dgn_number": "74951234567", "comment": ""},
    ]
    body = _encode(page, spaced)
    fast = AVAILABLE.decode_many(body)  # decided without a fallback
    assert [n.dgn_number for n in fast] == [None, "74951234567"]
    assert fast == structure_list(page, AvailableMobileNumber)
    assert fast[1].extra == {"comment": ""}  # only the field is read as None
    assert AVAILABLE.decode_one(_encode(page[0], spaced)).dgn_number is None


class _Reworded:
    """A msgspec decoder whose refusals say something else (as a future release might)."""

    def __init__(self, decoder: Any) -> None:
        self._decoder = decoder

    def decode(self, body: bytes) -> Any:
        try:
            return self._decoder.decode(body)
        except msgspec.ValidationError:
            raise msgspec.ValidationError("reworded, with no field name at all") from None


def test_unknown_keys_are_learned_whatever_msgspec_says(monkeypatch: pytest.MonkeyPatch) -> None:
    build = fast_module._Keys.build

    def reworded(names: tuple[str, ...], known: int) -> Any:
        keys = build(names, known)
        return attrs.evolve(keys, one=_Reworded(keys.one), many=_Reworded(keys.many))

    monkeypatch.setattr(fast_module._Keys, "build", reworded)
    decoder = Codec(VirtualNumber, converter).fast
    assert decoder is not None
    (number,) = decoder.decode_many(b'[{"id": 1, "brand_new": [1], "also_new": null}]')
    assert dict(number.extra) == {"brand_new": [1], "also_new": None}
    assert decoder.decode_one(b'{"id": 2, "third": "x"}').extra == {"third": "x"}


def test_a_large_body_is_key_passed_record_by_record(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_module, "_RECORD_BY_RECORD", 0)  # every body counts as large
    decoder = Codec(VirtualNumber, converter).fast
    assert decoder is not None
    page = [{"id": 1}, {"id": 2, "later": 1}, {"id": 3}, {"id": 4, "later": 2, "more": [None]}]
    body = _encode(page, spaced=True)
    assert decoder.decode_many(body) == structure_list(json.loads(body), VirtualNumber)
    assert [dict(n.extra) for n in decoder.decode_many(body)] == [
        {},
        {"later": 1},
        {},
        {"later": 2, "more": [None]},
    ]
    with pytest.raises(Fallback):
        decoder.decode_many(b'[{"id": 1}, 7]')
