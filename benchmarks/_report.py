"""The results table on stdout and in ``benchmarks/RESULTS.md`` (machine, versions, date)."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from benchmarks._measure import Context, Row
from benchmarks._profile import Split, split_table

__all__ = ["RESULTS", "profile_section", "table", "write_results"]

RESULTS = Path(__file__).with_name("RESULTS.md")
_PACKAGES = (
    *("virtnum", "aiohttp", "yarl", "msgspec", "cattrs", "attrs", "anyio", "pydantic"),
    *("urllib3", "requests", "httpx"),
)
_MARK = {True: "✓", False: "✗", None: "–"}
NOTES_MARKER = "<!-- Hand-written notes below this line are kept by --write-results. -->"


def table(rows: Sequence[Row]) -> str:
    """A Markdown table (also readable as plain text)."""
    lines = [
        "| # | measure | SDK | baseline | ratio SDK/baseline (range of rounds) | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = (row.scenario, row.measure, row.sdk, row.baseline, row.ratio, row.target)
        lines.append("| " + " | ".join(cells) + f" | {_MARK[row.met]} |")
    return "\n".join(lines)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB RAM"
    except OSError:
        pass
    return "RAM unknown"


def _git() -> str:
    root = RESULTS.parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "virtnum"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head or 'unknown'}{' + uncommitted changes in virtnum/' if dirty else ''}"


def _versions() -> str:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def profile_section(splits: Sequence[Split]) -> str:
    """RESULTS.md's "where the time goes" section: cProfile's own time per request."""
    return f"""## Where the time goes (cProfile, µs per request)
