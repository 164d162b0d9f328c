"""Scenario 9: cold start. Each command is a fresh ``python`` process in a user's
environment (no ``PYTHON*`` variables, so bytecode is written by a warm-up run and read
after), started by a small launcher that times it from spawn to exit; the commands take
turns, run after run, and the cells are medians over every run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._measure import Context, Row, Timer, alternate, log, time_row

__all__ = ["cold_start"]

# Started with ``python -I -S`` (a few ms, outside the measure): the command is spawned
# by a small process rather than by this big one, and timed from spawn to exit.
_LAUNCH = """import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(json.dumps([os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime]))
"""

_COMMANDS = {
    "help": ["-m", "virtnum", "--help"],
    "import virtnum": ["-c", "import virtnum"],
    "get": ["-m", "virtnum", "numbers", "get", "1"],
    "import click": ["-c", "import click"],
    "import aiohttp": ["-c", "import aiohttp"],
    "pass": ["-c", "pass"],
}


def _environment(ctx: Context) -> dict[str, str]:
    """A user's shell: this machine's ``PYTHON*`` and ``VIRTNUM_*`` variables removed,
    the benchmark server's token and URL set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTNUM_"))}
    env.update(VIRTNUM_TOKEN=ctx.token, VIRTNUM_BASE_URL=ctx.url)
    return env


def _timer(name: str, env: dict[str, str], workdir: Path) -> Timer:
    argv = [sys.executable, "-I", "-S", "-c", _LAUNCH, sys.executable, *_COMMANDS[name]]

    def measure(_: int) -> tuple[float, float]:
        done = subprocess.run(
            argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=True
        )
        *output, result = done.stdout.splitlines()
        code, wall, cpu = json.loads(result)
        if code != 0 or (name == "get" and not any(" 1 " in line for line in output)):
            raise RuntimeError(f"{name}: exit {code}\n{done.stdout[-1000:]}{done.stderr[-1000:]}")
        return wall, cpu

    return measure


def cold_start(ctx: Context) -> list[Row]:
    """9. ``virtnum --help``, ``import virtnum`` and ``virtnum numbers get 1``, each a fresh
    process, vs ``import click`` and ``import aiohttp``."""
    runs = ctx.rounds * ctx.sizes.cold_starts
    env = _environment(ctx)
    with tempfile.TemporaryDirectory(prefix="virtnum-cold-") as tmp:
        timers = {name: _timer(name, env, Path(tmp)) for name in _COMMANDS}
        for measure in timers.values():  # warm-up: writes the bytecode caches
            measure(0)
        log(f"  {runs} runs of each command, taking turns ({', '.join(timers)})")
        samples = alternate(runs, timers)
    rows = (
        ("help", "import click", "`virtnum --help` (`python -m virtnum --help`)", 1.5),
        ("import virtnum", "import aiohttp", "`python -c 'import virtnum'`", 1.25),
        ("get", "import aiohttp", "`python -m virtnum numbers get 1` (FakeServer)", None),
        ("pass", "import click", "`python -c pass` (the interpreter alone)", None),
    )
    return [
        time_row(
            "9",
            f"cold start, median of {runs} fresh processes: {label} vs `python -c '{base}'`",
            samples[name],
            samples[base],
            at_most=target,
        )
        for name, base, label, target in rows
    ]
