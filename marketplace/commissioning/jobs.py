"""Scheduled jobs of the commissioning area, run by the worker (see marketplace/jobs/)."""
from __future__ import annotations

from marketplace.budgets.services import pay_due_instalments
from marketplace.commissioning.decisions import remind_due
from marketplace.commissioning.disclosure import current_rule
from marketplace.commissioning.statements import prepare_waiting_drafts
from marketplace.commissioning.summary_refresh import refresh_summaries
from marketplace.commissioning.summary_state import REFRESH_EVERY
from marketplace.jobs import DailyAt, Every, JobContext, scheduled_job
from marketplace.times import london_today


@scheduled_job("pay-instalments", DailyAt(hour=1))
def pay_instalments(context: JobContext) -> str:
    """Pays into budgets every instalment due on or before today (the London day).

    Running it twice is harmless: an instalment is paid in only while it has no ledger
    transaction, and its transaction's idempotency key is the instalment's id, so a second run
    (or a retry after a crash) finds nothing left to pay.
    """
    paid = pay_due_instalments(london_today())
    return f"Paid in {paid} instalment{'' if paid == 1 else 's'}."


@scheduled_job("service-look-again", DailyAt(hour=7))
def service_look_again(context: JobContext) -> str:
    """Reminds each commissioner whose decision on a service has reached its date to look
    again (commissioning/decisions.py). A decision reminds once: claimed by compare-and-set."""
    told = remind_due()
    return f"Reminded {told} commissioner{'' if told == 1 else 's'} to look at a service again."


@scheduled_job("market-summaries", REFRESH_EVERY)
def market_summaries(context: JobContext) -> str:
    """Brings the commissioners' summaries of searches, spending and supply up to date
    (commissioning/summary_refresh.py), in one transaction with the run's record.

    Running it twice is harmless: each day is summarised by replacing that day's rows with
    counts from the source rows, and a day already summarised is done again only when its
    number of source rows changed, so a second run finds every count equal and changes
    nothing; supply rows are written only where they differ from the listings. A run that
    fails or loses its lease rolls back whole, and unique keys stop two runs counting a row
    twice.
    """
    return refresh_summaries()


@scheduled_job("statement-drafts", Every(minutes=1))
def statement_drafts(context: JobContext) -> str:
    """Writes the market position statements commissioners asked for from the figures of
    their period (commissioning/statements.py), oldest first, in one transaction with the
    run's record; one that cannot be written is marked failed for its page to say so.

    Running it twice is harmless: it writes only statements still "preparing" and marks each
    "draft" as it writes it, so a second run finds nothing left; a run that fails or loses its
    lease rolls back whole, leaving them preparing for the next run, and the runner never
    runs it twice at once.
    """
    report = prepare_waiting_drafts(current_rule())
    words = f"Wrote {report.written} draft statement{'' if report.written == 1 else 's'}"
    return words + (f"; {report.failed} failed." if report.failed else ".")
