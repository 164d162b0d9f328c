"""The write commands of ``virtnum numbers``: available, update, delete, add-mobile,
add-sip. Each checks its input before the first request and prints what it changed."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from virtnum import AsyncClient, State, VirtualNumber
from virtnum.cli._common import Settings, output_options, run
from virtnum.cli._format import parse_fields, render
from virtnum.cli._plan import check_wanted, number_id, plan_update
from virtnum.models import AVAILABLE_MOBILE_FIELDS
from virtnum.resources._waiting import check_seconds

__all__ = ["COMMANDS"]

PASSWORD_ENV = "VIRTNUM_SIP_PASSWORD"


@click.command("available")
@output_options
@click.pass_obj
def available(settings: Settings, fmt: str, fields: str | None) -> None:
    """Mobile numbers the contract can add (GET /numbers/def-virtual-number-capacity)."""
    columns = parse_fields(fields, AVAILABLE_MOBILE_FIELDS, AVAILABLE_MOBILE_FIELDS)
    rows = run(settings, lambda client: client.numbers.list_available_mobile())
    render(rows, fmt, columns, sys.stdout)


@click.command("update")
@click.argument("id")
@click.option("--comment", help="New comment.")
@click.option("--clear-comment", is_flag=True, help="Remove the comment.")
@click.option("--purpose", help="company, employee or not_specified.")
@click.option("--employee-id", type=int, help="With --purpose employee.")
@output_options
@click.pass_obj
def update(
    settings: Settings,
    id: str,
    comment: str | None,
    clear_comment: bool,
    purpose: str | None,
    employee_id: int | None,
    fmt: str,
    fields: str | None,
) -> None:
    """Change a number's comment, purpose or employee; prints the number as it is then."""
    columns = parse_fields(fields)
    target = number_id(id)
    if comment is not None and clear_comment:
        raise ValueError("--comment and --clear-comment exclude each other")
    given: dict[str, Any] = {"purpose": purpose, "employee_id": employee_id, "comment": comment}
    given = {name: value for name, value in given.items() if value is not None}
    if clear_comment:
        given["comment"] = None
    wanted = check_wanted(given)
    if not wanted:
        raise ValueError("nothing to change: give --comment, --clear-comment, --purpose ...")

    async def job(client: AsyncClient) -> VirtualNumber:
        plan = plan_update(await client.numbers.get(target), wanted)
        if not plan.changes:
            click.echo(f"number {target}: nothing to change", err=True)
            return plan.number
        await client.numbers.update(target, **plan.kwargs)
        return await client.numbers.get(target)

    render([run(settings, job)], fmt, columns, sys.stdout)


@click.command("delete")
@click.argument("ids", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask (needed when stdin is not a terminal).")
@output_options
@click.pass_obj
def delete(
    settings: Settings, ids: tuple[str, ...], yes: bool, fmt: str, fields: str | None
) -> None:
    """Delete numbers by id (city numbers cannot be deleted); prints the ids deleted."""
    columns = parse_fields(fields, ("id",), ("id",))
    targets = list(dict.fromkeys(number_id(text) for text in ids))
    if not yes:
        if not sys.stdin.isatty():
            raise ValueError("refusing to delete without --yes (stdin is not a terminal)")
        shown = ", ".join(map(str, targets[:10])) + (" ..." if len(targets) > 10 else "")
        if not click.confirm(f"Delete {len(targets)} number(s): {shown}?", err=True):
            click.echo("virtnum: not confirmed; nothing deleted", err=True)
            raise SystemExit(1)
    deleted: list[VirtualNumber] = []

    async def job(client: AsyncClient) -> None:
        for target in targets:
            await client.numbers.delete(target)
            deleted.append(VirtualNumber(id=target))

    try:
        run(settings, job)
    finally:  # what was deleted before a failure is still shown
        if deleted:
            render(deleted, fmt, columns, sys.stdout)


@click.command("add-mobile")
@click.argument("number")
@click.option("--dgn-number", required=True, help="The city number tied to it.")
@click.option("--purpose", required=True, help="company or not_specified.")
@click.option("--comment")
@click.option("--wait", is_flag=True, help="Wait until the number is active.")
@click.option("--wait-timeout", type=float, default=600.0, show_default=True, help="Seconds.")
@click.option("--wait-interval", type=float, default=5.0, show_default=True, help="Seconds.")
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
    fmt: str,
    fields: str | None,
) -> None:
    """Add a mobile number from the contract (see `available`); --wait until active."""
    columns = parse_fields(fields)
    check_seconds(wait_timeout, "--wait-timeout")
    check_seconds(wait_interval, "--wait-interval")

    async def job(client: AsyncClient) -> VirtualNumber:
        added = await client.numbers.add_mobile(
            number=number, dgn_number=dgn_number, purpose=purpose, comment=comment
        )
        if not wait or added.state == State.ACTIVE:
            return added
        if sys.stderr.isatty():
            click.echo(f"number {added.id} added; waiting until it is active ...", err=True)
        return await client.numbers.wait_for_state(
            added.id, State.ACTIVE, timeout=wait_timeout, interval=wait_interval
        )

    render([run(settings, job)], fmt, columns, sys.stdout)


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
@click.option("--login", required=True)
@click.option("--server-host", required=True)
@click.option("--server-port", type=int, required=True)
@click.option("--comment")
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
    fmt: str,
    fields: str | None,
) -> None:
    """Add another operator's SIP-registration number (password: --password-stdin,
    $VIRTNUM_SIP_PASSWORD or a hidden prompt)."""
    columns = parse_fields(fields)
    password = _password(password_stdin)

    async def job(client: AsyncClient) -> VirtualNumber:
        return await client.numbers.add_sip_registration(
            number=number,
            login=login,
            password=password,
            server_host=server_host,
            server_port=server_port,
            comment=comment,
        )

    render([run(settings, job)], fmt, columns, sys.stdout)


COMMANDS = (available, update, delete, add_mobile, add_sip)
