"""Where and how a command writes its models: ``--format``, ``--fields``, ``--output``,
``--delimiter``, ``--encoding`` and ``--raw-csv``, checked before any request (an ``--output`` that
cannot be written fails first), and every failure to write is one line."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, TypeVar

import attrs
import click

from virtnum.cli.errors import OutputEncodingError, OutputError, cannot_write
from virtnum.cli.output.cells import Target
from virtnum.cli.output.encodings import check_encoding, parse_delimiter
from virtnum.cli.output.formats import (
    DEFAULT_FIELDS,
    Columns,
    Model,
    named_rows,
    parse_fields,
    render,
)
from virtnum.models import VIRTUAL_NUMBER_FIELDS

__all__ = ["FORMATS", "Output", "output_options"]

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "jsonl", "csv", "xlsx")


def _is_regular_file(stream: Any) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


@attrs.frozen
class Output:
    """The output options of one command."""

    fmt: str = "table"
    fields: str | None = None
    path: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    raw_csv: bool = False
    _created: list[str] = attrs.field(factory=list, repr=False, eq=False)

    def columns(
        self,
        known: Sequence[str] = VIRTUAL_NUMBER_FIELDS,
        default: tuple[str, ...] = DEFAULT_FIELDS,
    ) -> Columns:
        """The ``--fields`` asked for (``default`` without any)."""
        return parse_fields(self.fields, known, default)

    def check(self) -> None:
        """Options that do not go together, and an ``--output`` that cannot be written,
        as one line each before anything is sent."""
        if self.delimiter is not None and self.fmt != "csv":
            raise click.UsageError("--delimiter goes with --format csv")
        if self.raw_csv and self.fmt != "csv":
            raise click.UsageError("--raw-csv goes with --format csv")
        if self.encoding is not None and self.fmt == "xlsx":
            raise click.UsageError("--encoding is for text formats: a workbook has its own")
        if self.fmt == "xlsx" and self.path is None and not _is_regular_file(sys.stdout):
            raise click.UsageError(
                "--format xlsx needs --output FILE (a workbook would garble a terminal or pipe)"
            )
        if self.path is not None:
            existed = os.path.lexists(self.path)
            try:
                with open(self.path, "ab"):
                    pass
            except OSError as exc:
                raise OutputError(cannot_write(f"--output {self.path}", exc)) from None
            if not existed:
                self._created.append(self.path)

    def discard(self) -> None:
        """Remove the ``--output`` file ``check`` created, when nothing was written."""
        for path in self._created:
            with contextlib.suppress(OSError):
                os.remove(path)

    def write(self, models: Iterable[Model], columns: Columns, title: str = "numbers") -> int:
        """Write ``models`` as ``columns`` in the format asked for; how many."""
        if self.path is None and self.encoding is None and self.fmt != "xlsx":
            return render(models, self.fmt, columns, sys.stdout, **self._csv())
        self._created.clear()  # from here the file holds the output, whole or removed
        with self._target() as target:
            if self.fmt == "xlsx":
                from virtnum.cli.output.xlsx import write_workbook

                rows = named_rows(iter(models), columns, Target.CSV, None if columns.extra else 0)
                return write_workbook(*rows, target, title)
            with self._text(target) as out:
                return render(models, self.fmt, columns, out, **self._csv())

    def _csv(self) -> dict[str, Any]:
        return {"delimiter": self.delimiter or ",", "raw_csv": self.raw_csv}

    @contextlib.contextmanager
    def _target(self) -> Iterator[IO[bytes]]:
        """The binary file written: ``--output`` (removed when writing fails; after a
        Ctrl-C only when a workbook), or stdout's."""
        if self.path is None:
            sys.stdout.flush()
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
            return
        where = f"--output {self.path}"
        try:
            file = open(self.path, "wb")  # noqa: SIM115 - closed below, its errors named
        except OSError as exc:
            raise OutputError(cannot_write(where, exc)) from None
        try:
            with file:
                yield file
        except OSError as exc:
            self._remove_partial()
            raise OutputError(cannot_write(where, exc)) from None
        except KeyboardInterrupt:  # a text file keeps what was written: the record so far
            if self.fmt == "xlsx":
                self._remove_partial()
            raise
        except BaseException:
            self._remove_partial()
            raise

    def _remove_partial(self) -> None:
        if self.path is not None and os.path.isfile(self.path):
            with contextlib.suppress(OSError):
                os.remove(self.path)

    @contextlib.contextmanager
    def _text(self, target: IO[bytes]) -> Iterator[IO[str]]:
        """``target`` as text in ``--encoding`` (UTF-8 by default)."""
        encoding = self.encoding or "utf-8"
        out = io.TextIOWrapper(target, encoding=encoding, newline="")
        try:
            yield out
            out.flush()
        except UnicodeEncodeError as exc:
            text = exc.object[exc.start : exc.end][:10]
            raise OutputEncodingError(
                f"cannot write {text!r} in {encoding} (--encoding): use --encoding utf-8-sig"
            ) from None
        finally:
            with contextlib.suppress(OSError, ValueError):
                out.detach()


_OPTIONS = (
    click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format; xlsx (an Excel workbook) needs --output.",
    ),
    click.option(
        "--fields",
        metavar="LIST",
        help="Comma-separated fields, e.g. id,number,state; all: every field.",
    ),
    click.option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
    click.option(
        "--delimiter",
        callback=parse_delimiter,
        metavar="CHAR",
        help="CSV delimiter [default: ,]; ';' for Russian Excel, or tab.",
    ),
    click.option(
        "--encoding",
        callback=check_encoding,
        help="Text encoding [default: utf-8]; utf-8-sig adds the BOM Excel looks for.",
    ),
    click.option(
        "--raw-csv",
        is_flag=True,
        help="CSV cells as they are: no ' before a text Excel would run as a formula.",
    ),
)


def output_options(command: F) -> F:
    """``--format``, ``--fields``, ``--output``, ``--delimiter``, ``--encoding`` and
    ``--raw-csv``, as every command that prints models takes them: the command gets
    them as ``out``."""

    @functools.wraps(command)
    def with_output(
        *args: Any,
        fmt: str,
        fields: str | None,
        output: str | None,
        delimiter: str | None,
        encoding: str | None,
        raw_csv: bool,
        **kwargs: Any,
    ) -> Any:
        out = Output(fmt, fields, output, delimiter, encoding, raw_csv)
        out.check()
        try:
            return command(*args, out=out, **kwargs)
        finally:
            out.discard()

    wrapped: Any = with_output
    for option in reversed(_OPTIONS):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]
