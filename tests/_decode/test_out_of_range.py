"""JSON numbers Python cannot hold: kept as their text in ``extra``, refused by path in a
known field, and never a bare msgspec or digit-limit error that breaks other records."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from virtnum import AsyncClient, AvailableMobileNumber, ResponseValidationError, VirtualNumber
from virtnum._decode.converter import CODECS, converter
from virtnum._decode.decode import decode_list, decode_one
from virtnum._http.payload import Payload
from virtnum.testing import FakeServer

from .._support import TOKEN, run_cli

#: Beyond float range; past Python's int-string digit limit (4,300 by default).
ODD_NUMBERS = ["1e400", "-1e400", "9" * 5000, "-" + "9" * 5000]
FAST = CODECS[VirtualNumber].fast
#: A page over the size the fast path reads record by record (``_RECORD_BY_RECORD``).
LARGE = 5 << 20


def _record(number_id: int, key: str, text: str) -> str:
    """A JSON record whose ``key`` holds ``text`` as raw JSON (a number literal)."""
    return json.dumps({"id": number_id, "number": "79201234567", key: "__X__"}).replace(
        '"__X__"', text
    )


def _page(key: str, text: str, *, size: int = 0) -> bytes:
    """Three records, the second with ``key`` set to ``text``; padded past ``size`` bytes
    with plain records."""
    records = [_record(1, "comment", '"a"'), _record(2, key, text), _record(3, "comment", "null")]
    filler = _record(4, "comment", '"b"')
    records += [filler] * (size // len(filler))
    return ("[" + ",".join(records) + "]").encode()


def _payload(body: bytes) -> Payload:
    return Payload(body, "GET", "http://127.0.0.1/numbers/virtual-number")


@pytest.mark.parametrize("text", ODD_NUMBERS)
@pytest.mark.parametrize("size", [0, LARGE])
def test_an_odd_number_in_an_unknown_key_is_kept_as_its_text(text: str, size: int) -> None:
    numbers = decode_list(_payload(_page("x", text, size=size)), VirtualNumber)
    assert [n.id for n in numbers[:3]] == [1, 2, 3]
    assert numbers[1].extra == {"x": text}
    assert type(numbers[1].extra["x"]) is str  # not a subclass: any encoder can write it
    assert msgspec.json.decode(msgspec.json.encode(converter.unstructure(numbers[1])))["x"] == text


@pytest.mark.parametrize("text", ODD_NUMBERS)
def test_one_record_with_an_odd_number_in_an_unknown_key_decodes(text: str) -> None:
    number = decode_one(_payload(_record(7, "x", text).encode()), VirtualNumber)
    assert number.extra == {"x": text}


def test_odd_numbers_nested_in_an_unknown_key_read_the_same_on_both_paths() -> None:
    body = _record(2, "x", '{"a": [1e400, 1.5, 7], "b": ' + "1" * 5000 + "}").encode()
    expected = {"x": {"a": ["1e400", 1.5, 7], "b": "1" * 5000}}
    assert FAST is not None
    assert FAST.decode_one(body).extra == expected
    with pytest.raises(ResponseValidationError) as info:  # the page takes the cattrs path
        decode_list(_payload(b'[{"id": "bad"},' + body + b"]"), VirtualNumber)
    (kept,) = info.value.partial
    assert kept.extra == expected
    assert type(kept.extra["x"]["a"][0]) is str


@pytest.mark.parametrize("text", ["1e400", "9" * 5000])
@pytest.mark.parametrize("key", ["id", "scenario_id", "number"])
def test_an_odd_number_in_a_known_field_is_refused_by_path(key: str, text: str) -> None:
    with pytest.raises(ResponseValidationError) as info:
        decode_list(_payload(_page(key, text)), VirtualNumber)
    ((path, problem),) = info.value.errors
    assert path == f"$[1].{key}"
    assert "number out of range" in problem
    assert [n.id for n in info.value.partial] == [1, 3]


def test_an_odd_number_in_a_nested_or_capacity_record_is_refused_by_path() -> None:
    body = _record(5, "from_redirect_numbers", '[{"id": 1e400}]').encode()
    with pytest.raises(ResponseValidationError) as info:
        decode_one(_payload(body), VirtualNumber)
    assert [path for path, _ in info.value.errors] == ["$.from_redirect_numbers[0].id"]
    with pytest.raises(ResponseValidationError) as info:
        decode_list(_payload(b'[{"id": ' + b"1" * 5000 + b"}]"), AvailableMobileNumber)
    assert info.value.errors == (("$[0].id", "expected string, got number out of range"),)


async def test_list_keeps_every_record_around_an_odd_unknown_key(server: FakeServer) -> None:
    server.faults.garbage(_page("x", "1e400"), count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        numbers = await client.numbers.list()
    assert [(n.id, dict(n.extra)) for n in numbers] == [(1, {}), (2, {"x": "1e400"}), (3, {})]


async def test_get_many_returns_every_result_around_odd_numbers(server: FakeServer) -> None:
    server.faults.garbage(_record(1, "x", "9" * 5000).encode(), count=1)
    server.faults.garbage(_record(2, "scenario_id", "1e400").encode(), count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        found: list[Any] = await client.numbers.get_many(
            [1, 2, 3], concurrency=1, return_exceptions=True
        )
    assert found[0].extra == {"x": "9" * 5000}
    assert isinstance(found[1], ResponseValidationError)
    assert found[1].errors == (("$.scenario_id", "expected integer, got number out of range"),)
    assert found[2].id == 3


def test_the_cli_lists_records_with_an_odd_unknown_key(threaded_server: FakeServer) -> None:
    threaded_server.faults.garbage(_page("x", "1e400"), count=1)
    result = run_cli(threaded_server, "numbers", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [record["id"] for record in json.loads(result.stdout)] == [1, 2, 3]


def test_the_cli_exits_11_naming_the_path_of_an_odd_known_field(
    threaded_server: FakeServer,
) -> None:
    threaded_server.faults.garbage(_page("id", "9" * 5000), count=1)
    result = run_cli(threaded_server, "numbers", "list", "--format", "json")
    assert result.returncode == 11, result.stderr
    assert "$[1].id" in result.stderr
