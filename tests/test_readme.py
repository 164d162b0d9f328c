"""The README's code works when pasted: its first screen is what CI runs, and every
python and bash block of its tour runs against a FakeServer. (The guides are docs/,
tested by test_docs.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from virtnum.testing import FakeServer

from ._support import README, ROOT, TOKEN, code_blocks, run_doc_python, run_readme_bash, user_env

TEXT = README.read_text(encoding="utf-8")
BLOCKS = code_blocks(TEXT)
PYTHON = [code for lang, code in BLOCKS if lang == "python"]
# the first two bash blocks (install + demo, install + tests) are what CI itself runs:
# `.ci/run` runs the test command (in a fresh Debian shell), test_the_demo_command_runs
# runs the demo
BASH = [code for lang, code in BLOCKS if lang == "bash"]
TOUR_BASH = BASH[2:]


def test_the_readme_has_a_tour() -> None:
    assert len(PYTHON) >= 2
    assert len(TOUR_BASH) >= 1


@pytest.mark.parametrize("code", PYTHON, ids=[f"block{i}" for i in range(len(PYTHON))])
def test_python_block_runs(code: str, threaded_server: FakeServer, tmp_path: Path) -> None:
    result = run_doc_python(code, threaded_server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr


@pytest.mark.parametrize("code", TOUR_BASH, ids=[f"bash{i}" for i in range(len(TOUR_BASH))])
def test_bash_block_runs(code: str, threaded_server: FakeServer, tmp_path: Path) -> None:
    result = run_readme_bash(code, threaded_server, tmp_path, XDG_CONFIG_HOME=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_first_screen_holds_the_two_commands() -> None:
    first_screen = TEXT[: TEXT.index("## ")]
    bash = [code.strip() for lang, code in BLOCKS[:2] if lang == "bash"]
    assert len(bash) == 2
    assert all(command in first_screen for command in bash)
    assert bash[0].endswith("virtnum demo")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_command = f'readme_test_command="{bash[1]}"'
    assert ci_command in ci.splitlines(), "CI must run the README's test command"


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


def test_the_readme_points_at_the_documentation_site() -> None:
    assert "mkdocs serve" in TEXT
    assert "mkdocs build --strict" in TEXT
    links = re.findall(r"\]\((docs/[^)#]+)", TEXT)
    assert len(links) >= 10
    assert {"docs/quickstart-async.md", "docs/errors.md", "docs/reference/index.md"} <= set(links)
    assert [link for link in links if not (ROOT / link).is_file()] == []
