"""``python -m benchmarks``: run the scenarios, print the table, optionally write RESULTS.md."""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable

from benchmarks import _cli, _coldstart, _concerns, _http, _listing, _peers, _sync
from benchmarks._measure import FULL, QUICK, Context, Row, log
from benchmarks._profile import profile, split_table, where_time_goes
from benchmarks._report import RESULTS, table, write_results
from benchmarks._server import fake_server

Scenario = Callable[[Context], list[Row]]

SCENARIOS = (
    "get",
    "concurrent",
    "get-many",
    "list",
    "sync",
    "iter",
    "cli",
    "concerns",
    "cold-start",
    "peers",
)
_BY_NUMBER = {str(i): name for i, name in enumerate(SCENARIOS, start=1)}


#: The scenarios that are one step each (2 and 3 share one: see ``_plan``).
_STEPS: dict[str, Scenario] = {
    "get": _http.get_sequential,
    "list": _listing.list_all,
    "sync": _sync.sync_vs_async,
    "iter": _listing.iter_pages,
    "cli": _cli.cli_commands,
    "concerns": _concerns.concerns,
    "cold-start": _coldstart.cold_start,
    "peers": _peers.peers,
}


def _plan(names: list[str]) -> list[tuple[str, Scenario]]:
    """What to run, in order; scenarios 2 and 3 share one interleaved baseline."""
    chosen = set(names)
    steps: list[tuple[str, Scenario]] = []
    for number, name in enumerate(SCENARIOS, start=1):
        if name in chosen and name in _STEPS:
            steps.append((f"{number} {name}", _STEPS[name]))
        elif name == "concurrent" and chosen & {"concurrent", "get-many"}:
            steps.append(_concurrent_step(chosen))
    return steps


def _concurrent_step(chosen: set[str]) -> tuple[str, Scenario]:
    """Scenarios 2 and/or 3, as one step (one baseline for both)."""
    gather, many = "concurrent" in chosen, "get-many" in chosen
    label = " + ".join(n for n, on in (("2 concurrent", gather), ("3 get-many", many)) if on)
    return label, functools.partial(_http.concurrent_gets, gather=gather, get_many=many)


TOKEN = "benchmark-token"


def _scenario(value: str) -> str:
    name = _BY_NUMBER.get(value, value)
    if name not in SCENARIOS:
        choices = ", ".join(f"{n} ({i})" for i, n in _BY_NUMBER.items())
        raise argparse.ArgumentTypeError(f"unknown scenario {value!r}; choose from {choices}")
    return name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark virtnum against raw aiohttp and its peers (urllib3, requests, "
        "httpx + pydantic) on a FakeServer in another process.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and 1 round: only proves the suite runs"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds per scenario (default 5)"
    )
    parser.add_argument(
        "--only",
        type=_scenario,
        action="append",
        metavar="SCENARIO",
        help=f"run only this scenario (name or number 1-{len(SCENARIOS)}; repeatable): "
        + ", ".join(SCENARIOS),
    )
    parser.add_argument(
        "--write-results",
        action="store_true",
        help=f"rewrite {RESULTS.name} with this run (needs a full run of every scenario)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, profile each side of the chosen scenarios with cProfile",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.write_results and (args.quick or args.only or args.profile):
        parser.error("--write-results needs a full run: drop --quick, --only and --profile")
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 5)
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    names = list(dict.fromkeys(args.only or SCENARIOS))
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    log(f"starting the FakeServer ({sizes.listing:,} numbers) in a separate process")
    with fake_server(sizes.listing, TOKEN) as url:
        ctx = Context(url=url, token=TOKEN, sizes=sizes, rounds=rounds)
        if args.profile:
            splits = [row for name in names for row in profile(name, ctx)]
            if splits:
                print("\n## Own time per request, by where the code lives (cProfile)\n")
                print(split_table(splits))
            return 0
        rows: list[Row] = []
        for label, scenario in _plan(names):
            step_started = time.perf_counter()
            log(f"[{label}]")
            rows.extend(scenario(ctx))
            log(f"  done in {time.perf_counter() - step_started:.0f} s")
        elapsed = time.perf_counter() - started
        splits = where_time_goes(ctx) if args.write_results else []
    print(table(rows))
    print(f"\n{rounds} round(s), whole run {elapsed:.0f} s")
    if args.write_results:
        print("\n" + split_table(splits))
        write_results(rows, ctx, elapsed, splits)
        print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted (the server process has been stopped)")
        sys.exit(130)
