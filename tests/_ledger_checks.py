"""The checks of the stateful test: what the SDK said against the server's ledger,
which is ``model`` (the ledger before the step) or, for a write, ``now`` (after it)."""

from __future__ import annotations

from virtnum import NotFoundError, OutcomeUnknownError, to_dict

from ._ledger import Outcome, View, as_records, selected
from ._ledger_faults import Where, differences
from ._ledger_writes import Write


def check_got(model: View, number_id: int, outcome: Outcome) -> None:
    """A read of one id: the server's record, or a typed error (NotFoundError only for
    an id the server does not have)."""
    numbers = model.numbers
    if outcome.ok:
        assert number_id in numbers, f"get({number_id}) gave a number the server lacks"
        got = to_dict(outcome.value)
        assert got == numbers[number_id], f"get({number_id}) gave {got}"
    elif isinstance(outcome.error, NotFoundError):
        assert number_id not in numbers, (
            f"get({number_id}) raised NotFoundError, yet the server has it: {outcome.error}"
        )


def check_selected(model: View, where: Where, outcome: Outcome) -> None:
    """A listing: exactly the records the filter selects (or a typed error)."""
    if outcome.ok:
        got, wanted = as_records(outcome.value), selected(model.numbers, where)
        assert got == wanted, (
            f"list({where}) gave ids {[r['id'] for r in got]}, "
            f"the server has {[r['id'] for r in wanted]}"
        )


def judged(model: View, write: Write, outcome: Outcome, now: View) -> View:
    """``now``, once checked: a write reported done is in it; one reported failed is
    not, unless its outcome is unknown (OutcomeUnknownError, or cancelled by the test)."""
    applied = write.done(now)
    if outcome.ok:
        assert now == applied, (
            f"{write.what} was reported done, but the ledger does not hold it "
            f"({differences(model, now)})"
        )
        write.echo(outcome.value, now)
    elif outcome.cancelled or isinstance(outcome.error, OutcomeUnknownError):
        assert now in (model, applied), (
            f"{write.what} (outcome unknown) left an unexpected ledger ({differences(model, now)})"
        )
    else:
        assert now == model, (
            f"{write.what} raised {type(outcome.error).__name__}: {outcome.error}, "
            f"yet the server applied it ({differences(model, now)})"
        )
    return now
