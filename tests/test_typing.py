"""What type checkers see: mypy --strict on a user's script, read through reveal_type."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ._support import user_env

USER_SCRIPT = """
import asyncio
from virtnum import APIError, AsyncClient, Client, to_dict

def blocking(client: Client) -> None:
    reveal_type(client.numbers.get)
    reveal_type(client.numbers.get(1))
    reveal_type(client.numbers.list(state="active"))
    reveal_type(client.numbers.iter(page_size=10))
    reveal_type(client.numbers.pages(page_size=10))
    reveal_type(client.numbers.get_many([1, 2]))
    reveal_type(client.numbers.get_many([1, 2], return_exceptions=True))
    reveal_type(client.numbers.update(1, comment="x"))
    reveal_type(client.numbers.delete(1))
    reveal_type(to_dict(client.numbers.get(1)))
    reveal_type(to_dict(client.numbers.list()))
    reveal_type(client.with_raw_response.numbers.get(1))
    reveal_type(client.with_raw_response.numbers.get(1).parse())

async def concurrent(client: AsyncClient) -> None:
    reveal_type(await client.numbers.get_many([1, 2]))
    reveal_type(await client.numbers.get_many([1, 2], return_exceptions=True))
    reveal_type(client.numbers.iter())
    reveal_type(await client.with_raw_response.numbers.list())
"""

EXPECTED = [
    "def (id: int) -> virtnum.models.VirtualNumber",
    "virtnum.models.VirtualNumber",
    "list[virtnum.models.VirtualNumber]",
    "typing.Iterator[virtnum.models.VirtualNumber]",
    "typing.Iterator[list[virtnum.models.VirtualNumber]]",
    "list[virtnum.models.VirtualNumber]",
    "list[virtnum.models.VirtualNumber | virtnum._errors.APIError]",
    "virtnum.models.VirtualNumber",
    "None",
    "dict[str, Any]",
    "list[dict[str, Any]]",
    "virtnum.resources._raw.RawResponse[virtnum.models.VirtualNumber]",
    "virtnum.models.VirtualNumber",
    "list[virtnum.models.VirtualNumber]",
    "list[virtnum.models.VirtualNumber | virtnum._errors.APIError]",
    "typing.AsyncIterator[virtnum.models.VirtualNumber]",
    "virtnum.resources._raw.RawResponse[list[virtnum.models.VirtualNumber]]",
]


def _mypy(script: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", script.name],
        cwd=script.parent,
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_mypy_sees_the_precise_types(tmp_path: Path) -> None:
    script = tmp_path / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    result = _mypy(script)
    # mypy versions differ in spelling builtins: compare without the module prefix
    revealed = [
        t.replace("builtins.", "") for t in re.findall(r'Revealed type is "(.*)"', result.stdout)
    ]
    assert revealed == EXPECTED, result.stdout
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors == [], result.stdout


def test_mypy_refuses_a_misspelt_option(tmp_path: Path) -> None:
    script = tmp_path / "typos.py"
    script.write_text(
        "from virtnum import Client\n"
        "client = Client('t', timeout=5)\n"
        "Client(timout=5)\n"
        "client.with_options(max_retrys=5)\n",
        encoding="utf-8",
    )
    result = _mypy(script)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["3", "4"], result.stdout
    assert '"timout"' in errors[0]
    assert '"max_retrys"' in errors[1]
