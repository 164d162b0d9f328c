"""The reading commands of ``virtnum numbers``: list, get, outbound, available (imported
when the ``numbers`` group is used, never for ``virtnum --help``)."""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import click

from virtnum import VirtualNumber
from virtnum.cli.commands.bulk import Done, report
from virtnum.cli.commands.pages import stream
from virtnum.cli.commands.plan import number_ids
from virtnum.cli.options import F, whole_number
from virtnum.cli.output.writer import Output, output_options
from virtnum.cli.settings import Settings, run
from virtnum.cli.words import ENUMS, build_filter
from virtnum.models import AVAILABLE_MOBILE_FIELDS

if TYPE_CHECKING:
    from virtnum import AsyncClient


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


@click.command("list")
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

    found = stream(settings, pages)  # fetched as it is written
    with contextlib.closing(found):
        out.write(found, columns)


def _read_ids(ids: Sequence[str]) -> list[int]:
    """The ids given (``-``: those on stdin), every one checked before any is fetched."""
    words: list[str] = []
    for token in ids:
        words.extend(sys.stdin.read().split() if token == "-" else [token])
    return number_ids(words)


def _getter(client: AsyncClient) -> Callable[[int], Awaitable[VirtualNumber]]:
    return client.numbers.get


@click.command("get")
@click.argument("ids", nargs=-1, required=True)
@whole_number("--concurrency", minimum=1, default=16, help="Requests at once.")
@output_options
@click.pass_obj
def get_numbers(settings: Settings, ids: tuple[str, ...], concurrency: int, out: Output) -> None:
    """Get numbers by id (use - to read ids from stdin): every id is tried; prints the
    numbers found, and names each failure."""
    from virtnum.cli.commands.bulk_stream import stream_each  # asyncio: loaded by a command

    columns = out.columns()
    results = [Done(number_id) for number_id in _read_ids(ids)]
    found = stream_each(settings, results, _getter, concurrency, "fetching")
    try:
        with contextlib.closing(found):  # a writer that fails closes the client at once
            first = next(found, None)
            if first is not None:  # none found: stdout stays empty, the failures say why
                # each number as soon as it and those before it are in
                out.write(itertools.chain([first], found), columns)
    except KeyboardInterrupt:
        report(results, "fetched", settings.debug, interrupted=True)
        raise
    code = report(results, "fetched", settings.debug)
    if code is not None:
        raise click.exceptions.Exit(code)


@click.command("outbound")
@output_options
@click.pass_obj
def outbound(settings: Settings, out: Output) -> None:
    """Numbers usable for outbound calls (purpose set, active, def or abc)."""
    columns = out.columns()
    rows = run(settings, lambda client: client.numbers.list_outbound())
    out.write(rows, columns)


@click.command("available")
@output_options
@click.pass_obj
def available(settings: Settings, out: Output) -> None:
    """Mobile numbers the contract can add (GET /numbers/def-virtual-number-capacity)."""
    columns = out.columns(AVAILABLE_MOBILE_FIELDS, AVAILABLE_MOBILE_FIELDS)
    rows = run(settings, lambda client: client.numbers.list_available_mobile())
    out.write(rows, columns, title="available")


COMMANDS = (list_numbers, get_numbers, outbound, available)
