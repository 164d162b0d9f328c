"""Plain helpers for the tests: the token, seed data, a user's environment, running Python
code or the CLI (to its end, or started to be interrupted), and the documentation (the README and
docs/): its pages, code blocks and their runs."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from virtnum.testing import FakeServer

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
DOCS = ROOT / "docs"
README = ROOT / "README.md"
TOKEN = "secret-token-9f3b2c"


def user_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell for a subprocess: this machine's ``PYTHON*``
    variables (PYTHONUNBUFFERED, PYTHONDONTWRITEBYTECODE, ...) removed, ``extra`` added,
    and warnings made errors, as in the suite itself (PYTHONWARNINGS=error)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    env["PYTHONWARNINGS"] = "error"
    env.update(extra)
    return env


def load_seed(name: str) -> Any:
    """One of the seed examples under tests/data, parsed with the stdlib json module."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def run_python(
    code: str, *args: str, dev: bool = False, seconds: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS`` (``-X dev`` first with ``dev``) in a user's environment
    (+ ``env``), its output captured as text; killed after ``seconds``."""
    return subprocess.run(
        [sys.executable, *(["-X", "dev"] if dev else []), "-c", code, *args],
        env=user_env(**env),
        capture_output=True,
        text=True,
        timeout=seconds,
    )


def run_cli(
    server: FakeServer, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -m virtnum ARGS`` against ``server`` in a user's environment (+ ``env``,
    which may replace VIRTNUM_TOKEN and VIRTNUM_BASE_URL)."""
    return subprocess.run(
        [sys.executable, "-m", "virtnum", *args],
        input=stdin,
        env=user_env(**{"VIRTNUM_TOKEN": TOKEN, "VIRTNUM_BASE_URL": server.url, **env}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def applied(
    server: FakeServer, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``virtnum numbers apply ARGS`` against ``server`` (``run_cli``), asserted to succeed."""
    result = run_cli(server, "numbers", "apply", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result


def run_cli_on_a_terminal(
    server: FakeServer,
    *args: str,
    answers: Sequence[tuple[str, str]] = (),
    columns: int | None = None,
    seconds: float = 60,
) -> tuple[int, str, str]:
    """The CLI with stdin and stderr on a pseudo-terminal: each ``(prompt, reply)`` is
    typed once ``prompt`` has appeared. Returns the exit code, stdout and the terminal.
    With ``columns``, stdout is on the terminal too (so in its text), that wide. A child
    still running after ``seconds`` is killed (its exit code is then ``-SIGKILL``)."""
    primary, secondary = pty.openpty()
    env = user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=server.url)
    env.pop("NO_COLOR", None)
    if columns is not None:
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
    pending = list(answers)
    drawn = b""
    with subprocess.Popen(
        [sys.executable, "-m", "virtnum", *args],
        env=env,
        stdin=secondary,
        stdout=subprocess.PIPE if columns is None else secondary,
        stderr=secondary,
    ) as proc:
        os.close(secondary)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the child closed the terminal
                    break
                drawn += chunk
            if pending and pending[0][0].encode() in drawn:
                os.write(primary, pending.pop(0)[1].encode())
            elif not ready and proc.poll() is not None:
                break
        try:
            out, _ = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:  # a hung child must not hang the suite
            proc.kill()
            out, _ = proc.communicate()
        stdout = (out or b"").decode()
        code = proc.returncode
    os.close(primary)
    return code, stdout, drawn.decode(errors="replace")


def doc_pages() -> list[Path]:
    """Every page of the documentation site (docs/, the API reference included), in order."""
    return sorted(DOCS.rglob("*.md"))


def code_blocks(text: str) -> list[tuple[str, str]]:
    """The fenced code blocks of a Markdown text as ``(language, code)``, in order; only
    fences that open at the start of a line and name a language."""
    return re.findall(r"^```(\w+)\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def run_doc_python(code: str, server: FakeServer, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A README or docs python block as a user runs it, with ``VIRTNUM_TOKEN`` and
    ``VIRTNUM_BASE_URL`` exported for ``server`` (what ``virtnum fake-server`` prints),
    in ``cwd``, with an empty ``XDG_CONFIG_HOME`` there (no saved profiles)."""
    env = user_env(
        VIRTNUM_TOKEN=TOKEN,
        VIRTNUM_BASE_URL=server.url,
        XDG_CONFIG_HOME=str(cwd / "config"),
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def run_readme_bash(
    block: str, server: FakeServer, cwd: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    """A README or docs bash block in a user's shell, pointed at ``server`` instead of
    ``virtnum fake-server`` on port 8000 (its URL and token swapped in)."""
    script = block.replace("http://127.0.0.1:8000", server.url).replace("fake-token", TOKEN)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=user_env(PATH=path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_error_line(stderr: str, *words: str) -> str:
    """The CLI's one error line on stderr, holding every one of ``words``."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("virtnum: error:"), stderr
    assert all(word in lines[0] for word in words), stderr
    return lines[0]


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(
    server: FakeServer, *args: str, stdout: Any = subprocess.PIPE
) -> subprocess.Popen[str]:
    """``python -m virtnum ARGS`` against ``server``, running (stdin empty, stderr piped),
    with SIGINT as at a terminal: a shell without job control starts background commands
    (this test run, maybe) with SIGINT ignored, and a child would inherit that."""
    return subprocess.Popen(
        [sys.executable, "-m", "virtnum", *args],
        env=user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=server.url),
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """Poll ``condition`` until it holds; fails naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.02)
