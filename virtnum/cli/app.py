"""The ``virtnum`` group and its global options, and its groups and commands: ``numbers``
and ``auth`` (their commands in ``commands/``, imported on first use), demo, fake-server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

import click

from virtnum import BASE_URL_ENV, PROFILE_ENV, __version__
from virtnum.cli.commands.fake_server import fake_server
from virtnum.cli.errors import EXIT_MEANINGS
from virtnum.cli.group import Group
from virtnum.cli.options import SECONDS, F, env_flag, whole_number

TRUST_ENV = "VIRTNUM_TRUST_ENV"
_LOG_HANDLER = "virtnum.cli"


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
    from virtnum.cli.commands.auth import token_from_options
    from virtnum.cli.settings import Settings, ca_context

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
        _log_to_stderr(verbose)


def _log_to_stderr(verbose: int) -> None:
    """``-v``: the ``virtnum`` logger's retries on stderr; ``-vv``: every request too (one
    handler: none is added when one writes to stderr already, as ``VIRTNUM_LOG`` adds)."""
    import logging

    logger = logging.getLogger("virtnum")
    ours = next((h for h in logger.handlers if h.get_name() == _LOG_HANDLER), None)
    if isinstance(ours, logging.StreamHandler):
        ours.setStream(sys.stderr)  # a run in the same process may have another stderr
    elif not any(getattr(handler, "stream", None) is sys.stderr for handler in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_LOG_HANDLER)
        handler.setFormatter(logging.Formatter("%(asctime)s virtnum %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use (``load`` returns them):
    ``virtnum --help`` lists the groups without loading what their commands need."""

    def __init__(self, *args: object, load: Callable[[], Iterable[click.Command]], **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self._load_commands = load

    def _load(self) -> None:
        if not self.commands:
            for command in self._load_commands():
                self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


def _numbers_commands() -> Iterable[click.Command]:
    from virtnum.cli.commands import apply, reads, writes

    return (*reads.COMMANDS, *writes.COMMANDS, apply.apply)


def _auth_commands() -> Iterable[click.Command]:
    from virtnum.cli.commands import auth

    return auth.COMMANDS


@cli.group(cls=_LazyGroup, load=_numbers_commands)
def numbers() -> None:
    """Virtual numbers: list, get, outbound; update, add, delete, apply a file."""


@cli.group(cls=_LazyGroup, load=_auth_commands)
def auth() -> None:
    """Credentials: log in (store a checked token), status, log out."""


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

    from virtnum.cli.commands.demo import run_demo

    asyncio.run(run_demo(count, sys.stdout))


cli.add_command(fake_server)
