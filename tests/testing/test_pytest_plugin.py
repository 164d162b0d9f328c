"""The pytest plugin users get on install: fixtures run in a user's own test file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .._support import user_env

ROOT = Path(__file__).parent.parent.parent

USER_TESTS = """
import pytest

from virtnum import AsyncClient, Client, VirtualNumber
from virtnum.testing import FakeServer


def test_blocking(virtnum_client: Client, virtnum_fake_server: FakeServer) -> None:
    assert len(virtnum_client.numbers.list()) == 50
    assert virtnum_fake_server.requests[-1].path == "/numbers/virtual-number"


@pytest.mark.asyncio
async def test_async(virtnum_async_client: AsyncClient) -> None:
    number = await virtnum_async_client.numbers.get(7)
    assert isinstance(number, VirtualNumber) and number.id == 7


@pytest.mark.virtnum_numbers([{"id": 5, "number": "79201234567", "state": "active"}])
def test_seeded(virtnum_client: Client) -> None:
    (only,) = virtnum_client.numbers.list()
    assert (only.id, only.number) == (5, "79201234567")


@pytest.mark.virtnum_numbers(3)
async def test_count_in_any_loop(virtnum_fake_server: FakeServer) -> None:
    assert len(virtnum_fake_server.numbers) == 3
"""


def _run_pytest(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in ``directory``, as a user's project configures it: pytest-asyncio 1.5 and
    later warn (an error here: PYTHONWARNINGS=error) while its fixtures' loop scope is unset."""
    scope = ["-o", "asyncio_default_fixture_loop_scope=function"]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *scope, *args],
        cwd=directory,
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_fixtures_work_in_a_users_test_file_without_conftest(tmp_path: Path) -> None:
    (tmp_path / "test_users_code.py").write_text(USER_TESTS, encoding="utf-8")
    result = _run_pytest(tmp_path, "-W", "error", "-o", "asyncio_mode=auto")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
    assert not (tmp_path / "conftest.py").exists()


def test_the_guides_testing_example_passes(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(# test_numbers\.py.*?)```", guide, flags=re.DOTALL)
    (tmp_path / "test_numbers.py").write_text(example, encoding="utf-8")
    result = _run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b[2-9] passed\b", result.stdout), result.stdout


def test_a_failing_user_test_fails(tmp_path: Path) -> None:
    """The fixtures do not hide failures: a wrong expectation is reported as one."""
    (tmp_path / "test_wrong.py").write_text(
        "def test_wrong(virtnum_client):\n    assert len(virtnum_client.numbers.list()) == 49\n",
        encoding="utf-8",
    )
    result = _run_pytest(tmp_path)
    assert result.returncode == 1
    assert "1 failed" in result.stdout