Each side of scenarios 1, 3 and 5 run once under cProfile after the timed run, at the
same sizes (`python -m benchmarks --profile --only 1 --only 3 --only 5` prints this
table and the top functions): every function's own time (`tottime`), summed by where it
lives, divided by the number of requests. "virtnum/": Python code in the package;
"aiohttp": aiohttp and its helpers (yarl, multidict, propcache, aiosignal, frozenlist,
aiohappyeyeballs), Python and C; "asyncio": its Python code and its C tasks; "sockets,
epoll": the system calls (send, recv, connect, and the wait in `epoll.poll` for the
server's answer); "rest": the rest of the stdlib and of C code (msgspec's decoding
among it). cProfile adds a cost to every Python function call and almost none to C
code, so it inflates pure-Python code (virtnum's, asyncio's, much of aiohttp's) against
C: read the columns as relative costs, not as the unprofiled split; the real time per
request is in the table above.

{split_table(splits)}
"""


def write_results(
    rows: Sequence[Row], ctx: Context, elapsed: float, splits: Sequence[Split] = ()
) -> None:
    """Rewrite RESULTS.md with this run's table, its profile split and where it ran."""
    profiled = profile_section(splits) + "\n" if splits else ""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    missed = sorted({r.scenario for r in rows if r.met is False})
    verdict = f"{sum(r.met is True for r in rows)} of {sum(r.met is not None for r in rows)}"
    if missed:
        verdict += f" (missed in scenario {', '.join(missed)})"
    text = f"""# Benchmark results

Written by `python -m benchmarks --write-results` (run from the repository root); re-run
it after a change that can affect speed or memory. Absolute numbers drift from run to
run on a shared machine: compare the ratios.

- Date: {now}; whole run (server start included): {elapsed:.0f} s
- Machine: {_cpu()}, {cpus} CPUs usable, {_memory()}; {platform.platform()}
- Python {platform.python_version()} ({platform.python_implementation()}); {_versions()}
- Commit: {_git()}
- Rounds: {ctx.rounds}; targets met: {verdict}

{_method(ctx)}

## Results
{table(rows)}

{profiled}{NOTES_MARKER}
{_notes()}"""
    RESULTS.write_text(text, encoding="utf-8")


def _method(ctx: Context) -> str:
    """How the numbers were taken (RESULTS.md's Method section)."""
    return f"""## Method
- The server is `virtnum.testing.FakeServer` ({ctx.sizes.listing:,} synthetic numbers,
  `record_requests=False`) in a separate process on 127.0.0.1; the client side runs in
  this process. Each scenario has its own event loop, SDK client and aiohttp session
  (aiohttp's defaults), warmed up before timing.
- SDK and baseline run alternately with a `gc.collect()` before each run and the
  garbage collector otherwise on (the SDK pauses it itself around bodies over 1 MiB;
  the baselines and references are called plainly). In scenarios 1, 2, 3 and 5, and for
  scenario 4's one-page listing ({ctx.sizes.page_requests:,} GETs of the first
  {ctx.sizes.page_size:,}-record page per side and round) and its decodes of that page
  ({ctx.sizes.page_decodes:,} per round), each round is cut into {ctx.sizes.blocks}
  blocks and the sides alternate block by block (the side that goes first rotates), so
  both see the same moments of a noisy machine; a round's time is the sum of its
  blocks. Scenarios 2 and 3 share one interleaved baseline (with scenario 3 also
  `resp.read()` alone and the ideal pool, below). Scenario 8 ({ctx.sizes.concern_calls:,}
  sequential `get` per client and round) is cut the same way; each concern has a client
  (and session) of its own, the all-off client is every row's baseline.
- Cells show medians over the rounds; "ratio" is the ratio of the medians, SDK over
  baseline (throughput for scenarios 1–3, time or bytes otherwise), with the lowest and
  highest per-round ratio in brackets.
- Memory. "Retained" = `tracemalloc` traced memory still allocated after building the
  result and a full collection, minus before (deterministic; Python allocations only),
  in separate untimed runs. "Peak RSS growth" = the resident-set high-water mark
  (`VmHWM`, reset just before the work) minus the RSS before it, in a fresh process per
  measurement (`_rss.py`), the median of 3 such processes per side. tracemalloc's own
  peak is shown for scenario 4 but not used for targets: it sees only Python's
  allocator, not what the OS backs with memory.
- Baselines: aiohttp `session.get` + `await resp.json()` (stdlib `json`) of the same
  URL; for bulk gets, the same under `asyncio.gather` + `asyncio.Semaphore`. The SDK
  decodes with `decode_list` (msgspec straight into its frozen attrs models, after a key
  pass that learns unknown keys). Outside references for decoding alone, on the same
  bytes: msgspec into equivalent frozen `Struct`s, and pydantic v2
  `TypeAdapter(list[Model]).validate_json` into equivalent frozen, strict models (rows
  left out when pydantic is not installed).
- Scenario 7 (`cli`): each command in a fresh process (`python -m virtnum numbers ...`,
  stdout to a file), started by a small launcher that reports its wall time and peak
  RSS (`ru_maxrss` from `os.wait4`), beside `_cli_baseline.py` (urllib, `json.loads`,
  `csv`/`json`; 16 threads for `get`), one run each per round, alternating.
- Scenario 3's ideal pool (the limit): {ctx.sizes.concurrency} worker tasks sharing one
  iterator of ids on a plain aiohttp session, each `resp.read()` then
  `msgspec.json.Decoder(VirtualNumber).decode` straight into the SDK's attrs model (the
  FakeServer's synthetic records never send `null` for `from_redirect_numbers`, which
  msgspec would refuse, so no rewrite is needed; checked equal to `get_many`'s models).
- Scenario 5 runs in this process (both cores free) and again in a child process pinned
  to one core with `os.sched_setaffinity` before it starts a thread (every thread
  inherits it). "Inside a running event loop": a blocking `Client.get` from an `async
  def` on the running loop, which hops to the client's background loop thread.
- Scenario 9 (`cold-start`): each command a fresh `python` process in a user's
  environment (no `PYTHON*` variables: bytecode written by a warm-up run of each), started
  by a `python -I -S` launcher that times it from spawn to exit (`VIRTNUM_TOKEN` and
  `VIRTNUM_BASE_URL` point at the FakeServer); the commands take turns,
  {ctx.sizes.cold_starts} runs each per round; cells are medians over every run.
- Scenario 10 (`peers`): the clients a user would otherwise pick, each with its
  defaults, environment proxies off (as the SDK's default), no status check.
  {ctx.sizes.peer_gets:,} blocking gets per side and round, one after the other, in
  {ctx.sizes.blocks} interleaved blocks: `Client.numbers.get` against urllib3 (a
  `PoolManager`, `json.loads` of `resp.data`), requests (a `Session`, `resp.json()`)
  and httpx (an `httpx.Client`, `model_validate_json` of `resp.content` into the pydantic
  model of scenario 4's reference, one record). Bulk: `get_many` of {ctx.sizes.peer_bulk:,}
  ids against an `httpx.AsyncClient` + pydantic under gather + `Semaphore`, at
  concurrency {ctx.sizes.concurrency} both. The ratio is the peer's time over virtnum's
  (above 1: virtnum is faster); the CPU rows are virtnum's client CPU over the peer's.
  A peer that is not installed gets a row saying so (`pip install 'virtnum[bench]'`)."""


def _notes() -> str:
    """The hand-written part of the current RESULTS.md (analysis of the numbers)."""
    try:
        current = RESULTS.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    _, found, notes = current.partition(NOTES_MARKER)
    return notes.lstrip("\n") if found else ""
