"""The CLI's click group: every failure becomes one line on stderr and a distinct exit
status (``--debug`` adds the traceback and a connection error's underlying cause); each
is masked first (the run's token, its proxies' passwords, any URL's password)."""

from __future__ import annotations

import codecs
import contextlib
import sys
import traceback
from typing import Any, NoReturn

import click

from virtnum import APIConnectionError, VirtnumError, redact
from virtnum.cli.errors import (
    INTERRUPTED,
    OutputEncodingError,
    OutputError,
    cannot_write,
    exit_code,
)
from virtnum.cli.output.inert import clean, clean_lines
from virtnum.cli.stdout import silence_stdout

__all__ = ["SECRETS", "Group", "debug_traceback", "error_line", "shown"]

#: The key of ``click.Context.meta`` where a command adds a secret it read (a new token).
SECRETS = "virtnum.secrets"

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
    return "virtnum: error: " + clean(" ".join(shown(text).split())), exit_code(exc)


def debug_traceback(error: BaseException | None = None) -> str:
    """The traceback of ``error`` (by default: of the exception being handled), masked."""
    lines = traceback.format_exc() if error is None else traceback.format_exception(error)
    return shown("".join(lines))


def shown(text: str) -> str:
    """``text`` as the CLI may show it: every secret of the run masked (``redact``)."""
    return redact(text, *_run_secrets())


def _run_secrets() -> tuple[list[str], list[str]]:
    """The token the run's client uses (from a flag, the environment or a profile) and
    any secret a command read; the run's proxies (whose passwords are secrets too)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return [], []
    settings = ctx.find_root().obj
    secrets = list(ctx.meta.get(SECRETS, ()))
    token, profile = getattr(settings, "token", None), getattr(settings, "profile", None)
    from virtnum.credentials import resolve

    # none when there is no token anywhere, or the credentials file is refused
    with contextlib.suppress(VirtnumError):
        secrets.append(resolve(token, None, profile)[0])
    proxies = _environment_proxies() if getattr(settings, "trust_env", False) else []
    proxies.append(getattr(settings, "proxy", None) or "")
    return secrets, proxies


def _environment_proxies() -> list[str]:
    """The proxy URLs of ``HTTP(S)_PROXY`` and the like, as ``trust_env`` reads them."""
    import urllib.request

    found = urllib.request.getproxies_environment()
    return [proxy for scheme, proxy in found.items() if scheme != "no"]


def _say(line: str) -> None:
    click.echo(line, err=True)


def _interrupted(ctx: click.Context) -> NoReturn:
    # on a terminal the ^C echo has no newline: end it first, so the message is a line
    _say(("\n" if sys.stderr.isatty() else "") + "virtnum: interrupted")
    ctx.exit(INTERRUPTED)


def _usage_line(exc: click.ClickException) -> str:
    """The line of a usage error: it repeats what was typed, so only a URL's password is
    masked (the run's secrets would need the SDK loaded, which a usage error must not)."""
    text = " ".join(exc.format_message().split()).removesuffix(".")
    context = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and context is not None:
        text += f" (see '{context.command_path} --help')"
    return f"virtnum: error: {clean(redact(text))}"


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
        sys.stderr.write(clean_lines(debug_traceback()))
    return debug
