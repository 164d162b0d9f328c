"""The CLI's click group: every failure becomes one line on stderr and a distinct exit
status (``--debug`` adds the traceback and a connection error's underlying cause)."""

from __future__ import annotations

import codecs
import sys
import traceback
from typing import Any, NoReturn

import click

from virtnum import APIConnectionError, VirtnumError
from virtnum.cli import (
    INTERRUPTED,
    OutputEncodingError,
    OutputError,
    cannot_write,
    exit_code,
    silence_stdout,
)
from virtnum.cli._inert import clean, clean_lines

__all__ = ["Group", "error_line"]

# Usage errors that are not errors: a group run without a command shows its help.
_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _same_codec(one: str | None, other: str | None) -> bool:
    try:
        return codecs.lookup(one or "").name == codecs.lookup(other or "").name
    except LookupError:
        return False


def _output_problem(exc: UnicodeEncodeError) -> OutputEncodingError | None:
    """The output-encoding error ``exc`` is, when it is stdout's codec that failed."""
    encoding = getattr(sys.stdout, "encoding", None)
    if not _same_codec(exc.encoding, encoding):
        return None
    return OutputEncodingError(
        f"cannot write the output: stdout's encoding ({encoding}) has no such characters; "
        "set PYTHONIOENCODING=utf-8 or use a UTF-8 locale"
    )


def error_line(exc: BaseException, *, debug: bool = False) -> tuple[str, int]:
    """The one line saying what went wrong, and the exit status for it (the server's
    text in it made inert)."""
    if isinstance(exc, UnicodeEncodeError):
        exc = _output_problem(exc) or exc
    text = str(exc)
    if debug and isinstance(exc, APIConnectionError) and exc.detail:
        text = f"{text} ({exc.detail})"
    return "virtnum: error: " + clean(" ".join(text.split())), exit_code(exc)


def _say(line: str) -> None:
    click.echo(line, err=True)


def _interrupted(ctx: click.Context) -> NoReturn:
    # on a terminal the ^C echo has no newline: end it first, so the message is a line
    _say(("\n" if sys.stderr.isatty() else "") + "virtnum: interrupted")
    ctx.exit(INTERRUPTED)


def _usage_line(exc: click.ClickException) -> str:
    text = " ".join(exc.format_message().split()).removesuffix(".")
    context = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and context is not None:
        text += f" (see '{context.command_path} --help')"
    return f"virtnum: error: {clean(text)}"


class Group(click.Group):
    """A group whose commands' failures are one line each, with their exit codes."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:  # the options before the command
            if isinstance(exc, _HELP):
                raise
            _say(_usage_line(exc))
            raise click.exceptions.Exit(exc.exit_code) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (| head): exit quietly and successfully, and keep
            # Python from complaining again when it flushes stdout at shutdown.
            silence_stdout()
            ctx.exit(0)
        except OSError as exc:  # stdout cannot be written: a full disk, a closed stdout
            _debug_traceback(ctx)
            silence_stdout()  # what is still buffered must not fail again at exit
            where = "stdout" if exc.filename is None else str(exc.filename)
            _say(f"virtnum: error: {cannot_write(where, exc)}")
            ctx.exit(exit_code(OutputError()))
        except KeyboardInterrupt:
            _interrupted(ctx)
        except click.Abort as exc:  # a prompt ended by Ctrl-C or end of input
            if isinstance(exc.__context__, KeyboardInterrupt):
                _interrupted(ctx)
            _say("virtnum: aborted: no answer")
            ctx.exit(1)
        except click.ClickException as exc:
            if isinstance(exc, _HELP):
                raise
            _say(_usage_line(exc))
            ctx.exit(exc.exit_code)
        except (VirtnumError, ValueError) as exc:
            debug = _debug_traceback(ctx)
            line, code = error_line(exc, debug=debug)
            _say(line)
            ctx.exit(code)


def _debug_traceback(ctx: click.Context) -> bool:
    """With ``--debug``, write the traceback being handled to stderr; whether it did."""
    debug = bool(getattr(ctx.find_root().obj, "debug", False))  # the root's Settings
    if debug:
        sys.stderr.write(clean_lines(traceback.format_exc()))
    return debug
