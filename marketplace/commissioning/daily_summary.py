"""A summary of source rows by London day, and reading it with the live tail.

A DailySummary names its source (a select over the source rows with their joins and
filters), the dimensions it groups by and the measures it sums. From those come: the rows of
one day for the summary table, the same counted live over any span, and the count of source
rows of a day, used to notice rows that arrived after their day was summarised.

Refreshing (refresh_daily), in one database transaction under a lock on the summary's state
row, so that two refreshes at once wait for each other:
1. If the settings the counts depend on changed, every row of the summary goes.
2. Every complete London day before today that is not summarised yet is, and so is every
   summarised day whose count of rows is no longer the one recorded: rows that came late (a
   search buffered for a few seconds, a ledger posting committed after midnight, rows written
   with an earlier time). Each run counts the last LATE_DAYS days again, and the first run of
   each London day counts every day. The count is of a cheap superset of the source rows
   (`check_base`: for spending, all the day's budget lines), taken just before the day is
   summarised; source rows are only ever added, so a row committed after the count makes the
   next count differ, and the day is summarised again. A day is summarised by deleting its
   rows and inserting the grouped source rows of that day in one statement.
3. The state records the refresh moment, the last complete day and the settings.
Running it twice changes nothing the second time (every day's count matches); a run that
fails or loses its lease rolls back whole.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from marketplace.commissioning.summary_models import SummaryDay, SummaryRefresh
from marketplace.commissioning.summary_state import Coverage
from marketplace.extensions import db
from marketplace.times import london_date, london_day_bounds, london_midnight


@dataclass(frozen=True)
class DailySummary:
    name: str
    table: sa.Table
    #: base(*columns): a select of those columns over the source rows (joins and filters).
    base: Callable[..., sa.Select]
    #: The source rows' moment.
    moment: sa.ColumnElement
    #: (column name, expression over the source rows): what the summary groups by.
    dimensions: tuple[tuple[str, sa.ColumnElement], ...]
    #: (column name, aggregate over the source rows): what it sums; summing them again over
    #: summary rows gives the same figure.
    measures: tuple[tuple[str, sa.ColumnElement], ...]
    #: The settings the counts depend on.
    settings: Callable[[], dict]
    #: Columns fixed by the day: day -> {column: value}, and the same as expressions over the
    #: source rows for a live span: (since, until) -> {column: expression}.
    day_columns: Callable[[date], dict] = lambda day: {"day": day}
    live_day_columns: Callable[[datetime | None, datetime], dict] = lambda since, until: {}
    #: check_base(*columns): a select over a superset of the source rows that is cheap to
    #: count by moment (default: the source itself).
    check_base: Callable[..., sa.Select] | None = None
    #: Called, in the refresh's transaction, after any day's rows were written or removed:
    #: for tables worked out from the summary itself.
    after_change: Callable[[], None] | None = None

    def source(self, since: datetime | None, until: datetime, by: list[str] | None = None,
               where: Callable[[Mapping], list] | None = None) -> sa.Select:
        """The source rows of [since, until) grouped by `by` (default every dimension)."""
        columns = {**dict(self.dimensions), **self.live_day_columns(since, until)}
        names = by if by is not None else [name for name, _ in self.dimensions]
        grouped = [columns[name] for name in names]
        return (self.base(*(expression.label(name) for name, expression in zip(names, grouped)),
                          *(aggregate.label(name) for name, aggregate in self.measures))
                .where(*self._span(since, until), *(where(columns) if where else []))
                # A constant (a span's one month) is not grouped by: PostgreSQL refuses it.
                .group_by(*(expression for expression in grouped
                            if not isinstance(expression, sa.BindParameter))))

    def _span(self, since: datetime | None, until: datetime) -> list:
        return [*([self.moment >= since] if since is not None else []), self.moment < until]

    def rows(self, covered: Coverage, by: list[str],
             where: Callable[[Mapping], list] | None = None, summed: bool = True) -> sa.Subquery:
        """Rows of `by` and the measures for the covered period: the summary's days and the
        live tail, each already summed by `by` (one row per part and group). summed=False
        leaves the summary's rows as they are (one per day and group), for a caller that
        sums them again anyway and whose groups are nearly all one row."""
        parts = []
        if covered.reads_summary:
            # Summed here, where the planner knows the table, it aggregates by hashing in
            # little memory; summing the union instead sorted 180,000 rows on disk.
            table = self.table
            grouped = [table.c[name] for name in by]
            measures = [sa.func.sum(table.c[name]).label(name) if summed else table.c[name]
                        for name, _ in self.measures]
            chosen = (sa.select(*grouped, *measures)
                      .where(*([table.c.day >= covered.summary_from]
                               if covered.summary_from != date.min else []),
                             table.c.day < covered.summary_to,
                             *(where(table.c) if where else [])))
            parts.append(chosen.group_by(*grouped) if summed else chosen)
        if covered.live_until is not None:
            parts.append(self.source(covered.live_since, covered.live_until, by, where))
        return (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()

    def totals(self, covered: Coverage, by: list[str],
               where: Callable[[Mapping], list] | None = None) -> list:
        """The measures summed over the covered period by `by`."""
        rows = self.rows(covered, by, where)
        return db.session.execute(
            sa.select(*(rows.c[name] for name in by),
                      *(sa.func.coalesce(sa.func.sum(rows.c[name]), 0).label(name)
                        for name, _ in self.measures))
            .group_by(*(rows.c[name] for name in by))).all()


@dataclass(frozen=True)
class DailyRefresh:
    summarised: int
    checked: int


#: Days before yesterday counted again on every run (later ones once a day).
LATE_DAYS = 7


def refresh_daily(summary: DailySummary, now: datetime) -> DailyRefresh:
    """Bring the summary up to the end of yesterday (London) as the data stands now."""
    settings = summary.settings()
    state = db.session.execute(sa.select(SummaryRefresh).where(SummaryRefresh.name == summary.name)
                               .with_for_update()).scalar_one_or_none()
    reset = state is not None and state.settings != settings
    if state is None:
        state = SummaryRefresh(name=summary.name, refreshed_at=now, settings=settings)
        db.session.add(state)
        db.session.flush()
    elif reset:
        db.session.execute(summary.table.delete())
        db.session.execute(sa.delete(SummaryDay).where(SummaryDay.name == summary.name))
        state.first_day = state.complete_through = None
    today = london_date(now)
    yesterday = today - timedelta(days=1)
    every_day = state.fully_checked_on != today
    known = dict(db.session.execute(sa.select(SummaryDay.day, SummaryDay.source_rows)
                                    .where(SummaryDay.name == summary.name)).all())
    first = state.first_day
    # Rows before the first summarised day (or, with none, before today) start it earlier.
    earliest = db.session.scalar(summary.base(sa.func.min(summary.moment)).where(
        summary.moment < london_midnight(first or today)))
    if earliest is not None:
        first = london_date(earliest)
    summarised = checked = 0
    day = first
    while day is not None and day <= yesterday:
        new = (state.complete_through is None or day > state.complete_through
               or state.first_day is None or day < state.first_day)
        if new or every_day or day >= yesterday - timedelta(days=LATE_DAYS):
            checked += not new
            rows = _check_count(summary, day)
            if new or rows != known.get(day, 0):
                _summarise_day(summary, day, rows)
                summarised += 1
        day += timedelta(days=1)
    if (summarised or reset) and summary.after_change is not None:
        summary.after_change()
    state.first_day, state.complete_through = first, yesterday
    state.refreshed_at, state.settings = now, settings
    if every_day:
        state.fully_checked_on = today
    db.session.flush()
    return DailyRefresh(summarised, checked)


def _check_count(summary: DailySummary, day: date) -> int:
    since, until = london_day_bounds(day, day)
    base = summary.check_base or summary.base
    return db.session.scalar(base(sa.func.count()).where(*summary._span(since, until)))


def _summarise_day(summary: DailySummary, day: date, counted: int) -> None:
    """Replace the day's summary rows; `counted` is its check count, taken just before."""
    table = summary.table
    since, until = london_day_bounds(day, day)
    db.session.execute(table.delete().where(table.c.day == day))
    fixed = summary.day_columns(day)
    grouped = summary.source(since, until).subquery()
    db.session.execute(table.insert().from_select(
        [*fixed, *grouped.c.keys()],
        sa.select(*(sa.literal(value, table.c[name].type) for name, value in fixed.items()),
                  *grouped.c)))
    found = db.session.get(SummaryDay, (summary.name, day))
    if counted and found is None:
        db.session.add(SummaryDay(name=summary.name, day=day, source_rows=counted))
    elif counted:
        found.source_rows = counted
    elif found is not None:
        db.session.delete(found)
    db.session.flush()
