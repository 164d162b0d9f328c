"""The click commands: numbers list/get/outbound (and the writes of ``_writes`` and
``_apply``), demo, fake-server."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from virtnum import VirtualNumber
from virtnum._credentials import BASE_URL_ENV, PROFILE_ENV
from virtnum._version import __version__
from virtnum.cli import EXIT_MEANINGS, _apply, _writes
from virtnum.cli._auth import auth, token_from_options
from virtnum.cli._bulk import each, report
from virtnum.cli._common import SECONDS, F, Settings, ca_context, env_flag, run, whole_number
from virtnum.cli._group import Group
from virtnum.cli._output import Output, output_options
from virtnum.cli._plan import number_id
from virtnum.cli._serve import fake_server
from virtnum.cli._stream import stream
from virtnum.cli._words import ENUMS, build_filter

if TYPE_CHECKING:
    from virtnum import AsyncClient

TRUST_ENV = "VIRTNUM_TRUST_ENV"


def _env_option(flag: str, env: str, text: str, metavar: str | None = None) -> Callable[[F], F]:
    """An option whose default comes from the environment variable ``env``."""
    return click.option(flag, envvar=env, metavar=metavar, help=f"{text} [env: {env}].")


def _epilog() -> str:
    """The exit statuses and shell completion, for ``virtnum --help`` (``\\b`` keeps
    click from rewrapping the lines)."""
    codes = "\n".join(f"  {code:<4} {meaning}" for code, meaning in EXIT_MEANINGS)
    return (
        f"\b\nExit status (get and delete of several ids: the first failure's):\n{codes}\n\n"
        "\b\nShell completion (bash; zsh and fish alike, with zsh_source, fish_source):\n"
        '  eval "$(_VIRTNUM_COMPLETE=bash_source virtnum)"   # in ~/.bashrc'
    )


@click.group(cls=Group, epilog=_epilog())
@click.option("--token", hidden=True, help="Deprecated: use --token-stdin.")
@click.option("--token-stdin", is_flag=True, help="Read the API token from stdin's first line.")
@click.option(
    "--profile", metavar="NAME", help=f"Credentials profile (see auth) [env: {PROFILE_ENV}]."
)
@click.option("--base-url", metavar="URL", help=f"API URL [env: {BASE_URL_ENV}].")
@click.option("--timeout", **SECONDS, default=30.0, show_default=True, help="Seconds per request.")
@click.option(
    "--deadline",
    **SECONDS,
    default=None,
    help="Seconds for a whole call, retries and waits included (default: none).",
)
@whole_number(
    "--max-retries",
    minimum=0,
    default=2,
    help="Retries of a request that failed on the way (0: none).",
)
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
@click.version_option(__version__, prog_name="virtnum", help="Show the version and exit.")
@click.pass_context
def cli(
    ctx: click.Context,
    token: str | None,
    token_stdin: bool,
    profile: str | None,
    base_url: str | None,
    timeout: float,
    deadline: float | None,
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
        deadline=deadline,
    )
    if verbose:
        import logging

        from virtnum._logs import send_to_stderr

        send_to_stderr(logging.DEBUG if verbose > 1 else logging.INFO)


@cli.group()
def numbers() -> None:
    """Virtual numbers: list, get, outbound; update, add, delete, apply a file."""


for _command in (*_writes.COMMANDS, _apply.apply):
    numbers.add_command(_command)
cli.add_command(auth)


def _choices(field: str) -> Callable[[click.Context, click.Parameter, str], list[str]]:
    """Shell completion of an enum option: the values the SDK knows."""
    values = [member.value for member in ENUMS[field].__members__.values()]
    return lambda ctx, param, incomplete: [v for v in values if v.startswith(incomplete)]


def _known(field: str) -> str:
    return ", ".join(member.value for member in ENUMS[field].__members__.values())


def _any_of(flag: str, dest: str, field: str, note: str = "") -> Callable[[F], F]:
    """A repeatable filter option of an enum field, its values in the help."""
    return click.option(
        flag,
        dest,
        multiple=True,
        shell_complete=_choices(field),
        help=f"{_known(field)}{note}; repeat for any of.",
    )


_FILTER_OPTIONS = (
    _any_of("--type", "types", "type", " (def is mobile, abc city)"),
    _any_of("--state", "states", "state"),
    _any_of("--purpose", "purposes", "purpose"),
    click.option(
        "--purpose-ne",
        multiple=True,
        shell_complete=_choices("purpose"),
        help="Exclude this purpose.",
    ),
    click.option(
        "--where", multiple=True, metavar="FIELD=VALUE", help="Any field, e.g. group_id=7."
    ),
    click.option("--sort", metavar="FIELD", help="Field to sort by; prefix with - for descending."),
    click.option("--page-size", type=click.IntRange(min=1), help="Fetch in pages of this size."),
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
    out: Output,
) -> None:
    """List numbers matching the filters (enum values in any case)."""
    columns = out.columns()
    choices = [
        ("--type", "type", types),
        ("--state", "state", states),
        ("--purpose", "purpose", purposes),
        ("--purpose-ne", "purpose__ne", purpose_ne),
    ]
    query = build_filter(choices, where, sort)

    def pages(client: AsyncClient) -> AsyncIterator[list[VirtualNumber]]:
        return client.numbers.pages(query, page_size=page_size)

    found: Iterator[VirtualNumber] = stream(settings, pages)  # fetched as it is written
    out.write(found, columns)


def _read_ids(ids: Sequence[str]) -> Iterator[int]:
    for token in ids:
        words = sys.stdin.read().split() if token == "-" else [token]
        for word in words:
            yield number_id(word)


@numbers.command("get")
@click.argument("ids", nargs=-1, required=True)
@whole_number("--concurrency", minimum=1, default=16, help="Requests at once.")
@output_options
@click.pass_obj
def get_numbers(settings: Settings, ids: tuple[str, ...], concurrency: int, out: Output) -> None:
    """Get numbers by id (use - to read ids from stdin): every id is tried; prints the
    numbers found, and names each failure."""
    columns = out.columns()
    id_list = list(_read_ids(ids))

    async def job(client: AsyncClient) -> list[Any]:
        return await each(id_list, client.numbers.get, concurrency, "fetching")

    results = run(settings, job)
    out.write([item.value for item in results if item.ok], columns)
    code = report(results, "fetched", settings.debug)
    if code is not None:
        raise click.exceptions.Exit(code)


@numbers.command("outbound")
@output_options
@click.pass_obj
def outbound(settings: Settings, out: Output) -> None:
    """Numbers usable for outbound calls (purpose set, active, def or abc)."""
    columns = out.columns()
    rows = run(settings, lambda client: client.numbers.list_outbound())
    out.write(rows, columns)


@cli.command()
@whole_number(
    "--numbers",
    "count",
    minimum=1,
    default=200,
    help="How many synthetic numbers the fake server holds.",
)
def demo(count: int) -> None:
    """Run the three seed calls against an embedded fake server (no account needed)."""
    import asyncio

    from virtnum.cli._demo import run_demo

    asyncio.run(run_demo(count, sys.stdout))


cli.add_command(fake_server)
