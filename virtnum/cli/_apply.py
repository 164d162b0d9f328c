"""``virtnum numbers apply FILE``: bulk edits from CSV or JSONL as a plan (only what
differs), then the writes, with a per-row report; a second run changes nothing."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from collections.abc import Sequence
from typing import IO

import attrs
import click

from virtnum import (
    APIError,
    AsyncClient,
    AuthenticationError,
    PermissionDeniedError,
    VirtualNumber,
)
from virtnum.cli import RowsFailed
from virtnum.cli._common import Settings, progress, run
from virtnum.cli._plan import Plan, plan_update
from virtnum.cli._rows import Row, read_rows, sniff

__all__ = ["apply"]


@attrs.define
class _Outcome:
    """What became of one row: pending, then planned or unchanged, then ok; or error
    (with the reason) at any step."""

    row: Row
    plan: Plan | None = None
    status: str = "pending"
    error: str | None = None

    def fail(self, reason: str) -> None:
        self.status, self.error, self.plan = "error", reason, None


# Failures that are the run's, not a row's: the whole command stops with their exit code.
_FATAL = (AuthenticationError, PermissionDeniedError)


def _read(source: str) -> tuple[str, str]:
    """The file's name and text (``-``: stdin)."""
    if source == "-":
        return "-", sys.stdin.read()
    try:
        with open(source, encoding="utf-8-sig") as file:
            return source, file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read {source}: {exc}") from None


def _plan_rows(outcomes: Sequence[_Outcome], current: Sequence[VirtualNumber | APIError]) -> None:
    """Fill in each good row's plan from the number as it is now."""
    for outcome, number in zip(outcomes, current, strict=True):
        if isinstance(number, _FATAL):
            raise number
        if isinstance(number, APIError):
            outcome.fail(str(number))
            continue
        try:
            outcome.plan = plan_update(number, outcome.row.wanted)
        except ValueError as exc:
            outcome.fail(str(exc))
            continue
        outcome.status = "planned" if outcome.plan.changes else "unchanged"


def _print_plan(outcomes: Sequence[_Outcome], out: IO[str]) -> None:
    """The plan: a line per changed field, ``id<TAB>field: before → after``."""
    planned = [o.plan for o in outcomes if o.plan is not None and o.plan.changes]
    for plan in planned:
        for change in plan.changes:
            out.write(f"{plan.number.id}\t{change}\n")
    if not planned:
        out.write("nothing to change\n")
    out.flush()


async def _write_all(client: AsyncClient, outcomes: Sequence[_Outcome], concurrency: int) -> None:
    """The planned updates, at most ``concurrency`` at once; each row's result in place."""
    todo = [o for o in outcomes if o.status == "planned"]
    gate = asyncio.Semaphore(concurrency)
    done = 0
    with progress("applying", len(todo)) as on_progress:

        async def write(outcome: _Outcome) -> None:
            nonlocal done
            assert outcome.plan is not None
            async with gate:
                try:
                    await client.numbers.update(outcome.row.id, **outcome.plan.kwargs)
                except (APIError, ValueError) as exc:
                    outcome.fail(str(exc))
                else:
                    outcome.status = "ok"
            done += 1
            if on_progress is not None:
                on_progress(done, len(todo))

        await asyncio.gather(*(write(outcome) for outcome in todo))


def _report(outcomes: Sequence[_Outcome], path: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        for o in outcomes:
            line = {"id": o.row.id, "status": o.status, "error": o.error}
            file.write(json.dumps(line, ensure_ascii=False) + "\n")


@click.command("apply")
@click.argument("source", metavar="FILE")
@click.option("--input-format", type=click.Choice(["auto", "csv", "jsonl"]), default="auto")
@click.option("--dry-run", is_flag=True, help="Print the plan and send no write.")
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--report", metavar="FILE", help="Write one JSONL line per row here.")
@click.pass_obj
def apply(
    settings: Settings,
    source: str,
    input_format: str,
    dry_run: bool,
    concurrency: int,
    report: str | None,
) -> None:
    """Apply comment/purpose/employee_id edits from FILE (CSV or JSONL, - for stdin).

    Each row has id and any of comment, purpose, employee_id. An empty CSV cell leaves
    the field as it is; in JSONL, null clears the comment. Only what differs is sent.
    """
    if dry_run and report:
        raise ValueError("--report goes with a run that writes: drop --dry-run")
    name, text = _read(source)
    rows = read_rows(text, sniff(name, text) if input_format == "auto" else input_format)
    outcomes = [_Outcome(row) for row in rows]
    for outcome in outcomes:
        if outcome.row.error is not None:
            outcome.fail(outcome.row.error)
    good = [o for o in outcomes if o.status != "error"]
    if report:  # a path that cannot be written fails now, before any request
        _report([], report)

    async def job(client: AsyncClient) -> None:
        with progress("reading", len(good)) as on_progress:
            current = await client.numbers.get_many(
                [o.row.id for o in good],
                concurrency=concurrency,
                return_exceptions=True,
                on_progress=on_progress,
            )
        _plan_rows(good, current)
        _print_plan(outcomes, sys.stdout)
        if not dry_run:
            await _write_all(client, outcomes, concurrency)

    if good:
        run(settings, job)
    else:
        _print_plan(outcomes, sys.stdout)
    _finish(outcomes, report, dry_run)


def _finish(outcomes: Sequence[_Outcome], report: str | None, dry_run: bool) -> None:
    """The failed rows and a summary on stderr, the report; RowsFailed if any failed."""
    count = Counter(o.status for o in outcomes)
    for o in outcomes:
        if o.status == "error":
            where = f"line {o.row.line}" + ("" if o.row.id is None else f" (id {o.row.id})")
            click.echo(f"virtnum: {where}: {o.error}", err=True)
    if report:
        _report(outcomes, report)
    done = f"{count['planned']} to change" if dry_run else f"{count['ok']} changed"
    click.echo(
        f"{len(outcomes)} row(s): {done}, {count['unchanged']} unchanged, "
        f"{count['error']} failed" + (" (dry run: nothing sent)" if dry_run else ""),
        err=True,
    )
    if count["error"]:
        raise RowsFailed(f"{count['error']} of {len(outcomes)} row(s) failed")
