"""The benchmark harness runs (``--quick``: tiny sizes, nothing timed is judged), and
``--write-results`` carries the profile split. No timing is asserted here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import _report
from benchmarks.__main__ import main
from benchmarks._measure import QUICK, Context, Row
from benchmarks._peers import MISSING
from benchmarks._profile import Split, _where

ROOT = Path(__file__).parent.parent


def _quick(*args: str, blocked: tuple[str, ...] = ()) -> str:
    """``python -m benchmarks --quick ARGS``, with the ``blocked`` modules unimportable."""
    hide = "".join(f"sys.modules[{name!r}] = None; " for name in blocked)
    code = f"import runpy, sys; {hide}runpy.run_module('benchmarks', run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", code, "--quick", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _rows(output: str, scenario: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"| {scenario} | ")]


def test_quick_runs_the_new_and_changed_scenarios() -> None:
    output = _quick(*("--only", "get-many", "--only", "sync", "--only", "8", "--only", "9"))
    assert len(_rows(output, "3")) == 4  # vs json, vs read only, the ideal pool, CPU
    assert any("worker tasks" in row for row in _rows(output, "3"))
    pinned = 2 if sys.platform == "linux" else 0
    assert len(_rows(output, "5")) == 2 + pinned
    assert len(_rows(output, "8")) == 5
    assert len(_rows(output, "9")) == 4


_PEERS = {  # a word of each peer's rows: the modules it needs
    "urllib3 `PoolManager`": ("urllib3",),
    "requests `Session`": ("requests",),
    "httpx `Client`": ("httpx", "pydantic"),
    "httpx `AsyncClient`": ("httpx", "pydantic"),
}


def _assert_peer_rows(output: str, blocked: tuple[str, ...] = ()) -> None:
    """Each peer has its row, in order: measured (then a CPU row) where its modules import,
    else one row saying how to install them, with no target judged."""
    rows = _rows(output, "10")
    throughput = [row for row in rows if "client CPU per call" not in row]
    for (word, modules), row in zip(_PEERS.items(), throughput, strict=True):
        assert word in row
        there = all(m not in blocked and importlib.util.find_spec(m) for m in modules)
        assert (MISSING not in row) == there, row
        assert row.endswith("| – |") != there, row
    assert len(rows) == len(throughput) + sum(MISSING not in row for row in throughput)


def test_quick_runs_the_peers() -> None:
    _assert_peer_rows(_quick("--only", "peers"))


def test_a_peer_not_installed_is_a_row_not_a_failure() -> None:
    blocked = ("requests", "pydantic")
    _assert_peer_rows(_quick("--only", "10", blocked=blocked), blocked)


def test_quick_profile_prints_the_split_per_request() -> None:
    output = _quick("--profile", "--only", "get", "--only", "sync")
    table = output[output.index("## Own time per request") :]
    assert len(_rows(table, "1")) == len(_rows(table, "5")) == 2


def test_write_results_needs_a_full_run() -> None:
    with pytest.raises(SystemExit):
        main(["--quick", "--write-results"])


def test_write_results_carries_the_split_and_keeps_the_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(f"old\n{_report.NOTES_MARKER}\nhand-written notes\n", encoding="utf-8")
    monkeypatch.setattr(_report, "RESULTS", results)
    row = Row("1", "`get` sequential", "1 req/s", "1 req/s", "1.00", "≥ 1.00", True)
    split = Split("1", "SDK `get`", 100, 500.0, 50.0, 200.0, 60.0, 150.0, 40.0)
    ctx = Context(url="http://127.0.0.1:1", token="t", sizes=QUICK, rounds=1)
    _report.write_results([row], ctx, 1.0, [split])
    text = results.read_text(encoding="utf-8")
    assert "## Where the time goes (cProfile, µs per request)" in text
    assert "| 1 | SDK `get` | 100 | 500 µs | 50 µs | 200 µs | 60 µs | 150 µs | 40 µs |" in text
    assert "cProfile adds a cost to every" in text
    assert text.endswith(f"{_report.NOTES_MARKER}\nhand-written notes\n")


def test_the_split_puts_code_where_it_lives() -> None:
    package = str(ROOT / "virtnum")
    assert _where(f"{package}/_http/transport.py", "request") == "virtnum"
    assert _where("/venv/site-packages/aiohttp/client.py", "_request") == "aiohttp"
    assert _where("~", "<method 'feed_data' of 'aiohttp._http_parser.X' objects>") == "aiohttp"
    assert _where("/usr/lib/python3.11/asyncio/events.py", "_run") == "asyncio"
    assert _where("~", "<method 'send' of '_socket.socket' objects>") == "system"
    assert _where("~", "<method 'poll' of 'select.epoll' objects>") == "system"
    assert _where("~", "<method 'decode' of 'msgspec.json.Decoder' objects>") == "rest"
