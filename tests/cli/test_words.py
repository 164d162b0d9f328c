"""Errors in the command line's words (the flags and commands a user types, never the
library's keyword arguments), "did you mean", enum values in any case, help for every
option, the exit statuses in ``--help`` and shell completion."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

import virtnum.cli
from virtnum.cli.app import cli
from virtnum.cli.commands.fake_server import client_url
from virtnum.cli.errors import EXIT_CODES, EXIT_MEANINGS
from virtnum.testing import FakeServer

from .. import _support as support
from .._support import run_cli, run_python, user_env

PYTHON_WORDS = ("=True", "token=", "page_size", "max_retries", "State(", "NumberType(", "filter '")


def one_error_line(stderr: str, *words: str) -> str:
    """The one error line, in the command line's words (no Python spelling)."""
    line = support.one_error_line(stderr, *words)
    assert not any(word in line for word in PYTHON_WORDS), stderr
    return line


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--timeout", "0", "numbers", "get", "1"], ["'--timeout'", "positive number of seconds"]),
        (["--timeout", "inf", "numbers", "get", "1"], ["'--timeout'"]),
        (["--max-retries", "-1", "numbers", "get", "1"], ["'--max-retries'"]),
        (["numbers", "list", "--page-size", "0"], ["'--page-size'"]),
        (["numbers", "get", "1", "--concurrency", "0"], ["'--concurrency'"]),
        (["numbers", "list", "--sort", "-nubmer"], ["'--sort'", "did you mean 'number'"]),
        (["numbers", "list", "--where", "nubmer=7"], ["'--where'", "did you mean 'number'"]),
        (["numbers", "list", "--where", "group_id=x"], ["'--where'", "expected an integer"]),
        (["numbers", "list", "--fields", "id,nubmer"], ["--fields", "did you mean 'number'"]),
        (["numbers", "list", "--type", "mobile"], ["'--type'", "did you mean 'def'"]),
        (["numbers", "list", "--state", "actve"], ["'--state'", "did you mean 'active'"]),
        (["numbers", "list", "--purpose-ne", "compny"], ["'--purpose-ne'", "'company'"]),
        (["numbers", "update", "1", "--purpose", "boss"], ["--purpose must be one of"]),
    ],
)
def test_a_bad_flag_value_names_the_flag(
    threaded_server: FakeServer, args: list[str], words: list[str]
) -> None:
    result = run_cli(threaded_server, *args)
    assert result.returncode == 2
    one_error_line(result.stderr, *words)
    assert threaded_server.requests == []


