"""Scenario 7: the command line at account scale. Each command runs in a fresh process
(``python -m virtnum ...``, stdout to a file: piped) beside a plain-Python script doing
the same job (``_cli_baseline.py``: urllib, ``json.loads``, ``csv``/``json``), the two
interleaved round by round; wall time and the child's peak RSS (``ru_maxrss`` from
``os.wait4``) are compared."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks._measure import (
    Context,
    Row,
    Timer,
    alternate,
    info_row,
    log,
    memory_row,
    time_row,
)
from benchmarks._terminal import run_on_terminal

__all__ = ["cli_commands"]

_ROOT = Path(__file__).resolve().parent.parent
_BASELINE = Path(__file__).with_name("_cli_baseline.py")


@dataclass(frozen=True)
class _Case:
    label: str
    sdk: list[str]  # after ``python -m virtnum``
    base: str  # the baseline script's FORMAT
    check: Callable[[str], int]  # the number of records in the SDK's output
    time_target: float | None
    rss_target: float | None
    stdin: str | None = None  # the file (in the work directory) on stdin
    base_cli: list[str] | None = None  # the baseline is this ``virtnum numbers`` command
    expected: int | None = None  # records in the SDK's output (default: the listing)
    terminal: bool = False  # stdout on a pseudo-terminal, not a file
    base_args: tuple[str, ...] = ()  # after the baseline script's FORMAT


def _lines(skip: int) -> Callable[[str], int]:
    return lambda text: text.count("\n") - skip


def _json_records(text: str) -> int:
    return len(json.loads(text))


def _cases(ctx: Context) -> list[_Case]:
    pages = str(ctx.sizes.page_size)
    return [
        _Case("table piped", ["list"], "table", _lines(4), 1.5, None),
        _Case("table on a terminal", ["list"], "table", _lines(4), 1.5, None, terminal=True),
        _Case("csv", ["list", "--format", "csv"], "csv", _lines(1), 1.2, 1.0),
        _Case("jsonl", ["list", "--format", "jsonl"], "jsonl", _lines(0), 1.2, 1.0),
        _Case("json", ["list", "--format", "json"], "json", _json_records, None, None),
        _Case(
            f"csv --page-size {pages}",
            ["list", "--format", "csv", "--page-size", pages],
            "csv",
            _lines(1),
            None,  # one request per page: the price of memory bounded by a page
            1.0,
        ),
        _Case(
            f"get - ({ctx.sizes.cli_gets:,} ids), csv",
            ["get", "-", "--format", "csv"],
            "get",
            _lines(1),
            None,
            None,
            stdin="ids",
            expected=ctx.sizes.cli_gets,
        ),
    ]


def _apply_case(ctx: Context, workdir: Path) -> _Case:
    """``numbers apply FILE --dry-run`` (fetch + diff) of ids 1..N, each comment changed,
    against ``numbers get -`` of the same ids: the CLI's ``get_many`` alone."""
    rows = ctx.sizes.cli_gets
    edits = workdir / "apply.csv"
    edits.write_text("id,comment\n" + "".join(f"{i},bench edit {i}\n" for i in range(1, rows + 1)))
    (workdir / "apply-ids").write_text("".join(f"{i}\n" for i in range(1, rows + 1)))
    return _Case(
        f"apply --dry-run ({rows:,} rows) vs get -",
        ["apply", str(edits), "--dry-run"],
        "",
        _lines(0),  # a plan line per row: its comment
        2.0,
        None,
        stdin="apply-ids",
        base_cli=["get", "-", "--format", "csv"],
        expected=rows,
    )


def _xlsx_cases(ctx: Context, workdir: Path) -> list[_Case]:
    """``numbers list --format xlsx --output FILE`` (openpyxl's write-only mode), in one
    request and page by page (memory bounded by a page), beside a script writing the
    same workbook with openpyxl; the records are counted in the file."""
    sdk, base = workdir / "sdk.xlsx", workdir / "base.xlsx"

    def rows(_: str) -> int:
        with zipfile.ZipFile(sdk) as book:
            return book.read("xl/worksheets/sheet1.xml").count(b"<row ") - 1

    command = ["list", "--format", "xlsx", "--output", str(sdk)]
    pages = ["--page-size", str(ctx.sizes.page_size)]
    return [  # no time target: the figures are for the docs
        _Case("xlsx", command, "xlsx", rows, None, 1.0, base_args=(str(base),)),
        _Case(
            f"xlsx {' '.join(pages)}",
            [*command, *pages],
            "xlsx",
            rows,
            None,
            1.0,
            base_args=(str(base),),
        ),
    ]


@dataclass(frozen=True)
class _Run:
    wall: float
    cpu: float
    peak: int  # bytes
    output: str
    first_row: float | None = None  # on a terminal: seconds to the first table row
    decoded: float | None = None  # on a terminal: seconds to the SDK's "decoded" log line


# The command is started by a small launcher, not by this process: Linux carries the
# high-water RSS of a process over ``exec``, and a child forked from this (big) process
# would report at least this process's size. The launcher (``python -I -S``, a few MB)
# spawns the command, times it from spawn to exit and writes its rusage to a file.
_LAUNCH = """import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
code = os.waitstatus_to_exitcode(status)
result = [code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024]
with open(sys.argv[1], "w") as out:
    json.dump(result, out)
"""


