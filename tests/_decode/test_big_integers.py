"""Integers past 64 bits keep every digit (msgspec 0.18.5-0.18.6 decoded
19446744073709551617 as 1000000000000000001: the floor is 0.19.0)."""

from __future__ import annotations

from virtnum import VirtualNumber
from virtnum._decode.converter import CODECS

BIG = 19446744073709551617


def test_an_integer_past_64_bits_is_decoded_exactly() -> None:
    body = f'{{"id": {BIG}, "employee_id": {BIG + 1}}}'.encode()
    number = CODECS[VirtualNumber].fast.decode_one(body)
    assert (number.id, number.employee_id) == (BIG, BIG + 1)
