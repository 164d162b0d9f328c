"""``virtnum --debug`` shows tracebacks and the causes of errors, never a secret: a proxy
(``--proxy``, ``VIRTNUM_PROXY``, ``HTTPS_PROXY``) refusing the tunnel, a server echoing
the token and the SIP password, a refused connection."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum.cli.app import cli
from virtnum.cli.group import debug_traceback, error_line
from virtnum.cli.settings import Settings

from .._secrets import (
    ECHO_STYLES,
    EXAMPLE,
    SECRETS,
    Secrets,
    debug_log,
    echo_server,
    environment,
    leaks,
    port_of,
    refusing_port,
    texts_of_records,
)

GET_ONE = ("numbers", "get", "1")
ADD_SIP = (
    *("numbers", "add-sip", "79001234567", "--login", "sip-login"),
    *("--server-host", "sip.example.test", "--server-port", "5060"),
)

API = "https://api.example.test"  # never reached: the proxy refuses the tunnel first
PROXY_SOURCES = ["--proxy", "VIRTNUM_PROXY", "HTTPS_PROXY"]
TOKEN_SOURCES = ["VIRTNUM_TOKEN", "--token-stdin"]


@pytest.fixture(scope="module")
def no_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config home without credentials (module-wide: hypothesis tests may use it)."""
    return tmp_path_factory.mktemp("config")


def debug_run(
    secrets: Secrets,
    config: Path,
    base_url: str,
    *args: str,
    proxy: str | None = None,
    proxy_source: str = "--proxy",
    token_source: str = "VIRTNUM_TOKEN",
    env: dict[str, str] | None = None,
) -> tuple[Result, list[tuple[str, str]]]:
    """``virtnum --debug --base-url BASE_URL ARGS`` in this process, the token and the proxy
    given as named; the result, and every text it showed (stdout, stderr, log records at
    DEBUG)."""
    options, values = ["--debug", "--max-retries", "0"], {"XDG_CONFIG_HOME": str(config)}
    values.update(env or {})
    if proxy is not None and proxy_source == "--proxy":
        options += ["--proxy", proxy]
    elif proxy is not None:
        values[proxy_source] = proxy
        options += ["--trust-env"] if proxy_source == "HTTPS_PROXY" else []
    stdin = None
    if token_source == "--token-stdin":
        options.append("--token-stdin")
        stdin = secrets.token + "\n"
    else:
        values["VIRTNUM_TOKEN"] = secrets.token
    with environment(**values), debug_log() as records:
        result = CliRunner().invoke(cli, [*options, "--base-url", base_url, *args], input=stdin)
    texts = [("stdout", result.stdout), ("stderr", result.stderr), ("output", result.output)]
    return result, [*texts, *texts_of_records(records)]


def _says_what_failed(result: Result, *words: str) -> None:
    assert result.exit_code not in (0, None), result.output
    assert "Traceback (most recent call last)" in result.stderr  # --debug was heard
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("virtnum: error: "), result.stderr
    assert all(word in error for word in words), error


@pytest.mark.parametrize("proxy_source", PROXY_SOURCES)
def test_debug_shows_a_refusing_proxy_without_its_password(
    no_config: Path, proxy_source: str
) -> None:
    with echo_server() as proxy:
        proxy.status = 407
        url = EXAMPLE.proxy(port_of(proxy))
        result, texts = debug_run(
            EXAMPLE, no_config, API, *GET_ONE, proxy=url, proxy_source=proxy_source
        )
    _says_what_failed(result, "the proxy refused its credentials (407)")
    assert f"url='http://proxy-user:***@127.0.0.1:{port_of(proxy)}'" in result.stderr
    assert leaks(EXAMPLE, texts) == []


@pytest.mark.parametrize("style", ECHO_STYLES)
def test_debug_shows_a_server_echoing_the_secrets_without_them(no_config: Path, style: str) -> None:
    with echo_server() as server:  # a 500's message shows the start of its page
        server.status, server.style = 500, style
        url = f"http://127.0.0.1:{port_of(server)}"
        get, got = debug_run(EXAMPLE, no_config, url, *GET_ONE)
        add, added = debug_run(
            EXAMPLE, no_config, url, *ADD_SIP, env={"VIRTNUM_SIP_PASSWORD": EXAMPLE.sip_password}
        )
    for result in (get, add):
        _says_what_failed(result, "status 500: <html>")
    assert leaks(EXAMPLE, [*got, *added]) == []


def test_debug_shows_a_refused_connection_without_a_secret(no_config: Path) -> None:
    with refusing_port() as port:
        url = f"http://127.0.0.1:{port}"
        direct, shown = debug_run(EXAMPLE, no_config, url, *GET_ONE)
        proxied, through = debug_run(EXAMPLE, no_config, API, *GET_ONE, proxy=EXAMPLE.proxy(port))
    _says_what_failed(direct, "connection refused")
    _says_what_failed(proxied, "the proxy could not be reached")
    assert leaks(EXAMPLE, [*shown, *through]) == []


def _runs(
    secrets: Secrets, config: Path, proxy_source: str, token_source: str, status: int, style: str
) -> Iterator[tuple[Result, list[tuple[str, str]]]]:
    """The failing runs of one drawing: a refusing proxy, an echoing server, a refusal."""
    with echo_server() as server, refusing_port() as refused:
        server.status, server.style = status, style
        proxy = secrets.proxy(port_of(server))
        yield debug_run(
            secrets,
            config,
            API,
            *GET_ONE,
            proxy=proxy,
            proxy_source=proxy_source,
            token_source=token_source,
        )
        server.status = {407: 401, 403: 403, 502: 500}[status]  # now as the API
        url = f"http://127.0.0.1:{port_of(server)}"
        yield debug_run(secrets, config, url, *GET_ONE, token_source=token_source)
        yield debug_run(
            secrets,
            config,
            url,
            *ADD_SIP,
            token_source=token_source,
            env={"VIRTNUM_SIP_PASSWORD": secrets.sip_password},
        )
        yield debug_run(
            secrets,
            config,
            API,
            *GET_ONE,
            proxy=secrets.proxy(refused),
            proxy_source=proxy_source,
            token_source=token_source,
        )


@settings(max_examples=12, deadline=None)
@given(
    SECRETS,
    st.sampled_from(PROXY_SOURCES),
    st.sampled_from(TOKEN_SOURCES),
    st.sampled_from([407, 403, 502]),
    st.sampled_from(ECHO_STYLES),
)
def test_debug_shows_no_drawn_secret(
    no_config: Path,
    secrets: Secrets,
    proxy_source: str,
    token_source: str,
    status: int,
    style: str,
) -> None:
    texts: list[tuple[str, str]] = []
    runs = _runs(secrets, no_config, proxy_source, token_source, status, style)
    for result, shown in runs:
        _says_what_failed(result)
        texts += shown
    assert leaks(secrets, texts) == []


def test_an_error_line_and_a_traceback_mask_the_runs_secrets() -> None:
    proxy = EXAMPLE.proxy(3128)
    settings = Settings(EXAMPLE.token, None, 30.0, 0, True, proxy=proxy)
    error = ValueError(f"not from the transport: {EXAMPLE.token} {proxy}")
    with click.Context(cli, obj=settings):
        line, _ = error_line(error, debug=True)
        try:
            raise error
        except ValueError:
            shown = debug_traceback()
    assert "proxy-user:***@127.0.0.1:3128" in line
    assert "ValueError: not from the transport" in shown
    assert leaks(EXAMPLE, [("error line", line), ("traceback", shown)]) == []