def test_no_token_is_an_authentication_problem_in_the_cli_words(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    result = run_cli(
        threaded_server, "numbers", "get", "1", VIRTNUM_TOKEN="", XDG_CONFIG_HOME=str(tmp_path)
    )
    assert result.returncode == 3
    one_error_line(result.stderr, "virtnum auth login", "--token-stdin", "VIRTNUM_TOKEN")


def test_plain_http_elsewhere_names_the_flag(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "get", "1", VIRTNUM_BASE_URL="http://pbx.example")
    assert result.returncode == 2
    one_error_line(result.stderr, "--allow-insecure-http", "--base-url")


def test_enum_values_are_read_in_any_case(threaded_server: FakeServer) -> None:
    args = ["numbers", "list", "--format", "csv", "--fields", "id"]
    lower = run_cli(threaded_server, *args, "--state", "active", "--type", "def")
    upper = run_cli(threaded_server, *args, "--state", "ACTIVE", "--type", " Def ")
    assert upper.returncode == 0, upper.stderr
    assert upper.stdout == lower.stdout
    assert len(upper.stdout.splitlines()) > 1
    mixed = run_cli(threaded_server, *args, "--where", "State=Debt-Lock")
    assert mixed.returncode == 0, mixed.stderr
    assert threaded_server.requests[-1].query == (("state", "debt_lock"),)


def test_every_option_has_help_and_the_exit_statuses_are_in_the_epilog() -> None:
    missing = []

    def walk(command: click.Command, path: str) -> None:
        missing.extend(
            f"{path} {param.opts[0]}"
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden and not param.help
        )
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(cli, "virtnum")
    assert missing == []
    shown = subprocess.run(
        [sys.executable, "-m", "virtnum", "--help"],
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for code, meaning in EXIT_MEANINGS:
        assert f"  {code:<4} {meaning}\n" in shown
    assert {code for _, code in EXIT_CODES} | {0, 1} == {code for code, _ in EXIT_MEANINGS}
    assert "_VIRTNUM_COMPLETE=bash_source virtnum" in shown


def test_shell_completion_completes_commands_and_values() -> None:
    def complete(words: str) -> list[str]:
        env = user_env(
            _VIRTNUM_COMPLETE="bash_complete",
            COMP_WORDS=words,
            COMP_CWORD=str(len(words.split()) - 1),
        )
        done = subprocess.run(
            [sys.executable, "-m", "virtnum"], env=env, capture_output=True, text=True, timeout=60
        )
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert complete("virtnum numbers ap") == ["apply"]
    assert complete("virtnum numbers list --state deb") == ["debt_lock"]


@pytest.mark.parametrize(
    ("host", "url", "shown"),
    [
        ("0.0.0.0", "http://0.0.0.0:8123", "http://127.0.0.1:8123"),
        ("::", "http://[::]:8123", "http://[::1]:8123"),
        ("127.0.0.1", "http://127.0.0.1:8123", "http://127.0.0.1:8123"),
    ],
)
def test_fake_server_on_every_address_prints_a_url_the_cli_accepts(
    host: str, url: str, shown: str
) -> None:
    assert client_url(host, url) == (shown, None)
    _, note = client_url("192.0.2.7", "http://192.0.2.7:8123")
    assert note is not None
    assert "--allow-insecure-http" in note


STARTUP_HEAVY = ("aiohttp", "cattrs", "msgspec", "openpyxl", "attrs", "attr", "virtnum.models")


@pytest.mark.parametrize(
    ("argv", "shown"),
    [(["--help"], "Exit status"), (["--version"], "virtnum"), (["no-such"], "")],
)
def test_the_help_version_and_usage_errors_import_no_sdk_machinery(
    argv: list[str], shown: str
) -> None:
    """What ``virtnum --help`` needs is click: not the network stack, openpyxl, attrs
    nor the models (the start-up time target)."""
    code = f"import sys, runpy; sys.argv = ['virtnum', *{argv!r}]\n"
    code += "try:\n    runpy.run_module('virtnum', run_name='__main__')\n"
    code += "except SystemExit:\n    pass\n"
    code += (
        "heavy = ('aiohttp', 'cattrs', 'msgspec', 'openpyxl', 'attrs', 'attr', 'virtnum.models')\n"
    )
    code += "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    done = run_python(code)
    assert done.stderr.strip().splitlines()[-1] == "[]"
    assert shown in done.stdout


HEAVY_MODULES = (
    "aiohttp",
    "msgspec",
    "cattrs",
    "openpyxl",
    "virtnum._client",
    "virtnum._sync",
    "virtnum._decode",
    "virtnum._http.transport",
)
HEAVY_NAMES = {"AsyncClient", "Client", "to_dict", "NOT_GIVEN", "RawResponse", "check_update"}
LOADED_BY_THEIR_COMMAND = {"demo.py"}  # imported inside `virtnum demo` only


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module runs when imported (not those under TYPE_CHECKING)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
    return found


def test_no_cli_module_loads_the_network_stack_or_openpyxl_when_imported() -> None:
    """With ``import virtnum`` lazy, ``virtnum --help`` then loads neither aiohttp nor
    cattrs, msgspec or openpyxl: each is imported where a command needs it."""
    heavy = []
    for path in sorted(Path(virtnum.cli.__file__).parent.rglob("*.py")):
        if path.name in LOADED_BY_THEIR_COMMAND:
            continue
        for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            names = {a.name for a in node.names} if isinstance(node, ast.ImportFrom) else set()
            if any(
                m.startswith(HEAVY_MODULES) or m.startswith("virtnum.resources") for m in modules
            ):
                heavy.append(f"{path.name}: {modules}")
            if modules == ["virtnum"] and names & HEAVY_NAMES:
                heavy.append(f"{path.name}: {sorted(names & HEAVY_NAMES)}")
    assert heavy == []
