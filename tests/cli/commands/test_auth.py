"""``virtnum auth login/status/logout``, ``--profile``/``VIRTNUM_PROFILE``, and the
token options (``--token-stdin``; the hidden, deprecated ``--token``)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from virtnum.credentials import Profile, load, save
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ..._support import TOKEN, run_cli, run_cli_on_a_terminal

OTHER = "second-account-token-55aa"


@pytest.fixture
def second_server() -> Iterator[FakeServer]:
    """Another account's API: it accepts only OTHER."""
    with serving_in_thread(FakeServer(5, token=OTHER)) as fake:
        yield fake


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path / "virtnum" / "credentials"


def cli(
    server: FakeServer, *args: str, stdin: str | None = None, **env: str
) -> CompletedProcess[str]:
    """The CLI with no token in its environment (only the config home of ``config``)."""
    env = {"VIRTNUM_TOKEN": "", "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"], **env}
    return run_cli(server, *args, stdin=stdin, **env)


def test_login_with_token_checks_and_stores_it(threaded_server: FakeServer, config: Path) -> None:
    result = cli(threaded_server, "auth", "login", "--with-token", stdin=TOKEN + "\n")
    assert result.returncode == 0, result.stderr
    assert [r.path for r in threaded_server.requests] == ["/numbers/virtual-number"]
    assert load(config) == {"default": Profile(TOKEN, threaded_server.url)}
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(config.parent).st_mode) == 0o700
    assert TOKEN not in result.stdout + result.stderr
    listed = cli(threaded_server, "numbers", "get", "1", "--format", "json")
    assert listed.returncode == 0, listed.stderr


