"""The write commands of ``virtnum numbers``: update, delete, add-mobile, add-sip. Each
checks its input before the first request and prints what it changed."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from virtnum import Purpose, State, VirtualNumber
from virtnum.cli.commands.bulk import each, report
from virtnum.cli.commands.plan import check_wanted, number_id, number_ids, plan_update
from virtnum.cli.options import SECONDS
from virtnum.cli.output.writer import Output, output_options
from virtnum.cli.settings import Settings, run
from virtnum.cli.words import EDIT_FLAGS, enum_value, in_cli_words, normal_name

if TYPE_CHECKING:
    from virtnum import AsyncClient

__all__ = ["COMMANDS"]

PASSWORD_ENV = "VIRTNUM_SIP_PASSWORD"


@click.command("update")
@click.argument("id")
@click.option("--comment", help="New comment.")
@click.option("--clear-comment", is_flag=True, help="Remove the comment.")
@click.option("--purpose", help="company, employee or not_specified (any case).")
@click.option("--employee-id", type=click.IntRange(min=1), help="With --purpose employee.")
@output_options
@click.pass_obj
def update(
    settings: Settings,
    id: str,
    comment: str | None,
    clear_comment: bool,
    purpose: str | None,
    employee_id: int | None,
    out: Output,
) -> None:
    """Change a number's comment, purpose or employee; prints the number as it is then."""
    columns = out.columns()
    target = number_id(id)
    if comment is not None and clear_comment:
        raise ValueError("--comment and --clear-comment exclude each other")
    if purpose is not None:
        purpose = normal_name(purpose)  # any case
    given: dict[str, Any] = {"purpose": purpose, "employee_id": employee_id, "comment": comment}
    given = {name: value for name, value in given.items() if value is not None}
    if clear_comment:
        given["comment"] = None
    try:
        wanted = check_wanted(given)
    except ValueError as exc:
        raise ValueError(in_cli_words(str(exc), EDIT_FLAGS)) from None
    if not wanted:
        raise ValueError("nothing to change: give --comment, --clear-comment, --purpose ...")

    async def job(client: AsyncClient) -> VirtualNumber:
        number = await client.numbers.get(target)
        try:
            plan = plan_update(number, wanted)
        except ValueError as exc:
            raise ValueError(in_cli_words(str(exc), EDIT_FLAGS)) from None
        purpose = plan.kwargs.get("purpose", number.purpose and number.purpose.value)
        if "employee_id" in plan.kwargs and purpose != Purpose.EMPLOYEE:
            raise ValueError(
                f"number {target} is on purpose {purpose}: --employee-id goes only with "
                "--purpose employee"
            )
        if not plan.changes:
            click.echo(f"number {target}: nothing to change", err=True)
            return plan.number
        await client.numbers.update(target, **plan.kwargs)
        return await client.numbers.get(target)

    out.write([run(settings, job)], columns)


@click.command("delete")
@click.argument("ids", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask (needed when stdin is not a terminal).")
@output_options
@click.pass_obj
def delete(settings: Settings, ids: tuple[str, ...], yes: bool, out: Output) -> None:
    """Delete numbers by id (city numbers cannot be deleted): every id is tried; prints
    the ids deleted, and names each failure."""
    columns = out.columns(("id",), ("id",))
    targets = list(dict.fromkeys(number_ids(ids)))
    if not yes:
        if not sys.stdin.isatty():
            raise ValueError("refusing to delete without --yes (stdin is not a terminal)")
        shown = ", ".join(map(str, targets[:10])) + (" ..." if len(targets) > 10 else "")
        if not click.confirm(f"Delete {len(targets)} number(s): {shown}?", err=True):
            click.echo("virtnum: not confirmed; nothing deleted", err=True)
            raise SystemExit(1)
    # one at a time, in the order given; a refusal does not stop the next id
    results = run(settings, lambda client: each(targets, client.numbers.delete, 1))
    deleted = [VirtualNumber(id=item.id) for item in results if item.ok]
    if deleted:
        out.write(deleted, columns)
    code = report(results, "deleted", settings.debug)
    if code is not None:
        raise click.exceptions.Exit(code)


@click.command("add-mobile")
@click.argument("number")
@click.option("--dgn-number", required=True, help="The city number tied to it.")
@click.option("--purpose", required=True, help="company or not_specified.")
@click.option("--comment", help="A note on the number.")
@click.option("--wait", is_flag=True, help="Wait until the number is active.")
@click.option(
    "--wait-timeout", **SECONDS, default=600.0, show_default=True, help="Seconds to wait."
)
@click.option(
    "--wait-interval", **SECONDS, default=5.0, show_default=True, help="Seconds between checks."
)
@output_options
@click.pass_obj
def add_mobile(
    settings: Settings,
    number: str,
    dgn_number: str,
    purpose: str,
    comment: str | None,
    wait: bool,
    wait_timeout: float,
    wait_interval: float,
    out: Output,
) -> None:
    """Add a mobile number from the contract (see `available`); --wait until active."""
    columns = out.columns()
    purpose = enum_value("--purpose", "purpose", purpose)

    async def job(client: AsyncClient) -> VirtualNumber:
        try:
            added = await client.numbers.add_mobile(
                number=number, dgn_number=dgn_number, purpose=purpose, comment=comment
            )
        except ValueError as exc:  # checked before sending: the values of the flags
            raise click.UsageError(in_cli_words(str(exc))) from None
        if not wait or added.state == State.ACTIVE:
            return added
        if sys.stderr.isatty():
            click.echo(f"number {added.id} added; waiting until it is active ...", err=True)
        return await client.numbers.wait_for_state(
            added.id, State.ACTIVE, timeout=wait_timeout, interval=wait_interval
        )

    out.write([run(settings, job)], columns)


def _password(from_stdin: bool) -> str:
    """The SIP password from stdin, the environment or a hidden prompt: never a flag."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        return str(click.prompt("SIP password", hide_input=True, err=True))
    raise ValueError(
        f"no SIP password: use --password-stdin, set {PASSWORD_ENV} or run on a terminal"
    )


@click.command("add-sip")
@click.argument("number")
@click.option("--login", required=True, help="The SIP login at the other operator.")
@click.option("--server-host", required=True, help="The other operator's SIP server.")
@click.option(
    "--server-port", type=click.IntRange(1, 65535), required=True, help="Its port, 1-65535."
)
@click.option("--comment", help="A note on the number.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
@output_options
@click.pass_obj
def add_sip(
    settings: Settings,
    number: str,
    login: str,
    server_host: str,
    server_port: int,
    comment: str | None,
    password_stdin: bool,
    out: Output,
) -> None:
    """Add another operator's SIP-registration number (password: --password-stdin,
    $VIRTNUM_SIP_PASSWORD or a hidden prompt)."""
    columns = out.columns()
    password = _password(password_stdin)

    async def job(client: AsyncClient) -> VirtualNumber:
        try:
            return await client.numbers.add_sip_registration(
                number=number,
                login=login,
                password=password,
                server_host=server_host,
                server_port=server_port,
                comment=comment,
            )
        except ValueError as exc:  # checked before sending; a message never has the password
            raise click.UsageError(in_cli_words(str(exc))) from None

    out.write([run(settings, job)], columns)


COMMANDS = (update, delete, add_mobile, add_sip)
