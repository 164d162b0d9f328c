"""Peak resident memory of one listing, measured in a fresh process.

tracemalloc counts only what goes through Python's allocator and says nothing of what
the OS actually backs with memory (or of fragmentation once blocks are freed). The RSS
high-water mark of a fresh process (Linux ``VmHWM``, reset just before the work) is what
the machine actually pays.

Child side: ``python -m benchmarks._rss --url U --token T --what WHAT [--page-size N]``
prints one JSON line; parent side: ``peak_rss(...)``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "PeakRSS", "peak_rss"]

_ROOT = Path(__file__).resolve().parent.parent
KINDS = ("list", "iter", "raw-list")


@dataclass(frozen=True)
class PeakRSS:
    """Growth of the resident set at its peak during the work, and the work's duration."""

    peak: int
    elapsed: float
    items: int


def peak_rss(url: str, token: str, what: str, page_size: int, *, timeout: float = 300) -> PeakRSS:
    """Run one listing (``list``: the SDK's ``list()``; ``iter``: a whole ``iter`` pass,
    items not kept; ``raw-list``: aiohttp + ``resp.json()``) in a fresh process."""
    argv = ["--url", url, "--token", token, "--what", what, "--page-size", str(page_size)]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks._rss", *argv],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the RSS probe ({what}) failed:\n{done.stderr[-2000:]}")
    return PeakRSS(**json.loads(done.stdout.strip().splitlines()[-1]))


def _status(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no {field} in /proc/self/status (Linux only)")
    return int(found.group(1)) * 1024


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


async def _probe(url: str, token: str, what: str, page_size: int) -> dict[str, Any]:
    import aiohttp

    from benchmarks._baseline import raw_list
    from virtnum import AsyncClient

    async with aiohttp.ClientSession() as session, AsyncClient(token, base_url=url) as client:
        await client.numbers.get(1)  # open the connections and warm up both sides
        async with session.get(f"{url}/numbers/virtual-number/1", headers={"Authorization": token}):
            pass
        gc.collect()
        before = _status("VmRSS")
        _reset_peak()
        result: Any = None  # kept alive until the peak is read
        started = time.perf_counter()
        if what == "list":
            result = await client.numbers.list()
            items = len(result)
        elif what == "raw-list":
            result = await raw_list(session, url, token)
            items = len(result)
        else:
            items = 0
            async for _ in client.numbers.iter(page_size=page_size):
                items += 1
        elapsed = time.perf_counter() - started
        peak = _status("VmHWM") - before
        del result
    return {"peak": peak, "elapsed": elapsed, "items": items}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--what", choices=KINDS, required=True)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args(argv)
    if not args.url.startswith("http://127.0.0.1:"):
        parser.error("the probe only talks to a server on 127.0.0.1")
    print(json.dumps(asyncio.run(_probe(args.url, args.token, args.what, args.page_size))))


if __name__ == "__main__":
    main()