def test_login_makes_no_directory_others_may_write_even_under_umask_000(
    threaded_server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "missing" / "parents" / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    before = os.umask(0)  # the child inherits it
    try:
        result = cli(
            threaded_server,
            "auth",
            "login",
            "--with-token",
            stdin=TOKEN,
            PYTHONDONTWRITEBYTECODE="1",
        )
    finally:
        os.umask(before)
    assert result.returncode == 0, result.stderr
    made = [tmp_path / "missing", tmp_path / "missing" / "parents", home, home / "virtnum"]
    modes = {str(d.relative_to(tmp_path)): stat.S_IMODE(d.stat().st_mode) for d in made}
    assert modes == {str(d.relative_to(tmp_path)): 0o700 for d in made}
    assert stat.S_IMODE((home / "virtnum" / "credentials").stat().st_mode) == 0o600


def test_login_reads_a_hidden_prompt_on_a_terminal(
    threaded_server: FakeServer, config: Path
) -> None:
    code, _, screen = run_cli_on_a_terminal(
        threaded_server, "auth", "login", "--profile", "work", answers=[("API token", TOKEN + "\n")]
    )
    assert code == 0, screen
    assert TOKEN not in screen  # not echoed
    assert load(config)["work"].token == TOKEN


@pytest.mark.parametrize(("fault", "code"), [(401, 3), (403, 4)])
def test_a_rejected_token_is_one_line_and_nothing_is_saved(
    threaded_server: FakeServer, config: Path, fault: int, code: int
) -> None:
    token = TOKEN if fault == 403 else "wrong-token-0000"
    if fault == 403:
        threaded_server.faults.fail(403)
    result = cli(threaded_server, "auth", "login", "--with-token", stdin=token + "\n")
    assert result.returncode == code
    assert len(result.stderr.splitlines()) == 1
    assert token not in result.stderr
    assert not config.exists()


def test_status_and_logout_with_two_profiles(
    threaded_server: FakeServer, second_server: FakeServer, config: Path
) -> None:
    cli(threaded_server, "auth", "login", "--with-token", stdin=TOKEN)
    login = cli(
        threaded_server,
        "auth",
        "login",
        "--profile",
        "work",
        "--base-url",
        second_server.url,
        "--with-token",
        stdin=OTHER,
    )
    assert login.returncode == 0, login.stderr
    status = cli(threaded_server, "auth", "status")
    assert status.returncode == 0, status.stderr
    assert TOKEN not in status.stdout
    assert OTHER not in status.stdout
    lines = status.stdout.splitlines()
    assert lines[0] == f"{config}:"
    assert lines[1].split() == ["default", threaded_server.url, "token", "****" + TOKEN[-4:]]
    assert lines[2].split() == ["work", second_server.url, "token", "****" + OTHER[-4:]]
    logout = cli(threaded_server, "auth", "logout", "--profile", "work")
    assert logout.returncode == 0, logout.stderr
    assert list(load(config)) == ["default"]
    again = cli(threaded_server, "auth", "logout", "--profile", "work")
    assert again.returncode == 12
    assert str(config) in again.stderr


def test_profile_option_and_variable_pick_the_account(
    threaded_server: FakeServer, second_server: FakeServer, config: Path
) -> None:
    save(
        {"default": Profile(TOKEN, threaded_server.url), "work": Profile(OTHER, second_server.url)}
    )
    for args, env in [(["--profile", "work"], {}), ([], {"VIRTNUM_PROFILE": "work"})]:
        result = cli(threaded_server, *args, "numbers", "list", "--format", "jsonl", **env)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 5  # the second account's numbers
    # VIRTNUM_TOKEN (with VIRTNUM_BASE_URL) beats VIRTNUM_PROFILE; --profile beats both
    env = {"VIRTNUM_TOKEN": TOKEN, "VIRTNUM_PROFILE": "work"}
    assert len(cli(threaded_server, "numbers", "list", **env).stdout.splitlines()) > 5
    result = cli(
        threaded_server, "--profile", "work", "numbers", "list", "--format", "jsonl", **env
    )
    assert len(result.stdout.splitlines()) == 5
    sent = len(threaded_server.requests) + len(second_server.requests)
    missing = cli(threaded_server, "--profile", "nope", "numbers", "list")
    assert missing.returncode == 12
    assert missing.stderr.startswith(f"virtnum: error: no profile 'nope' in {config}")
    assert len(threaded_server.requests) + len(second_server.requests) == sent


def test_a_readable_file_is_refused_with_the_fix(threaded_server: FakeServer, config: Path) -> None:
    save({"default": Profile(TOKEN, threaded_server.url)})
    os.chmod(config, 0o640)
    for args in (["numbers", "get", "1"], ["auth", "status"]):
        result = cli(threaded_server, *args)
        assert result.returncode == 12
        assert result.stderr.splitlines() == [
            f"virtnum: error: {config} is readable by others (mode 0640); "
            f"fix it with: chmod 600 {config}"
        ]
    assert threaded_server.requests == []


def test_a_malformed_file_is_one_line(threaded_server: FakeServer, config: Path) -> None:
    config.parent.mkdir(mode=0o700)
    config.write_text(f'[default]\ntoken = "{TOKEN}"\nbase_url = nope\n')
    os.chmod(config, 0o600)
    result = cli(threaded_server, "auth", "status")
    assert result.returncode == 12
    assert len(result.stderr.splitlines()) == 1
    assert "line 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr


def test_token_stdin_replaces_the_hidden_deprecated_token_flag(
    threaded_server: FakeServer, config: Path
) -> None:
    piped = cli(threaded_server, "--token-stdin", "numbers", "get", "1", stdin=TOKEN + "\n")
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    old = cli(threaded_server, "--token", TOKEN, "numbers", "get", "1")
    assert old.returncode == 0, old.stderr
    (warning,) = old.stderr.splitlines()
    assert warning.startswith("virtnum: warning: --token is deprecated")
    assert TOKEN not in old.stderr
    shown = cli(threaded_server, "--help").stdout
    assert "--token-stdin" in shown
    assert "--token " not in shown
    assert "--token\n" not in shown
    assert "--profile" in shown
