"""What the SDK is compared with: hand-written aiohttp calls and msgspec Structs.

msgspec is an outside reference for decoding speed and memory, not a dependency of the SDK.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import aiohttp
import msgspec

from virtnum.models import VIRTUAL_NUMBER_FIELDS, NumberType, Purpose, State

__all__ = [
    "PATH",
    "NumberStruct",
    "decode_structs",
    "gather_limited",
    "raw_bytes",
    "raw_get",
    "raw_list",
    "sequential",
]

PATH = "/numbers/virtual-number"
T = TypeVar("T")


async def raw_get(session: aiohttp.ClientSession, url: str, token: str, id: int) -> Any:
    """GET one number: ``session.get`` + ``resp.json()``, nothing else."""
    async with session.get(f"{url}{PATH}/{id}", headers={"Authorization": token}) as resp:
        return await resp.json()


async def raw_list(session: aiohttp.ClientSession, url: str, token: str) -> Any:
    """GET the whole listing as dicts with ``resp.json()`` (stdlib ``json.loads``)."""
    async with session.get(f"{url}{PATH}", headers={"Authorization": token}) as resp:
        return await resp.json()


async def raw_bytes(session: aiohttp.ClientSession, url: str, token: str) -> bytes:
    """The listing's body, undecoded (input of the decode-only measurements)."""
    async with session.get(f"{url}{PATH}", headers={"Authorization": token}) as resp:
        resp.raise_for_status()
        return await resp.read()


async def sequential(get: Callable[[int], Awaitable[T]], ids: Iterable[int]) -> list[T]:
    """One call after the other."""
    return [await get(id) for id in ids]


async def gather_limited(
    get: Callable[[int], Awaitable[T]], ids: Iterable[int], concurrency: int
) -> list[T]:
    """The hand-written bulk get: ``asyncio.gather`` with a ``Semaphore``."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(id: int) -> T:
        async with semaphore:
            return await get(id)

    return await asyncio.gather(*(one(id) for id in ids))


class RedirectStruct(msgspec.Struct, frozen=True):
    id: int
    number: str | None = None


class NumberStruct(msgspec.Struct, frozen=True):
    """The fields of ``VirtualNumber`` (without ``extra``), with the same enums."""

    id: int
    number: str | None = None
    comment: str | None = None
    type: NumberType | None = None
    purpose: Purpose | None = None
    scenario_id: int | None = None
    group_scenario_id: int | None = None
    group_id: int | None = None
    is_scenario_active: bool | None = None
    is_group_scenario_active: bool | None = None
    state: State | None = None
    reason: str | None = None
    from_redirect_numbers: tuple[RedirectStruct, ...] = ()
    employee_id: int | None = None
    redirect_number: str | None = None
    dgn_number: str | None = None
    region_name: str | None = None
    app_id: int | None = None
    nc_type: str | None = None
    sip_uri: str | None = None


if NumberStruct.__struct_fields__ != VIRTUAL_NUMBER_FIELDS:  # keep the reference equivalent
    raise RuntimeError("benchmarks: NumberStruct no longer matches VirtualNumber's fields")

_decoder = msgspec.json.Decoder(list[NumberStruct])


def decode_structs(raw: bytes) -> list[NumberStruct]:
    return _decoder.decode(raw)
