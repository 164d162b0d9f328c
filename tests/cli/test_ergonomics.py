"""Everyday CLI ergonomics: --debug causes, proxies and TLS, one-line errors for the
fake server, the output encoding and Ctrl-C, and the -v/-vv logging switch."""

from __future__ import annotations

import codecs
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from virtnum import APIConnectionError
from virtnum.cli import EXIT_CODES, CannotListenError, OutputEncodingError
from virtnum.cli.settings import ca_context
from virtnum.testing import FakeServer

from .._support import DATA, TOKEN, one_error_line, run_cli, user_env

README = (Path(__file__).parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
CODES = {cls: code for cls, code in EXIT_CODES}
CA = str(DATA / "test-ca.pem")


@pytest.fixture
def closed_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_debug_adds_the_cause_of_a_connection_error(
    threaded_server: FakeServer, closed_url: str
) -> None:
    args = ["--max-retries", "0", "numbers", "get", "1"]
    plain = run_cli(threaded_server, *args, VIRTNUM_BASE_URL=closed_url)
    assert plain.returncode == CODES[APIConnectionError] == 10
    line = one_error_line(plain.stderr, "connection refused")
    assert "Connect call failed" not in line
    debug = run_cli(threaded_server, "--debug", *args, VIRTNUM_BASE_URL=closed_url)
    assert debug.returncode == 10
    assert "Traceback" in debug.stderr
    last = debug.stderr.strip().splitlines()[-1]
    assert last.startswith(line + " (")
    assert "ClientConnectorError: Cannot connect to host" in last
    assert "Connect call failed" in last
    assert TOKEN not in plain.stderr + debug.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_proxy_sends_every_request_through_it(
    threaded_server: FakeServer, closed_url: str, how: str
) -> None:
    """The fake server stands in for the proxy: the base URL itself is closed."""
    proxy = ["--proxy", threaded_server.url] if how == "flag" else []
    env = {"VIRTNUM_PROXY": threaded_server.url} if how == "env" else {}
    result = run_cli(
        threaded_server,
        *proxy, "numbers", "get", "3", "--format", "jsonl", "--fields", "id",
        VIRTNUM_BASE_URL=closed_url, **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"id":3}\n'
    assert threaded_server.requests[-1].headers["Host"] == closed_url.removeprefix("http://")


def test_trust_env_uses_http_proxy_and_a_boolean_env_var_is_strict(
    threaded_server: FakeServer, closed_url: str
) -> None:
    proxy_env = {"HTTP_PROXY": threaded_server.url, "http_proxy": threaded_server.url}
    proxy_env |= {"NO_PROXY": "", "no_proxy": "", "VIRTNUM_BASE_URL": closed_url}
    args = ["--max-retries", "0", "numbers", "get", "2", "--format", "csv", "--fields", "id"]
    ignored = run_cli(threaded_server, *args, **proxy_env)
    assert ignored.returncode == 10, ignored.stderr  # the variables are not read by default
    flag = run_cli(threaded_server, "--trust-env", *args, **proxy_env)
    assert (flag.returncode, flag.stdout) == (0, "id\n2\n"), flag.stderr
    for word in ("1", "yes", "TRUE"):
        env = run_cli(threaded_server, *args, **proxy_env, VIRTNUM_TRUST_ENV=word)
        assert (env.returncode, env.stdout) == (0, "id\n2\n"), env.stderr
    off = run_cli(threaded_server, *args, **proxy_env, VIRTNUM_TRUST_ENV="no")
    assert off.returncode == 10
    for word in ("maybe", "on", "2"):
        bad = run_cli(threaded_server, *args, **proxy_env, VIRTNUM_TRUST_ENV=word)
        assert bad.returncode == 2
        one_error_line(bad.stderr, "VIRTNUM_TRUST_ENV", "expected 1, 0, true, false, yes or no")


def test_plain_http_elsewhere_needs_allow_insecure_http(threaded_server: FakeServer) -> None:
    args = ["--proxy", threaded_server.url, "numbers", "get", "4", "--format", "csv"]
    refused = run_cli(threaded_server, *args, VIRTNUM_BASE_URL="http://pbx.example")
    assert refused.returncode == 2
    one_error_line(refused.stderr, "plain http")
    allowed = run_cli(
        threaded_server, "--allow-insecure-http", *args, VIRTNUM_BASE_URL="http://pbx.example"
    )
    assert allowed.returncode == 0, allowed.stderr
    assert threaded_server.requests[-1].headers["Host"] == "pbx.example"


def test_ca_bundle_trusts_exactly_that_file() -> None:
    context = ca_context(CA)
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert [dict(c["subject"][0])["commonName"] for c in context.get_ca_certs()] == [
        "virtnum test CA"
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "No such file"), ("not a certificate\n", "no CA certificate"), ("", "no CA")],
)
def test_a_bad_ca_bundle_is_one_line_before_any_request(
    threaded_server: FakeServer, tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_text(content)
    result = run_cli(threaded_server, "--ca-bundle", str(path), "numbers", "get", "1")
    assert result.returncode == 2
    one_error_line(result.stderr, "--ca-bundle", str(path), words)
    assert threaded_server.requests == []
    good = run_cli(threaded_server, "numbers", "get", "1", VIRTNUM_CA_BUNDLE=CA)
    assert good.returncode == 0, good.stderr


def fake_server(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "virtnum", "fake-server", *args],
        env=user_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fake_server_on_a_busy_port_is_one_line_with_its_code(busy_port: int) -> None:
    result = fake_server("--port", str(busy_port))
    assert result.returncode == CODES[CannotListenError] == 16
    one_error_line(result.stderr, f"cannot listen on 127.0.0.1:{busy_port}", "in use")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "99999"], "'--port'"),
        (["--port", "-1"], "'--port'"),
        (["--port", "eighty"], "not a valid integer"),
        (["--bogus"], "No such option"),
    ],
)
def test_bad_fake_server_options_are_one_line_usage_errors(args: list[str], words: str) -> None:
    result = fake_server(*args)
    assert result.returncode == 2
    one_error_line(result.stderr, words, "'virtnum fake-server --help'")


