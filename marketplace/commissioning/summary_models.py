"""Summary tables for the commissioners' views, kept up to date by the worker's
`market-summaries` job (commissioning/summary_refresh.py; docs/market-view.md, "Summaries").

Daily summaries hold, for every complete London day up to `complete_through`, the same counts
the views would work out from the source rows of that day: searches from the anonymous search
log, money spent from the ledger. They hold what cannot change afterwards (a search's
filters, a ledger line and its order) and, for spending, what placed the money when the day
was summarised (a pound stays where it was spent), so a day summarised once stays right
unless rows arrive late; each day's number of source rows is kept to notice that. Supply (services
listed) is summarised whole on every run, as listings change.

Invariants:
- For each daily summary and each day up to its `complete_through`, the summary rows of that
  day sum to exactly what a view counts from the source rows the refresh saw, and
  `market_summary_days.source_rows` is how many source rows that was.
- A summary is read only while its `settings` equal the app's (a setting the counts depend
  on, such as MARKET_FEW_RESULTS, changed since: the views work live until the next refresh).
- Unique keys on every summary row: a refresh run twice, or two at once, cannot count a row
  twice (the second insert of a key fails and the run is retried).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from marketplace.columns import one_of
from marketplace.extensions import db

#: Summary names (market_summary_refreshes.name).
SEARCHES = "searches"
SPEND = "spend"
SUPPLY = "supply"
SUMMARIES = (SEARCHES, SPEND, SUPPLY)
SPEND_ROUTES = ("direct", "managed", "pooled")
#: What a supply_counts row counts: services (and their providers) reaching the area, those
#: running in the evening or at weekends, and those offering a language or a specialism.
SUPPLY_MEASURES = ("services", "evenings", "weekends", "language", "specialism")


class SummaryRefresh(db.Model):
    """How far one summary is brought up to date. Its row is locked while a refresh runs."""

    __tablename__ = "market_summary_refreshes"

    name: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    #: The moment the last refresh read the data: the figures hold everything up to then.
    refreshed_at: so.Mapped[datetime] = so.mapped_column()
    #: Daily summaries: every London day up to and including this one is summarised.
    complete_through: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    #: Daily summaries: the first London day summarised (nothing came before it).
    first_day: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    #: The settings the counts were made with; the summary is ignored once they differ.
    settings: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    #: The London day of the last refresh that counted every summarised day again (the others
    #: count only the last few days).
    fully_checked_on: so.Mapped[date | None] = so.mapped_column(sa.Date, nullable=True)
    #: Supply: the search index log's head when the listings were read; every listing change
    #: moves it on, so an unchanged head means unchanged listings.
    source_position: so.Mapped[int | None] = so.mapped_column(sa.BigInteger, nullable=True)

    __table_args__ = (sa.CheckConstraint(one_of("name", SUMMARIES), name="name_known"),)


class SummaryDay(db.Model):
    """One London day of a daily summary and how many source rows it was made from (counted
    just before the day was summarised: a superset, such as all the day's budget lines)."""

    __tablename__ = "market_summary_days"

    name: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date, primary_key=True)
    source_rows: so.Mapped[int] = so.mapped_column(sa.Integer)

    __table_args__ = (sa.CheckConstraint("source_rows >= 0", name="source_rows_not_negative"),)


class SearchCountDaily(db.Model):
    """Searches of one London day with the same area and filters the views read.

    A dimension is one column here, in search_counts.DIMENSIONS and in the unique key
    (adding one: a migration that adds the column with a default and widens the key, and a
    line in DIMENSIONS; the next refresh rebuilds the summary because its settings differ)."""

    __tablename__ = "search_counts_daily"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date)
    #: The area searched ("" for none), a kind of support and a language filter ("" for none),
    #: and the specialism the search's words asked for ("" for none).
    area: so.Mapped[str] = so.mapped_column(sa.String(40))
    category: so.Mapped[str] = so.mapped_column(sa.String(40))
    language: so.Mapped[str] = so.mapped_column(sa.String(10))
    specialism: so.Mapped[str] = so.mapped_column(sa.String(20))
    evenings: so.Mapped[bool] = so.mapped_column(sa.Boolean)
    weekends: so.Mapped[bool] = so.mapped_column(sa.Boolean)
    ulo: so.Mapped[bool] = so.mapped_column(sa.Boolean)
    micro: so.Mapped[bool] = so.mapped_column(sa.Boolean)
    searches: so.Mapped[int] = so.mapped_column(sa.Integer)
    zero_result: so.Mapped[int] = so.mapped_column(sa.Integer)
    #: 1 to MARKET_FEW_RESULTS results (the setting is in the summary's settings).
    few_result: so.Mapped[int] = so.mapped_column(sa.Integer)

    __table_args__ = (
        sa.UniqueConstraint("day", "area", "category", "language", "specialism", "evenings",
                            "weekends", "ulo", "micro", name="uq_search_counts_daily_cell"),
        sa.CheckConstraint("searches > 0 AND zero_result >= 0 AND few_result >= 0 AND "
                           "zero_result + few_result <= searches", name="counts_consistent"),
    )


