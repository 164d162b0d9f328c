"""``virtnum numbers apply FILE``: bulk edits from CSV, a workbook or JSONL as a plan
(only what differs, checked as the write would be), then the writes, with a per-row
report; a second run changes nothing."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

import attrs
import click

from virtnum import APIError
from virtnum.cli.commands.bulk import Done, each, is_fatal
from virtnum.cli.errors import OutputError, RowsFailed, cannot_write
from virtnum.cli.options import whole_number
from virtnum.cli.output.encodings import check_encoding, parse_delimiter
from virtnum.cli.output.inert import clean, json_text
from virtnum.cli.output.progress import progress
from virtnum.cli.settings import Settings, run

if TYPE_CHECKING:
    from virtnum import AsyncClient
    from virtnum.cli.commands.plan import Plan
    from virtnum.cli.commands.rows import Row

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


def _plan_rows(outcomes: Sequence[_Outcome], current: Sequence[Done]) -> None:
    """Fill in each good row's plan from the number as it is now."""
    for outcome, done in zip(outcomes, current, strict=True):
        if done.error is not None and is_fatal(done.error):
            raise done.error
        if done.error is not None or not done.tried:
            outcome.fail(str(done.error or "not read: the run stopped first"))
            continue
        try:
            from virtnum.cli.commands.plan import plan_update

            outcome.plan = plan_update(done.value, outcome.row.wanted, outcome.row.seen)
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


async def _write_all(
    client: AsyncClient, outcomes: Sequence[_Outcome], concurrency: int, report: _Report
) -> None:
    """The planned updates, at most ``concurrency`` at once; each row's result in place
    and in the report as soon as it is known."""
    todo = [o for o in outcomes if o.status == "planned"]
    import asyncio

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
            report.row(outcome)
            done += 1
            if on_progress is not None:
                on_progress(done, len(todo))

        import asyncio

        await asyncio.gather(*(write(outcome) for outcome in todo))


def _open_report(path: str | None) -> IO[str] | None:
    """The ``--report`` file, opened before any request: one line when it cannot be."""
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise OutputError(cannot_write(f"--report {path}", exc) + "; nothing was sent") from None


@attrs.frozen
class _Report:
    """The ``--report`` file (or none): a row's line is written and flushed as soon as
    its outcome is known, so an interrupted or killed run leaves every finished row."""

    file: IO[str] | None

    def row(self, outcome: _Outcome) -> None:
        if self.file is None:
            return
        line = {"id": outcome.row.id, "line": outcome.row.line}
        line.update(status=outcome.status, error=outcome.error)
        try:
            self.file.write(json_text(line) + "\n")
            self.file.flush()
        except OSError as exc:
            raise OutputError(cannot_write(f"--report {self.file.name}", exc)) from None


@click.command("apply")
@click.argument("source", metavar="FILE")
@click.option(
    "--input-format",
    type=click.Choice(["auto", "csv", "jsonl", "xlsx"]),
    default="auto",
    show_default=True,
    help="The file's format; auto: by its suffix, else its content.",
)
@click.option(
    "--encoding",
    callback=check_encoding,
    help="The CSV's encoding [default: UTF-8 (a BOM is skipped), else cp1251].",
)
@click.option(
    "--delimiter",
    callback=parse_delimiter,
    metavar="CHAR",
    help="The CSV's delimiter [default: the one of , ; tab in its header line].",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Read CSV cells as they are: keep a ' before a formula (as --raw-csv wrote it).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and send no write.")
@whole_number("--concurrency", minimum=1, default=8, help="Requests at once.")
@click.option("--report", metavar="FILE", help="Write one JSONL line per row here.")
@click.pass_obj
def apply(
    settings: Settings,
    source: str,
    input_format: str,
    encoding: str | None,
    delimiter: str | None,
    raw_csv: bool,
    dry_run: bool,
    concurrency: int,
    report: str | None,
) -> None:
    """Apply comment/purpose/employee_id edits from FILE (CSV, xlsx or JSONL; - for stdin).

    Each row has id and any of comment, purpose, employee_id; the other columns of
    `numbers list` may stay, and are checked, not changed. An empty cell leaves the
    field as it is; in JSONL, null clears the comment. Only what differs is sent.
    """
    if dry_run and report:
        raise ValueError("--report goes with a run that writes: drop --dry-run")
    from virtnum.cli.commands.input import load_rows  # csv, rich and the planner: for apply only

    rows = load_rows(source, input_format, encoding, delimiter, raw_csv)
    outcomes = [_Outcome(row) for row in rows]
    for outcome in outcomes:
        if outcome.row.error is not None:
            outcome.fail(outcome.row.error)
    good = [o for o in outcomes if o.status != "error"]
    report_file = _open_report(report)  # before any request
    try:
        _run(settings, outcomes, good, concurrency, dry_run, _Report(report_file))
    finally:
        if report_file is not None:
            report_file.close()
    _finish(outcomes, dry_run)


def _run(
    settings: Settings,
    outcomes: Sequence[_Outcome],
    good: Sequence[_Outcome],
    concurrency: int,
    dry_run: bool,
    report: _Report,
) -> None:
    """The bad rows in the report, then the reads, the plan and the writes; on Ctrl-C,
    what was done and not done is said before the interruption goes on."""
    for outcome in outcomes:
        if outcome.status == "error":
            report.row(outcome)
    try:
        if good:
            writes = None if dry_run else report
            run(settings, lambda client: _job(client, outcomes, good, concurrency, writes))
        else:
            _print_plan(outcomes, sys.stdout)
    except KeyboardInterrupt:
        _finish(outcomes, dry_run, interrupted=True)
        raise


async def _job(
    client: AsyncClient,
    outcomes: Sequence[_Outcome],
    good: Sequence[_Outcome],
    concurrency: int,
    report: _Report | None,
) -> None:
    """Read the numbers of the good rows, plan, print the plan, and unless a dry run
    (no ``report``) write it."""
    current = await each([o.row.id for o in good], client.numbers.get, concurrency, "reading")
    _plan_rows(good, current)
    _print_plan(outcomes, sys.stdout)
    if report is None:
        return
    for outcome in good:
        if outcome.status != "planned":
            report.row(outcome)
    await _write_all(client, outcomes, concurrency, report)


def _finish(outcomes: Sequence[_Outcome], dry_run: bool, *, interrupted: bool = False) -> None:
    """The failed rows and a summary on stderr; RowsFailed if any failed."""
    count = Counter(o.status for o in outcomes)
    for o in outcomes:
        if o.status == "error":
            where = f"line {o.row.line}" + ("" if o.row.id is None else f" (id {o.row.id})")
            click.echo(clean(f"virtnum: {where}: {o.error}"), err=True)
    done = f"{count['planned']} to change" if dry_run else f"{count['ok']} changed"
    summary = f"{len(outcomes)} row(s): {done}, {count['unchanged']} unchanged, "
    summary += f"{count['error']} failed"
    if interrupted:
        left = count["pending"] + (0 if dry_run else count["planned"])
        summary += f", {left} not done (interrupted: run the same file again)"
    click.echo(summary + (" (dry run: nothing sent)" if dry_run else ""), err=True)
    if count["error"] and not interrupted:
        raise RowsFailed(f"{count['error']} of {len(outcomes)} row(s) failed")
