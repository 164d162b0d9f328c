"""What the SDK is compared with: hand-written aiohttp calls, and outside decoders.

The outside references decode the same bytes into equivalent frozen classes: msgspec
``Struct``s (msgspec's own fastest path; the SDK uses msgspec too, but into its attrs
models) and pydantic v2 models through ``TypeAdapter.validate_json`` (scenario 10
validates one record with the same model). pydantic is optional: ``pydantic_model()`` and
``pydantic_decoder()`` return None when it is not installed.
"""

from __future__ import annotations

import asyncio
import functools
import operator
import typing
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar

import aiohttp
import attrs
import msgspec

from virtnum.models import TOLERANT_ENUMS, RedirectNumber, VirtualNumber

__all__ = [
    "PATH",
    "NumberStruct",
    "decode_structs",
    "first_page",
    "gather_limited",
    "pydantic_decoder",
    "pydantic_model",
    "raw_bytes",
    "raw_get",
    "raw_list",
    "raw_read",
    "repeat",
    "sequential",
    "worker_pool",
]

PATH = "/numbers/virtual-number"
T = TypeVar("T")


async def raw_get(session: aiohttp.ClientSession, url: str, token: str, id: int) -> Any:
    """GET one number: ``session.get`` + ``resp.json()``, nothing else."""
    async with session.get(f"{url}{PATH}/{id}", headers={"Authorization": token}) as resp:
        return await resp.json()


async def raw_read(session: aiohttp.ClientSession, url: str, token: str, id: int) -> bytes:
    """GET one number: ``session.get`` + ``resp.read()``, no decoding at all."""
    async with session.get(f"{url}{PATH}/{id}", headers={"Authorization": token}) as resp:
        return await resp.read()


# The FakeServer's synthetic records always send a list for ``from_redirect_numbers``
# (msgspec refuses ``null`` for that tuple field), so the bodies are decoded as they come.
_one_number = msgspec.json.Decoder(VirtualNumber)


async def worker_pool(
    session: aiohttp.ClientSession, url: str, token: str, ids: Iterable[int], workers: int
) -> list[VirtualNumber]:
    """The ideal bulk lookup: ``workers`` tasks sharing one id iterator, each body read and
    decoded by msgspec straight into the SDK's attrs ``VirtualNumber`` (in ``ids``' order)."""
    wanted = list(ids)
    found: list[Any] = [None] * len(wanted)
    pending = iter(enumerate(wanted))
    headers, decode = {"Authorization": token}, _one_number.decode

    async def worker() -> None:
        for index, id in pending:
            async with session.get(f"{url}{PATH}/{id}", headers=headers) as resp:
                found[index] = decode(await resp.read())

    await asyncio.gather(*(worker() for _ in range(min(workers, len(wanted)))))
    return found


def first_page(size: int) -> dict[str, str]:
    """The query of the first page of ``size`` records, as the SDK's paginator sends it."""
    return {"_page": "1", "_limit": str(size)}


async def raw_list(
    session: aiohttp.ClientSession, url: str, token: str, params: Mapping[str, str] | None = None
) -> Any:
    """GET the listing (or a page of it) as dicts with ``resp.json()`` (stdlib ``json``)."""
    async with session.get(f"{url}{PATH}", params=params, headers={"Authorization": token}) as resp:
        return await resp.json()


async def raw_bytes(
    session: aiohttp.ClientSession, url: str, token: str, params: Mapping[str, str] | None = None
) -> bytes:
    """The listing's (or a page's) body, undecoded (input of the decode-only measurements)."""
    async with session.get(f"{url}{PATH}", params=params, headers={"Authorization": token}) as resp:
        resp.raise_for_status()
        return await resp.read()


async def sequential(get: Callable[[int], Awaitable[T]], ids: Iterable[int]) -> list[T]:
    """One call after the other."""
    return [await get(id) for id in ids]


async def repeat(work: Callable[[], Awaitable[Any]], times: int) -> None:
    """``times`` calls one after the other, each result dropped at once."""
    for _ in range(times):
        await work()


async def gather_limited(
    get: Callable[[int], Awaitable[T]], ids: Iterable[int], concurrency: int
) -> list[T]:
    """The hand-written bulk get: ``asyncio.gather`` with a ``Semaphore``."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(id: int) -> T:
        async with semaphore:
            return await get(id)

    return await asyncio.gather(*(one(id) for id in ids))


def _swapped(hint: Any, swap: Mapping[Any, Any]) -> Any:
    """``hint`` with each class in ``swap`` replaced, inside unions and tuples too."""
    args = typing.get_args(hint)
    if not args:
        return swap.get(hint, hint)
    swapped = tuple(_swapped(arg, swap) for arg in args)
    if typing.get_origin(hint) is tuple:
        return tuple[swapped]
    return functools.reduce(operator.or_, swapped)


def _fields(cls: type[Any], swap: Mapping[Any, Any]) -> list[tuple[str, Any, Any]]:
    """The API fields (all but ``extra``) of the attrs model ``cls`` as ``(name, type,
    default)``, the types with ``swap``'s replacements (``attrs.NOTHING``: no default)."""
    hints = typing.get_type_hints(cls)
    return [
        (field.name, _swapped(hints[field.name], swap), field.default)
        for field in attrs.fields(cls)
        if field.name != "extra"
    ]


def _struct(name: str, cls: type[Any], swap: Mapping[Any, Any]) -> Any:
    """A frozen msgspec ``Struct`` with the fields of ``cls`` (same names, types, defaults)."""
    fields = [spec[:2] if spec[2] is attrs.NOTHING else spec for spec in _fields(cls, swap)]
    return msgspec.defstruct(name, fields, frozen=True)


# The models' fields (without ``extra``), with the same enums: derived, so they cannot drift.
RedirectStruct = _struct("RedirectStruct", RedirectNumber, {})
NumberStruct = _struct("NumberStruct", VirtualNumber, {RedirectNumber: RedirectStruct})

_decoder = msgspec.json.Decoder(list[NumberStruct])


def decode_structs(raw: bytes) -> list[Any]:
    return _decoder.decode(raw)


@functools.cache
def pydantic_decoder() -> Callable[[bytes], list[Any]] | None:
    """``TypeAdapter(list[NumberModel]).validate_json`` (see ``pydantic_model``); None when
    pydantic is not installed."""
    model = pydantic_model()
    if model is None:
        return None
    from pydantic import TypeAdapter

    decode: Callable[[bytes], list[Any]] = TypeAdapter(list[model]).validate_json
    return decode


@functools.cache
def pydantic_model() -> type[Any] | None:
    """A frozen, strict pydantic v2 model with the fields of ``VirtualNumber`` (enums as
    plain ``str``, unknown keys ignored); None when pydantic is not installed."""
    try:
        from pydantic import ConfigDict, create_model
    except ImportError:
        return None

    config = ConfigDict(frozen=True, strict=True)

    def model(name: str, cls: type[Any], swap: Mapping[Any, Any]) -> Any:
        fields = {
            field: (hint, ... if default is attrs.NOTHING else default)
            for field, hint, default in _fields(cls, swap)
        }
        return create_model(name, __config__=config, **fields)

    as_str: dict[Any, Any] = dict.fromkeys(TOLERANT_ENUMS, str)
    redirect = model("RedirectModel", RedirectNumber, as_str)
    return model("NumberModel", VirtualNumber, {**as_str, RedirectNumber: redirect})