class SpendDaily(db.Model):
    """Money one budget spent on one London day with one service, by what its order fixes
    (holder, budget, funding stream, service, provider, route) and by what placed the money
    when the day was summarised: the service's kind of support, the area (the holder's home
    area, else the service's), whether the provider is user-led and its staff. A view reads
    these as they are, without joining services, providers and people (docs/spend-view.md)."""

    __tablename__ = "spend_daily"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date)
    #: The London month of the day, "2026-11".
    month: so.Mapped[str] = so.mapped_column(sa.String(7))
    holder_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    budget_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("budgets.id"), index=True)
    stream_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("funding_streams.id"))
    service_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("services.id"))
    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"))
    #: "pooled" for a share order of a group purchase, else the order's route.
    route: so.Mapped[str] = so.mapped_column(sa.String(10))
    #: Placing, as listed when the day was summarised: the service's primary category.
    category: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    #: The holder's home authority and district if they gave one, else the service's first.
    authority: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    district: so.Mapped[str] = so.mapped_column(sa.String(8), default="", server_default="")
    user_led: so.Mapped[bool] = so.mapped_column(sa.Boolean, default=False,
                                                 server_default=sa.false())
    #: The provider's staff: a view compares it with MICRO_PROVIDER_MAX_STAFF as set now.
    staff_count: so.Mapped[int | None] = so.mapped_column(sa.Integer)
    #: What the budget paid: minus its settle lines' amounts, refunds counting back.
    spent_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    #: How many ledger lines this row sums.
    lines: so.Mapped[int] = so.mapped_column(sa.Integer)

    __table_args__ = (
        sa.UniqueConstraint("day", "holder_id", "budget_id", "stream_id", "service_id",
                            "provider_id", "route", name="uq_spend_daily_cell"),
        sa.CheckConstraint(one_of("route", SPEND_ROUTES), name="route_known"),
        sa.CheckConstraint("lines > 0", name="lines_positive"),
    )


class SupplyCount(db.Model):
    """Active services reaching an area in a kind of support, as at the last refresh."""

    __tablename__ = "supply_counts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: A local authority a service serves, a postcode district it reaches (listing it or its
    #: authority), or "" for services reaching anywhere in the region.
    area: so.Mapped[str] = so.mapped_column(sa.String(40))
    category: so.Mapped[str] = so.mapped_column(sa.String(40))
    measure: so.Mapped[str] = so.mapped_column(sa.String(20))
    #: The language or specialism counted; "" for the other measures.
    value: so.Mapped[str] = so.mapped_column(sa.String(40))
    services: so.Mapped[int] = so.mapped_column(sa.Integer)
    #: Distinct providers of those services (for the "services" measure).
    providers: so.Mapped[int] = so.mapped_column(sa.Integer)

    __table_args__ = (
        sa.UniqueConstraint("area", "category", "measure", "value", name="uq_supply_counts_cell"),
        sa.CheckConstraint(one_of("measure", SUPPLY_MEASURES), name="measure_known"),
        sa.CheckConstraint("services > 0 AND providers >= 0", name="counts_positive"),
    )


class SupplyProvider(db.Model):
    """A provider's active services in one kind of support serving one authority ("" for all
    its services in that kind, wherever they are), for the providers nearest to a gap."""

    __tablename__ = "supply_providers"

    provider_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("providers.id"),
                                                   primary_key=True)
    category: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    authority: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    services: so.Mapped[int] = so.mapped_column(sa.Integer)

    __table_args__ = (
        sa.CheckConstraint("services > 0", name="services_positive"),
        sa.Index("ix_supply_providers_authority_category", "authority", "category"),
    )


class SpendBudgetTotal(db.Model):
    """What each budget spent over every day spend_daily holds, summed: the spend view's
    "average budget used" adds the live tail to it (and takes off days after a period that
    ends earlier) instead of summing the summary by budget on every request. Rewritten with
    spend_daily, in the same transaction, whenever a day of it is (re)summarised."""

    __tablename__ = "spend_budget_totals"

    budget_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("budgets.id"), primary_key=True)
    spent_pence: so.Mapped[int] = so.mapped_column(sa.BigInteger)
