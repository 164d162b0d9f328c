"""The click commands: numbers list/get/outbound (and the writes of ``_writes`` and
``_apply``), demo, fake-server."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from urllib.parse import urlencode

import click

from virtnum import AsyncClient, Filter, VirtualNumber
from virtnum._credentials import BASE_URL_ENV, PROFILE_ENV
from virtnum._logs import send_to_stderr
from virtnum._version import __version__
from virtnum.cli import CannotListenError, _apply, _writes
from virtnum.cli._auth import auth, token_from_options
from virtnum.cli._common import F, Settings, ca_context, env_flag, output_options, progress, run
from virtnum.cli._format import parse_fields, render
from virtnum.cli._group import Group
from virtnum.cli._plan import number_id
from virtnum.cli._stream import stream

TRUST_ENV = "VIRTNUM_TRUST_ENV"


def _env_option(flag: str, env: str, text: str, metavar: str | None = None) -> Callable[[F], F]:
    """An option whose default comes from the environment variable ``env``."""
    return click.option(flag, envvar=env, metavar=metavar, help=f"{text} [env: {env}].")


@click.group(cls=Group)
@click.option("--token", hidden=True, help="Deprecated: use --token-stdin.")
@click.option("--token-stdin", is_flag=True, help="Read the API token from stdin's first line.")
@click.option(
    "--profile", metavar="NAME", help=f"Credentials profile (see auth) [env: {PROFILE_ENV}]."
)
@click.option("--base-url", metavar="URL", help=f"API URL [env: {BASE_URL_ENV}].")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--max-retries", type=int, default=2, show_default=True)
@_env_option("--proxy", "VIRTNUM_PROXY", "Proxy every request", "URL")
@click.option(
    "--trust-env/--no-trust-env",
    default=None,
    help=f"Use HTTP(S)_PROXY and NO_PROXY [env: {TRUST_ENV}=1].",
)
@_env_option("--ca-bundle", "VIRTNUM_CA_BUNDLE", "Trust only the CAs in this PEM file", "FILE")
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Allow plain http to a host other than this machine (the token goes unencrypted).",
)
@click.option("-v", "--verbose", count=True, help="Log retries to stderr; -vv every request.")
@click.option("--debug", is_flag=True, help="Show tracebacks and the causes of errors.")
@click.version_option(__version__, prog_name="virtnum")
@click.pass_context
def cli(
    ctx: click.Context,
    token: str | None,
    token_stdin: bool,
    profile: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
    proxy: str | None,
    trust_env: bool | None,
    ca_bundle: str | None,
    allow_insecure_http: bool,
    verbose: int,
    debug: bool,
) -> None:
    """Manage the virtual numbers of a cloud PBX account."""
    if trust_env is None:
        trust_env = bool(env_flag(TRUST_ENV))
    ctx.obj = Settings(
        token_from_options(token, token_stdin),
        base_url,
        timeout,
        max_retries,
        debug,
        proxy=proxy or None,
        trust_env=trust_env,
        ssl=ca_context(ca_bundle) if ca_bundle else True,
        allow_insecure_http=allow_insecure_http,
        profile=profile,
    )
    if verbose:
        send_to_stderr(logging.DEBUG if verbose > 1 else logging.INFO)


@cli.group()
def numbers() -> None:
    """Virtual numbers: list, get, outbound; update, add, delete, apply a file."""


for _command in (*_writes.COMMANDS, _apply.apply):
    numbers.add_command(_command)
cli.add_command(auth)


def _build_filter(
    types: Sequence[str],
    states: Sequence[str],
    purposes: Sequence[str],
    purpose_ne: Sequence[str],
    where: Sequence[str],
    sort: str | None,
) -> Filter:
    pairs = [("type", t) for t in types] + [("state", s) for s in states]
    pairs += [("purpose", p) for p in purposes] + [("purpose__ne", p) for p in purpose_ne]
    for condition in where:
        name, sep, value = condition.partition("=")
        if not sep:
            raise ValueError(f"--where {condition!r}: expected FIELD=VALUE")
        pairs.append((name, value))
    query = Filter.parse(urlencode(pairs))
    return query.order_by(sort) if sort else query


_FILTER_OPTIONS = (
    click.option("--type", "types", multiple=True, help="def, abc, ... (repeat for any of)."),
    click.option("--state", "states", multiple=True),
    click.option("--purpose", "purposes", multiple=True),
    click.option("--purpose-ne", multiple=True, help="Exclude this purpose."),
    click.option(
        "--where", multiple=True, metavar="FIELD=VALUE", help="Any field, e.g. group_id=7."
    ),
    click.option("--sort", help="Field to sort by; prefix with - for descending."),
    click.option("--page-size", type=int, help="Fetch in pages of this size."),
)


def filter_options(command: F) -> F:
    """The list filters: --type, --state, --purpose, --purpose-ne, --where, --sort, --page-size."""
    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command


@numbers.command("list")
@filter_options
@output_options
@click.pass_obj
def list_numbers(
    settings: Settings,
    types: tuple[str, ...],
    states: tuple[str, ...],
    purposes: tuple[str, ...],
    purpose_ne: tuple[str, ...],
    where: tuple[str, ...],
    sort: str | None,
    page_size: int | None,
    fmt: str,
    fields: str | None,
) -> None:
    """List numbers matching the filters."""
    columns = parse_fields(fields)
    query = _build_filter(types, states, purposes, purpose_ne, where, sort)

    def pages(client: AsyncClient) -> AsyncIterator[list[VirtualNumber]]:
        return client.numbers.pages(query, page_size=page_size)

    found: Iterator[VirtualNumber] = stream(settings, pages)  # fetched as it is written
    render(found, fmt, columns, sys.stdout)


def _read_ids(ids: Sequence[str]) -> Iterator[int]:
    for token in ids:
        words = sys.stdin.read().split() if token == "-" else [token]
        for word in words:
            yield number_id(word)


@numbers.command("get")
@click.argument("ids", nargs=-1, required=True)
@click.option("--concurrency", type=int, default=16, show_default=True)
@output_options
@click.pass_obj
def get_numbers(
    settings: Settings, ids: tuple[str, ...], concurrency: int, fmt: str, fields: str | None
) -> None:
    """Get numbers by id (use - to read ids from stdin)."""
    columns = parse_fields(fields)
    id_list = list(_read_ids(ids))

    async def job(client: AsyncClient) -> list[VirtualNumber]:
        with progress("fetching", len(id_list)) as on_progress:
            return await client.numbers.get_many(
                id_list, concurrency=concurrency, on_progress=on_progress
            )

    render(run(settings, job), fmt, columns, sys.stdout)


@numbers.command("outbound")
@output_options
@click.pass_obj
def outbound(settings: Settings, fmt: str, fields: str | None) -> None:
    """Numbers usable for outbound calls (purpose set, active, def or abc)."""
    columns = parse_fields(fields)
    rows = run(settings, lambda client: client.numbers.list_outbound())
    render(rows, fmt, columns, sys.stdout)


@cli.command()
@click.option("--numbers", "count", type=int, default=200, show_default=True)
def demo(count: int) -> None:
    """Run the three seed calls against an embedded fake server (no account needed)."""
    from virtnum.cli._demo import run_demo

    asyncio.run(run_demo(count, sys.stdout))


@cli.command("fake-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--numbers", "count", type=int, default=1000, show_default=True)
@click.option("--token", default=None, help="Token the server accepts [default: fake-token].")
@click.option("--available-mobile", type=int, default=10, show_default=True)
@click.option(
    "--activation-delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds an added mobile number stays in activation.",
)
def fake_server(
    host: str,
    port: int,
    count: int,
    token: str | None,
    available_mobile: int,
    activation_delay: float,
) -> None:
    """Serve the fake Data API in the foreground (Ctrl-C stops it)."""
    from virtnum.testing import FakeServer

    server = FakeServer(
        count,
        token=token or "fake-token",
        host=host,
        port=port,
        available_mobile=available_mobile,
        activation_delay=activation_delay,
        record_requests=False,  # nothing can read them here; kept, they would only grow
    )

    async def serve() -> None:
        try:
            await server.start()
        except OSError as exc:  # the port is taken, the host is not this machine's, ...
            reason = exc.strerror or type(exc).__name__
            raise CannotListenError(f"cannot listen on {host}:{port}: {reason}") from None
        click.echo(f"fake server on {server.url} with {count} numbers", err=True)
        click.echo(f"export VIRTNUM_BASE_URL={server.url}")
        if token is None:
            click.echo("export VIRTNUM_TOKEN=fake-token")
        sys.stdout.flush()
        await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
