"""The README's code works when pasted: every python block runs against a FakeServer."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from virtnum.testing import FakeServer

from ._support import TOKEN, run_readme_bash, user_env

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.DOTALL)
PYTHON = [code for lang, code in BLOCKS if lang == "python"]


def test_the_readme_has_python_examples() -> None:
    assert len(PYTHON) >= 6


@pytest.mark.parametrize("code", PYTHON, ids=[f"block{i}" for i in range(len(PYTHON))])
def test_python_block_runs(code: str, threaded_server: FakeServer) -> None:
    env = user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=threaded_server.url)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_first_screen_holds_the_two_commands() -> None:
    first_screen = README[: README.index("## ")]
    bash = [code.strip() for lang, code in BLOCKS[:2] if lang == "bash"]
    assert len(bash) == 2
    assert all(command in first_screen for command in bash)
    assert bash[0].endswith("virtnum demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = bash[1].rsplit("&& ", 1)[1]
    assert test_command in ci.splitlines(), "CI must run the README's test command"


def test_the_demo_command_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "virtnum", "demo", "--numbers", "40"],
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "GET /numbers/virtual-number/1" in result.stdout
    assert "purpose__ne=not_specified&state=active&type=def&type=abc" in result.stdout
    assert "40 identical to the list" in result.stdout


BASH = [code for lang, code in BLOCKS if lang == "bash"]


def test_the_cli_block_runs_against_a_fake_server(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    """The README's CLI session, with the fake server's address for port 8000.

    The first two bash blocks (install + demo, install + tests) are what CI itself runs:
    `.ci/run` runs the test command, and test_the_demo_command_runs runs the demo.
    """
    (block,) = [code for code in BASH[2:] if "virtnum numbers outbound" in code]
    result = run_readme_bash(block, threaded_server, tmp_path)
    assert result.returncode == 0, result.stderr
    outbound = (tmp_path / "outbound.csv").read_text().splitlines()
    assert outbound[0].startswith("id,number")
    assert len(outbound) > 1
    assert TOKEN not in result.stdout + result.stderr


def test_the_credentials_block_runs_against_a_fake_server(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    """The README's profiles session, in a temporary XDG_CONFIG_HOME."""
    (block,) = [code for code in BASH if "virtnum auth login" in code]
    config = str(tmp_path / "config")
    result = run_readme_bash(block, threaded_server, tmp_path, XDG_CONFIG_HOME=config)
    assert result.returncode == 0, result.stderr
    assert "****" + TOKEN[-4:] in result.stdout
    assert TOKEN not in result.stdout + result.stderr
    assert (tmp_path / "staging.csv").read_text().startswith("id,number")
    profiles = (tmp_path / "config" / "virtnum" / "credentials").read_text()
    assert '["default"]' in profiles
    assert "staging" not in profiles