def test_usage_errors_of_the_other_commands_are_one_line_too(threaded_server: FakeServer) -> None:
    for args in (["--bogus"], ["numbers", "get"], ["numbers", "nope"], ["--timeout", "x"]):
        result = run_cli(threaded_server, *args)
        assert result.returncode == 2
        one_error_line(result.stderr, "--help")
    helped = run_cli(threaded_server, "numbers")  # a group alone shows its help
    assert "Usage: virtnum numbers" in helped.stdout + helped.stderr


def test_a_mistyped_enum_filter_names_the_closest_value(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "list", "--state", "actve")
    assert result.returncode == 2
    one_error_line(result.stderr, "'actve'", "did you mean 'active'")
    assert threaded_server.requests == []


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["table", "jsonl", "csv"])
def test_an_output_encoding_without_cyrillic_has_its_own_code(
    threaded_server: FakeServer, encoding: str, fmt: str
) -> None:
    threaded_server.numbers[1]["comment"] = "ресепшн"
    result = run_cli(
        threaded_server,
        "numbers", "get", "1", "--format", fmt, "--fields", "id,comment",
        PYTHONIOENCODING=encoding,
    )  # fmt: skip
    assert result.returncode == CODES[OutputEncodingError] == 15
    named = codecs.lookup(encoding).name
    one_error_line(result.stderr, f"stdout's encoding ({named})", "PYTHONIOENCODING=utf-8")
    plain = run_cli(
        threaded_server, "numbers", "get", "1", "--fields", "id,number", PYTHONIOENCODING=encoding
    )
    assert plain.returncode == 0, plain.stderr
    assert threaded_server.numbers[1]["number"] in plain.stdout


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_is_one_line_and_exit_130(threaded_server: FakeServer) -> None:
    threaded_server.faults.delay(30)
    with subprocess.Popen(
        # one id: no summary (several: tests/cli/commands/test_interrupt.py)
        [sys.executable, "-m", "virtnum", "numbers", "get", "1"],
        env=user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=threaded_server.url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as at a terminal: a shell without job control starts background commands (this
        # test run, maybe) with SIGINT ignored, and a child would inherit that
        preexec_fn=_default_sigint,
    ) as proc:
        deadline = time.monotonic() + 30
        while threaded_server.in_flight == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert threaded_server.in_flight > 0
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert (proc.returncode, stdout, stderr) == (130, "", "virtnum: interrupted\n")
    assert CODES[KeyboardInterrupt] == 130


def test_vv_logs_one_line_per_request_without_secrets(threaded_server: FakeServer) -> None:
    number = threaded_server.numbers[7]["number"]
    result = run_cli(
        threaded_server,
        "-vv", "numbers", "list", "--where", f"number={number}", "--format", "csv",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert number in result.stdout
    lines = [line for line in result.stderr.splitlines() if " DEBUG decoded " not in line]
    assert len(lines) == len(threaded_server.requests) == 1
    assert " DEBUG GET " in lines[0]
    assert "number=***" in lines[0]
    assert number not in result.stderr
    assert TOKEN not in result.stderr
    many = run_cli(threaded_server, "-vv", "numbers", "get", "1", "2", "3", "--format", "csv")
    assert sum(" -> 200 " in line for line in many.stderr.splitlines()) == 3


def test_v_logs_the_retries_only(threaded_server: FakeServer) -> None:
    threaded_server.faults.fail(503, count=1)
    result = run_cli(threaded_server, "-v", "numbers", "get", "1", "--format", "csv")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert " INFO retrying GET /numbers/virtual-number/1 after 503" in line
    quiet = run_cli(threaded_server, "numbers", "get", "1", "--format", "csv")
    assert quiet.stderr == ""


def test_v_with_virtnum_log_writes_each_line_once(threaded_server: FakeServer) -> None:
    threaded_server.faults.fail(503, count=1)
    args = ("-v", "numbers", "get", "1", "--format", "csv")
    result = run_cli(threaded_server, *args, VIRTNUM_LOG="info")
    assert result.returncode == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert " INFO retrying GET /numbers/virtual-number/1 after 503" in line


def test_vv_never_logs_a_sip_password(threaded_server: FakeServer) -> None:
    password = "sip-Pa55-very-secret"
    result = run_cli(
        threaded_server,
        "-vv", "numbers", "add-sip", "74951112233", "--login", "trunk",
        "--server-host", "sip.example", "--server-port", "5060", "--password-stdin",
        stdin=password,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "DEBUG POST" in result.stderr
    assert password not in result.stdout + result.stderr
    assert TOKEN not in result.stderr


def test_the_new_flags_and_exit_codes_are_documented() -> None:
    for words in ("15 output encoding", "16 fake server cannot listen", "130 interrupted"):
        assert words in README
    for flag in ("--proxy", "--trust-env", "--ca-bundle", "--allow-insecure-http", "-vv"):
        assert flag in README
    assert "--fields all" in README
