"""The click commands: numbers list/get/outbound, demo, fake-server."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import attrs
import click

from virtnum import AsyncClient, Filter, VirtnumError, VirtualNumber
from virtnum._version import __version__
from virtnum.cli import exit_code, silence_stdout
from virtnum.cli._format import FORMATS, parse_fields, render

T = TypeVar("T")


@attrs.frozen
class Settings:
    """Connection settings shared by the commands (the token never printed)."""

    token: str | None = attrs.field(repr=False)
    base_url: str | None
    timeout: float
    max_retries: int
    debug: bool

    def client(self) -> AsyncClient:
        return AsyncClient(
            self.token, base_url=self.base_url, timeout=self.timeout, max_retries=self.max_retries
        )


class _Group(click.Group):
    """Turns virtnum's errors into one line on stderr and a distinct exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (| head): exit quietly and successfully, and keep
            # Python from complaining again when it flushes stdout at shutdown.
            silence_stdout()
            ctx.exit(0)
        except (VirtnumError, ValueError) as exc:
            settings = ctx.find_object(Settings)
            if settings is not None and settings.debug:
                raise
            click.echo(f"virtnum: error: {exc}", err=True)
            ctx.exit(exit_code(exc))


def _run(settings: Settings, job: Callable[[AsyncClient], Awaitable[T]]) -> T:
    async def runner() -> T:
        async with settings.client() as client:
            return await job(client)

    return asyncio.run(runner())


_format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True
)
_fields_option = click.option("--fields", help="Comma-separated fields, e.g. id,number,state.")


@click.group(cls=_Group)
@click.option("--token", envvar="VIRTNUM_TOKEN", help="API token [env: VIRTNUM_TOKEN].")
@click.option("--base-url", envvar="VIRTNUM_BASE_URL", help="API URL [env: VIRTNUM_BASE_URL].")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--max-retries", type=int, default=2, show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(__version__, prog_name="virtnum")
@click.pass_context
def cli(
    ctx: click.Context,
    token: str | None,
    base_url: str | None,
    timeout: float,
    max_retries: int,
    debug: bool,
) -> None:
    """Manage the virtual numbers of a cloud PBX account."""
    ctx.obj = Settings(token, base_url, timeout, max_retries, debug)


@cli.group()
def numbers() -> None:
    """Virtual numbers: list, get, outbound."""


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


@numbers.command("list")
@click.option("--type", "types", multiple=True, help="def, abc, ... (repeat for any of).")
@click.option("--state", "states", multiple=True)
@click.option("--purpose", "purposes", multiple=True)
@click.option("--purpose-ne", multiple=True, help="Exclude this purpose.")
@click.option("--where", multiple=True, metavar="FIELD=VALUE", help="Any field, e.g. group_id=7.")
@click.option("--sort", help="Field to sort by; prefix with - for descending.")
@click.option("--page-size", type=int, help="Fetch in pages of this size.")
@_format_option
@_fields_option
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

    async def job(client: AsyncClient) -> list[VirtualNumber]:
        return [n async for n in client.numbers.iter(query, page_size=page_size)]

    render(_run(settings, job), fmt, columns, sys.stdout)


def _read_ids(ids: Sequence[str]) -> Iterator[int]:
    for token in ids:
        words = sys.stdin.read().split() if token == "-" else [token]
        for word in words:
            if not word.isdigit() or int(word) <= 0:
                raise ValueError(f"not a number id: {word[:40]!r}")
            yield int(word)


@numbers.command("get")
@click.argument("ids", nargs=-1, required=True)
@click.option("--concurrency", type=int, default=16, show_default=True)
@_format_option
@_fields_option
@click.pass_obj
def get_numbers(
    settings: Settings, ids: tuple[str, ...], concurrency: int, fmt: str, fields: str | None
) -> None:
    """Get numbers by id (use - to read ids from stdin)."""
    columns = parse_fields(fields)
    id_list = list(_read_ids(ids))

    async def job(client: AsyncClient) -> list[VirtualNumber]:
        if not sys.stderr.isatty() or len(id_list) < 2:
            return await client.numbers.get_many(id_list, concurrency=concurrency)
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("fetching", total=len(id_list))
            return await client.numbers.get_many(
                id_list,
                concurrency=concurrency,
                on_progress=lambda done, _: progress.update(task, completed=done),
            )

    render(_run(settings, job), fmt, columns, sys.stdout)


@numbers.command("outbound")
@_format_option
@_fields_option
@click.pass_obj
def outbound(settings: Settings, fmt: str, fields: str | None) -> None:
    """Numbers usable for outbound calls (purpose set, active, def or abc)."""
    columns = parse_fields(fields)
    rows = _run(settings, lambda client: client.numbers.list_outbound())
    render(rows, fmt, columns, sys.stdout)


@cli.command()
@click.option("--numbers", "count", type=int, default=200, show_default=True)
def demo(count: int) -> None:
    """Run the three seed calls against an embedded fake server (no account needed)."""
    from virtnum.cli._demo import run_demo

    asyncio.run(run_demo(count, sys.stdout))


@cli.command("fake-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--numbers", "count", type=int, default=1000, show_default=True)
@click.option("--token", default=None, help="Token the server accepts [default: fake-token].")
def fake_server(host: str, port: int, count: int, token: str | None) -> None:
    """Serve the fake Data API in the foreground (Ctrl-C stops it)."""
    from virtnum.testing import FakeServer

    server = FakeServer(count, token=token or "fake-token", host=host, port=port)

    async def serve() -> None:
        await server.start()
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
