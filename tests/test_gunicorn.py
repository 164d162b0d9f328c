"""A real deployment: FastAPI with plain ``def`` handlers sharing one module-level Client,
served by ``gunicorn --preload -w 2 -k uvicorn_worker.UvicornWorker``. The client's
loop thread is started in the gunicorn master at import, then the workers are forked:
each must get a thread and session of its own (before, most requests failed with "the
blocking Client cannot be called from its own event-loop thread" and the rest hung)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from virtnum import Client
from virtnum.testing import FakeServer

from ._support import TOKEN, user_env

APP = """
import os

from fastapi import FastAPI

from virtnum import Client

client = Client(os.environ["VIRTNUM_TOKEN"], base_url=os.environ["VIRTNUM_BASE_URL"])
client.numbers.get(1)  # the loop thread now runs in the gunicorn master, before the fork

app = FastAPI()


@app.get("/n/{id}")
def number(id: int) -> dict[str, object]:  # a plain def: run on the worker's threadpool
    return {"id": id, "number": client.numbers.get(id).number}
"""

REQUESTS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, object]:
    if time.monotonic() > deadline:  # hung workers: keep the whole test bounded
        return 0, "not sent: out of time"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:  # an HTTPError holds the response open until closed
            return exc.code, exc.read().decode(errors="replace")[:300]
    except OSError as exc:  # a hung worker: a timeout, or a reset connection
        return 0, f"{type(exc).__name__}: {exc}"


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn exited:\n" + log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError as exc:
            exc.close()
            return  # the 404 of a path the client is not behind: gunicorn answers
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer within 30 s:\n" + log.read_text(errors="replace"))


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def test_gunicorn_preload_workers_share_a_module_level_client(
    threaded_server: FakeServer, sync_client: Client, tmp_path: Path
) -> None:
    ids = [1 + i % 50 for i in range(REQUESTS)]
    expected = {id_: sync_client.numbers.get(id_).number for id_ in set(ids)}
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--preload",
                "-w",
                "2",
                "-k",
                "uvicorn_worker.UvicornWorker",
                "--bind",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "5",
                "app:app",
            ],
            cwd=tmp_path,
            # HOME: where recent gunicorn puts its control socket (~/.gunicorn)
            env=user_env(
                VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=threaded_server.url, HOME=str(tmp_path)
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(f"{base}/", proc, log)
        deadline = time.monotonic() + 20
        with ThreadPoolExecutor(max_workers=8) as pool:
            urls = [f"{base}/n/{id_}" for id_ in ids]
            results = list(pool.map(_get, urls, [deadline] * REQUESTS))
    finally:
        _stop(proc)
    failed = [
        (id_, status, body)
        for id_, (status, body) in zip(ids, results, strict=True)
        if status != 200 or body != {"id": id_, "number": expected[id_]}
    ]
    assert not failed, (
        f"{len(failed)} of {REQUESTS} requests failed, e.g. {failed[:3]}\n"
        + log.read_text(errors="replace")[-3000:]
    )
