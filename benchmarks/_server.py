"""The FakeServer in a process of its own, so server and client do not share a GIL.

Child side: ``python -m benchmarks._server --numbers N --token T`` prints its URL on the
first line of stdout and serves until its stdin closes (the parent exited, even if it was
killed) or it receives SIGTERM. Parent side: the ``fake_server`` context manager, which
always stops the child, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["fake_server"]

_ROOT = Path(__file__).resolve().parent.parent
_HOST = "127.0.0.1"
_URL_PREFIX = f"http://{_HOST}:"


@contextlib.contextmanager
def fake_server(numbers: int, token: str, *, start_timeout: float = 120.0) -> Iterator[str]:
    """Start a FakeServer with ``numbers`` synthetic records; yield its URL; stop it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks._server", "--numbers", str(numbers), "--token", token],
        cwd=_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,  # Ctrl-C reaches only us; we stop the child ourselves
    )
    try:
        yield _read_url(proc, start_timeout)
    finally:
        _stop(proc)


def _read_url(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError(f"the benchmark server did not start within {timeout:.0f}s")
        ready, _, _ = select.select([proc.stdout], [], [], min(remaining, 0.5))
        if ready:
            line = proc.stdout.readline().decode().strip()
            break
        if proc.poll() is not None:
            raise RuntimeError(f"the benchmark server exited with status {proc.returncode}")
    if not line.startswith(_URL_PREFIX):
        raise RuntimeError(f"the benchmark server did not report a loopback URL: {line!r}")
    return line


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Close the child's stdin (its signal to stop), then escalate if it lingers."""
    try:
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


async def _serve(numbers: int, token: str) -> None:
    from virtnum.testing import FakeServer

    server = FakeServer(numbers, token=token, host=_HOST, port=0, record_requests=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def wait_for_eof() -> None:
        sys.stdin.buffer.read()  # returns when the parent closes the pipe or dies
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_eof, daemon=True).start()
    await server.start()
    try:
        print(server.url, flush=True)
        await stop.wait()
    finally:
        await server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--numbers", type=int, required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.numbers, args.token))


if __name__ == "__main__":
    main()
