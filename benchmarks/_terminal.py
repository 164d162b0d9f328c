"""A command with its stdout on a pseudo-terminal, as an operator at a terminal runs it:
what it printed, when its first table row arrived, and (with ``VIRTNUM_LOG=debug``)
when the SDK logged that it had decoded the listing."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["COLUMNS", "TerminalRun", "run_on_terminal"]

COLUMNS = 200  # wide enough for every default column: one line per row
_ROWS = 50
_HEADER_LINES = 3  # top rule, heading, middle rule: the first row is line 4
_DECODED = b" DEBUG decoded "


@dataclass(frozen=True)
class TerminalRun:
    output: str  # what reached the terminal, with "\r\n" turned back into "\n"
    log: str  # stderr
    first_row: float  # seconds from the start to the first table row
    decoded: float | None  # seconds from the start to the SDK's "decoded" log line


def run_on_terminal(argv: list[str], env: dict[str, str], stdin: Path | None) -> TerminalRun:
    """Run ``argv`` with stdout on a fresh pseudo-terminal of ``COLUMNS`` columns,
    reading both stdout and stderr as they come, and time-stamping both."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", _ROWS, COLUMNS, 0, 0))
    marks: dict[str, float] = {}
    chunks: list[bytes] = []
    log: list[bytes] = []
    with stdin.open() if stdin else open(os.devnull) as source:
        started = time.monotonic()
        child = subprocess.Popen(argv, stdin=source, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    assert child.stderr is not None
    errors = child.stderr

    def read_terminal() -> None:
        lines = 0
        while True:
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # EIO: every copy of the other side is closed
                break
            if not data:
                break
            if "first_row" not in marks:
                lines += data.count(b"\n")
                if lines > _HEADER_LINES:
                    marks["first_row"] = time.monotonic() - started
            chunks.append(data)

    def read_log() -> None:
        for line in errors:
            if "decoded" not in marks and _DECODED in line:
                marks["decoded"] = time.monotonic() - started
            log.append(line)

    readers = [threading.Thread(target=read_terminal), threading.Thread(target=read_log)]
    for reader in readers:
        reader.start()
    try:
        child.wait(timeout=600)
    finally:
        for reader in readers:
            reader.join(timeout=60)
        os.close(master)
        errors.close()
    text = b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
    stderr = b"".join(log).decode("utf-8", errors="replace")
    if "first_row" not in marks:
        raise RuntimeError(f"{argv[-4:]}: no table row reached the terminal:\n{stderr[-2000:]}")
    return TerminalRun(text, stderr, marks["first_row"], marks.get("decoded"))