def _run(
    argv: list[str], env: dict[str, str], stdin: Path | None, workdir: Path, terminal: bool
) -> _Run:
    """One command in a fresh process: its wall time, CPU time, peak RSS and stdout (on
    a terminal, also when its first row and its "decoded" log line came)."""
    out, err, result = workdir / "stdout", workdir / "stderr", workdir / "rusage.json"
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCH, str(result), *argv]
    marks: tuple[float | None, float | None]
    if terminal:
        shown = run_on_terminal(launcher, {**env, "VIRTNUM_LOG": "debug"}, stdin)
        output, log, marks = shown.output, shown.log, (shown.first_row, shown.decoded)
    else:
        with (
            out.open("w") as stdout,
            err.open("w") as stderr,
            stdin.open() if stdin else open(os.devnull) as source,
        ):
            subprocess.run(
                launcher, stdin=source, stdout=stdout, stderr=stderr, env=env, check=True
            )
        output, log, marks = out.read_text(encoding="utf-8"), err.read_text(), (None, None)
    code, wall, cpu, peak = json.loads(result.read_text())
    if code != 0:
        raise RuntimeError(f"{argv[1:]} exited {code}:\n{log[-2000:]}")
    return _Run(wall, cpu, peak, output, *marks)


def cli_commands(ctx: Context) -> list[Row]:
    """Scenario 7: ``numbers list`` in each format (xlsx to a file) and ``numbers get -``,
    against the baseline scripts; ``numbers apply --dry-run`` against ``numbers get -``."""
    total, gets = ctx.sizes.listing, ctx.sizes.cli_gets
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTNUM_"))}
    env.update(VIRTNUM_BASE_URL=ctx.url, VIRTNUM_TOKEN=ctx.token)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="virtnum-cli-bench-") as tmp:
        workdir = Path(tmp)
        ids = workdir / "ids"
        ids.write_text("\n".join(str(1 + i * (total // gets)) for i in range(gets)) + "\n")
        cases = [*_cases(ctx), *_xlsx_cases(ctx, workdir), _apply_case(ctx, workdir)]
        for case in cases:
            log(f"  {case.label}")
            stdin = workdir / case.stdin if case.stdin else None
            rows.extend(_compare(ctx, case, env, workdir, stdin))
    return rows


def _argvs(ctx: Context, case: _Case) -> dict[str, list[str]]:
    """The command lines of the SDK's side and the baseline's."""
    cli = [sys.executable, "-m", "virtnum", "numbers"]
    if case.base_cli:
        base = [*cli, *case.base_cli]
    else:
        base = [sys.executable, str(_BASELINE), ctx.url, ctx.token, case.base, *case.base_args]
    return {"sdk": [*cli, *case.sdk], "base": base}


def _compare(
    ctx: Context, case: _Case, env: dict[str, str], workdir: Path, stdin: Path | None
) -> list[Row]:
    expected = ctx.sizes.listing if case.expected is None else case.expected
    peaks: dict[str, list[int]] = {"sdk": [], "base": []}
    firsts: dict[str, list[float]] = {"sdk": [], "base": [], "after decoding": []}
    argvs = _argvs(ctx, case)

    def timer(name: str) -> Timer:
        def measure(_: int) -> tuple[float, float]:
            done = _run(argvs[name], env, stdin, workdir, case.terminal)
            if name == "sdk" and (found := case.check(done.output)) != expected:
                raise RuntimeError(f"{case.label}: {found} records, not {expected}")
            peaks[name].append(done.peak)
            if done.first_row is not None:
                firsts[name].append(done.first_row)
            if name == "sdk" and case.terminal:
                if done.decoded is None or done.first_row is None:
                    raise RuntimeError(f"{case.label}: no 'decoded' line in the SDK's log")
                firsts["after decoding"].append(done.first_row - done.decoded)
            return done.wall, done.cpu

        return measure

    contenders = {name: timer(name) for name in argvs}
    for measure in contenders.values():  # warm-up: bytecode caches, the server's
        measure(0)
    for found in peaks.values():
        found.clear()
    for seen in firsts.values():
        seen.clear()
    samples = alternate(ctx.rounds, contenders)
    sdk_peak, base_peak = (int(statistics.median(peaks[name])) for name in argvs)
    first_rows = _first_rows(case, firsts) if case.terminal else []
    return [
        time_row(
            "7 cli",
            f"{case.label}: wall",
            samples["sdk"],
            samples["base"],
            at_most=case.time_target,
        ),
        memory_row(
            "7 cli", f"{case.label}: peak RSS", sdk_peak, base_peak, at_most=case.rss_target
        ),
        *first_rows,
    ]


_FIRST_ROW_TARGET = 1.0  # seconds from the decoded listing to its first row on screen


def _first_rows(case: _Case, firsts: dict[str, list[float]]) -> list[Row]:
    """When the first row reached the terminal: from the start (beside the baseline,
    which draws nothing before it has measured every row) and after decoding."""
    after, worst = statistics.median(firsts["after decoding"]), max(firsts["after decoding"])
    return [
        time_row(
            "7 cli",
            f"{case.label}: first row, from start",
            firsts["sdk"],
            firsts["base"],
            at_most=None,
        ),
        info_row(
            "7 cli",
            f"{case.label}: first row after the listing is decoded (median, worst)",
            f"{after:.3f} s, {worst:.3f} s",
            "–",
            f"≤ {_FIRST_ROW_TARGET:.2f} s",
            worst <= _FIRST_ROW_TARGET,
        ),
    ]
