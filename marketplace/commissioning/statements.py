"""Drafting, editing and publishing market position statements (docs/market-position.md).

A draft is written from the market figures for its period across the whole region, every
number through disclosure control, in plain sentences a commissioner then edits. A public
statement gives totals by kind of support only, never the kind-by-area cells of the market
map (with both, hidden cells could be worked out: docs/disclosure.md), and nothing about any
person. Once published a statement no longer changes; a new period gets a new statement.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.commissioning.disclosure import Rule
from marketplace.commissioning.market_map import MarketQuery, market_map
from marketplace.commissioning.models import DECISIONS, ServiceDecision
from marketplace.commissioning.search_counts import counted
from marketplace.commissioning.quality_view import Tally, published_reviews, services_to_review
from marketplace.commissioning.statement_models import (
    SECTION_LIMIT, SECTIONS, MarketPositionStatement,
)
from marketplace.errors import DomainError, NotFound
from marketplace.extensions import db
from marketplace.providers.models import Provider, Service
from marketplace.times import format_date, london_day_bounds, utcnow

#: How many of the biggest gaps a draft names.
GAPS_NAMED = 5
#: Drafts the worker writes in one run (each takes a second or two at region size).
DRAFTS_PER_RUN = 5

log = logging.getLogger(__name__)


class StatementPublished(DomainError):
    status = 409
    code = "statement_published"


class NotDrafted(DomainError):
    """The worker has not written the draft (yet, or it failed)."""
    status = 409
    code = "statement_not_drafted"


def _title(start: date, end: date) -> str:
    return f"Market position statement, {format_date(start)} to {format_date(end)}"


def create_draft(commissioner: User, start: date, end: date, rule: Rule
                 ) -> MarketPositionStatement:
    """A draft written now, in this transaction (the worker's job writes the ones people ask
    for: request_draft)."""
    since, until = london_day_bounds(start, end)
    statement = MarketPositionStatement(
        title=_title(start, end), period_start=start, period_end=end,
        created_by_id=commissioner.id, sections=draft_sections(MarketQuery(since, until), rule))
    db.session.add(statement)
    db.session.flush()
    return statement


def request_draft(commissioner: User, start: date, end: date) -> MarketPositionStatement:
    """A statement "preparing": the worker's statement-drafts job writes its sections from
    the figures (working out every view takes a second or more at region size, too long for
    a page)."""
    statement = MarketPositionStatement(
        title=_title(start, end), period_start=start, period_end=end,
        created_by_id=commissioner.id, sections={}, state="preparing")
    db.session.add(statement)
    db.session.flush()
    return statement


@dataclass
class DraftingReport:
    written: int = 0
    failed: int = 0


def prepare_waiting_drafts(rule: Rule, limit: int = DRAFTS_PER_RUN) -> DraftingReport:
    """Write the sections of up to `limit` statements preparing, oldest first. One that cannot
    be written (an error working out its figures) is marked failed, with the error logged,
    and the others go on. The caller commits: the job's run record and every draft it wrote
    are one transaction, so a run that loses its lease leaves them all preparing for the next."""
    report = DraftingReport()
    waiting = db.session.scalars(sa.select(MarketPositionStatement)
                                 .where(MarketPositionStatement.state == "preparing")
                                 .order_by(MarketPositionStatement.id).limit(limit)).all()
    for statement in waiting:
        since, until = london_day_bounds(statement.period_start, statement.period_end)
        try:
            with db.session.begin_nested():
                sections = draft_sections(MarketQuery(since, until), rule)
        except Exception:  # noqa: BLE001 - shown as failed on its page, tried again on request
            log.exception("Could not draft market position statement %s", statement.id)
            statement.state = "failed"
            report.failed += 1
        else:
            statement.sections, statement.state = sections, "draft"
            report.written += 1
    db.session.flush()
    return report


def try_again(found: MarketPositionStatement) -> None:
    """A failed draft back to the worker."""
    if found.state != "failed":
        raise NotDrafted("This statement is not waiting to be tried again.")
    found.state = "preparing"
    db.session.flush()


def draft_sections(query: MarketQuery, rule: Rule) -> dict[str, str]:
    found = market_map(query)
    services_by_kind: Counter[str] = Counter()
    for service_category, in db.session.execute(
            sa.select(Service.category).where(Service.status == "active")):
        services_by_kind[service_category] += 1
    kinds = sorted(services_by_kind, key=lambda k: (-services_by_kind[k], k))
    figures, total = rule.count_column([services_by_kind[k] for k in kinds])
    providers = db.session.scalar(sa.select(sa.func.count(sa.distinct(Service.provider_id)))
                                  .where(Service.status == "active"))
    evenings = sum(g.evening_services for g in found.gaps)
    weekends = sum(g.weekend_services for g in found.gaps)
    supply = (f"{total} services from {rule.count(providers)} providers were listed at the end "
              "of the period. By kind of support: "
              + "; ".join(f"{_kind(k)}, {figure}" for k, figure in zip(kinds, figures)) + ". "
              f"Counting each area a service covers, {rule.count(evenings)} area listings run "
              f"in the evening and {rule.count(weekends)} at weekends.")
    searches = found.gaps
    demand = (f"People searched {rule.count(sum(g.searches for g in searches))} times naming a "
              f"kind of support and an area; {rule.count(sum(g.zero_result for g in searches))} "
              f"of those searches found nothing and "
              f"{rule.count(sum(g.few_result for g in searches))} found only a few services. "
              f"{rule.count(sum(g.needs for g in searches))} needs were posted on the needs "
              f"board, {rule.count(sum(g.unanswered_needs for g in searches))} of them with no "
              f"quote from any provider, and {rule.count(sum(g.expired_pools for g in searches))}"
              " group purchases expired without enough people.")
    named = [g for g in found.gaps if not rule.count(g.unmet).suppressed
             and rule.count(g.unmet).value][:GAPS_NAMED]
    gaps = ("The clearest signs of unmet need were: " + "; ".join(
        f"{_kind(g.category)} in {_area(g.authority)} ({rule.count(g.unmet)} signs, "
        f"{rule.count(g.services)} services listed)" for g in named) + "."
        if named else "No kind of support in any area showed enough signs of unmet need to "
                      "name it without risking identifying the people behind them.")
    return {
        "introduction": _introduction(query),
        "supply": supply,
        "demand": demand,
        "gaps": gaps,
        "small_providers": _small_providers(query, rule),
        "quality": _quality(query, rule),
        "intentions": _intentions(query, rule),
    }


def _kind(category: str) -> str:
    return vocabulary.label(vocabulary.CATEGORIES, category)


def _area(authority: str) -> str:
    return areas.area_label(authority)


def _introduction(query: MarketQuery) -> str:
    return ("This statement describes the market for support that people buy with personal "
            "budgets here: what is offered, what people look for and do not find, and what "
            "the council intends to do. It is drawn from live use of Pathways: listings, "
            "anonymous searches, the needs board, group purchases and reviews. Counts from 1 "
            "to 7 are shown as \"fewer than 8\" and other counts are rounded to the nearest 5, "
            "so that nobody can be recognised.")


def _small_providers(query: MarketQuery, rule: Rule) -> str:
    rows = db.session.execute(sa.select(Provider.id, Provider.is_user_led, Provider.staff_count)
                              .join(Service, Service.provider_id == Provider.id)
                              .where(Service.status == "active").distinct()).all()
    user_led = {pid for pid, ulo, _ in rows if ulo}
    micro = {pid for pid, _, staff in rows if staff <= vocabulary.MICRO_PROVIDER_MAX_STAFF}
    asked = counted(query.since, query.until, ["ulo", "micro"])
    asked_ulo = sum(row.searches for row in asked if row.ulo)
    asked_micro = sum(row.searches for row in asked if row.micro)
    tallies = {"ulo": Tally(), "micro": Tally()}
    for stars, helped, _, service in published_reviews(query):
        if service.provider_id in user_led:
            tallies["ulo"].add(stars, helped)
        if service.provider_id in micro:
            tallies["micro"].add(stars, helped)
    return (f"Supply: {rule.count(len(user_led))} user-led organisations and "
            f"{rule.count(len(micro))} micro-providers ({vocabulary.MICRO_PROVIDER_SIZE}) had "
            "services listed. "
            f"Demand: {rule.count(asked_ulo)} searches asked only for user-led organisations and "
            f"{rule.count(asked_micro)} only for micro-providers. Quality: of "
            f"{rule.count(tallies['ulo'].reviews)} published reviews of user-led organisations, "
            f"{rule.percent(tallies['ulo'].helped, tallies['ulo'].reviews)} said the support "
            f"helped; of {rule.count(tallies['micro'].reviews)} of micro-providers, "
            f"{rule.percent(tallies['micro'].helped, tallies['micro'].reviews)}.")


def _quality(query: MarketQuery, rule: Rule) -> str:
    whole = Tally()
    for stars, helped, _, _ in published_reviews(query):
        whole.add(stars, helped)
    listed = len(services_to_review(query))
    return (f"{rule.count(whole.reviews)} reviews were published, every one by a person who "
            f"bought the support through Pathways; "
            f"{rule.percent(whole.helped, whole.reviews)} said it helped with what matters to "
            f"them. {rule.count(listed)} services showed signs that they may not be helping "
            "and are being looked at.")


def _intentions(query: MarketQuery, rule: Rule) -> str:
    counts = dict(db.session.execute(
        sa.select(ServiceDecision.decision, sa.func.count(ServiceDecision.id))
        .where(ServiceDecision.created_at >= query.since,
               ServiceDecision.created_at < query.until)
        .group_by(ServiceDecision.decision)).all())
    decided = "; ".join(f"{label.lower()}: {rule.count(counts.get(value, 0))}"
                        for value, label in DECISIONS)
    return (f"Decisions on services in this period ({decided}). The council intends to: "
            "[write here what the council will do about the gaps above: what it will "
            "commission, whom it will support to start or grow, and when it will report "
            "back].")


def statement(statement_id: int) -> MarketPositionStatement:
    found = db.session.get(MarketPositionStatement, statement_id)
    if found is None:
        raise NotFound("We could not find that statement.")
    return found


def published(statement_id: int) -> MarketPositionStatement:
    found = statement(statement_id)
    if found.state != "published":
        raise NotFound("We could not find that statement.")
    return found


def _not_drafted(found: MarketPositionStatement) -> None:
    if found.state in ("preparing", "failed"):
        raise NotDrafted("This draft has not been written yet.")


def edit(found: MarketPositionStatement, title: str, sections: dict[str, str]) -> None:
    if found.state == "published":
        raise StatementPublished("This statement is published, so it no longer changes. "
                                 "Start a new one for another period.")
    _not_drafted(found)
    for name, _ in SECTIONS:
        if len(sections.get(name, "")) > SECTION_LIMIT:
            raise DomainError(f"Use {SECTION_LIMIT} characters or fewer", field=name)
    found.title = title.strip()
    found.sections = {name: sections.get(name, "").strip() for name, _ in SECTIONS}
    db.session.flush()


def publish(found: MarketPositionStatement) -> None:
    if found.state == "published":
        raise StatementPublished("This statement is already published.")
    _not_drafted(found)
    if "[write here" in found.section("intentions"):
        raise DomainError("Write what the council will do before publishing: the last "
                          "section still has the words in square brackets",
                          field="intentions")
    found.state, found.published_at = "published", utcnow()
    db.session.flush()


def published_statements() -> list[MarketPositionStatement]:
    return list(db.session.scalars(sa.select(MarketPositionStatement).where(
        MarketPositionStatement.state == "published")
        .order_by(MarketPositionStatement.period_end.desc(), MarketPositionStatement.id.desc())))


def drafts() -> list[MarketPositionStatement]:
    return list(db.session.scalars(sa.select(MarketPositionStatement).where(
        MarketPositionStatement.state.in_(("preparing", "failed", "draft")))
        .order_by(MarketPositionStatement.id.desc())))
