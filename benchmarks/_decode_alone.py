"""Scenario 4's decode-alone rows: one body decoded by the SDK's ``decode_list`` vs
``json.loads``, msgspec Structs and pydantic (when installed), without the network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from benchmarks._baseline import PATH, decode_structs, pydantic_decoder
from benchmarks._measure import Row, Timer, alternate, log, plain, split, time_row
from virtnum import VirtualNumber
from virtnum._decode.decode import decode_list
from virtnum._http.payload import Payload

__all__ = ["block_counts", "decode_rows"]


def block_counts(total: int, blocks: int) -> list[int]:
    """``total`` repetitions cut into ``blocks`` near-equal counts."""
    return [len(chunk) for chunk in split(list(range(total)), blocks)]


def _repeated(work: Callable[[], Any], counts: list[int]) -> Timer:
    """A timer for block ``b``: ``counts[b]`` calls of blocking ``work``, each result
    dropped at once."""

    def block(b: int) -> None:
        for _ in range(counts[b]):
            work()

    return plain(block)


def _decoders(raw: bytes, url: str) -> dict[str, Callable[[], Any]]:
    """Decode-only contenders on one body; the pydantic one only when it is installed."""
    payload = Payload(raw, "GET", f"{url}{PATH}")
    found: dict[str, Callable[[], Any]] = {
        "sdk": lambda: decode_list(payload, VirtualNumber),
        "json": lambda: json.loads(raw),
        "msgspec": lambda: decode_structs(raw),
    }
    pydantic = pydantic_decoder()
    if pydantic is not None:
        found["pydantic"] = lambda: pydantic(raw)
    models = found["sdk"]()
    for name, decode in found.items():
        result = decode()
        assert len(result) == len(models), name
        last = result[-1]
        assert (last["id"] if name == "json" else last.id) == models[-1].id, name
    return found


def decode_rows(
    raw: bytes, url: str, records: int, rounds: int, *, times: int, blocks: int
) -> list[Row]:
    """Decoding one body alone, the SDK's ``decode_list`` vs each outside reference."""
    decoders = _decoders(raw, url)
    size = f"{records:,} records, {_size(raw)}"
    log(f"  list: decoding {size} alone, {rounds} rounds ({', '.join(decoders)})")
    counts = block_counts(times, blocks)
    timers = {name: _repeated(decode, counts) for name, decode in decoders.items()}
    samples = alternate(rounds, timers, blocks=blocks)
    per = f" (time per decode, {times:,} per round)" if times > 1 else ""
    references = {
        "json": "`json.loads` to dicts",
        "msgspec": "msgspec into equivalent frozen Structs",
        "pydantic": "pydantic v2 `TypeAdapter(list[Model]).validate_json`, frozen models",
    }
    rows = []
    for name, label in references.items():
        if name not in samples.wall:
            continue
        rows.append(
            time_row(
                "4",
                f"decode alone ({size}): `decode_list` to models vs {label}{per}",
                samples["sdk"],
                samples[name],
                at_most=None,
                per=times,
            )
        )
    return rows


def _size(raw: bytes) -> str:
    return f"{len(raw) / 1e6:.0f} MB" if len(raw) >= 10**7 else f"{len(raw) / 1e3:.0f} KB"
