"""Outcomes and quality as people may see them: every count through disclosure control, the
share who said it helped from the rounded counts, and a month's average stars only where
enough reviews stand behind it to hide any one person's."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from marketplace import vocabulary
from marketplace.commissioning.disclosure import Figure, Rule
from marketplace.commissioning.market_map import MarketQuery
from marketplace.commissioning.quality_view import QualityView, Tally, published_reviews
from marketplace.times import london_date


@dataclass(frozen=True)
class ShownTally:
    reviews: Figure
    helped: Figure
    helped_percent: Figure
    #: Mean stars as text ("4.2"), or "not shown" behind fewer than DISCLOSURE_MIN_COUNT.
    average: str


@dataclass(frozen=True)
class ShownQuality:
    by_category: list[tuple[str, ShownTally]]
    by_provider: list[tuple[object, ShownTally]]
    by_month: list[tuple[date, ShownTally]]
    decisions: list[tuple[str, Figure]]
    reports: list[tuple[str, Figure]]
    chart: list[tuple[str, Figure, Figure]]


DECISION_LABELS = {"publish": "Published after a check", "reject": "Rejected",
                   "edit": "Published with details taken out", "keep": "Kept after a report",
                   "remove": "Removed after a report"}


REPORT_LABELS = {"open": "Reports waiting for a moderator", "kept": "Reports where the review was kept",
                 "removed": "Reports where the review was removed"}


def shown_tally(tally: Tally, rule: Rule) -> ShownTally:
    if tally.reviews >= rule.min_count:
        tenths = (20 * tally.stars + tally.reviews) // (2 * tally.reviews)
        average = f"{tenths // 10}.{tenths % 10}"
    else:
        average = "not shown"
    return ShownTally(rule.count(tally.reviews), rule.count(tally.helped),
                      rule.percent(tally.helped, tally.reviews), average)


def shown_quality(view: QualityView, rule: Rule, providers: int = 20) -> ShownQuality:
    by_category = sorted(
        ((vocabulary.label(vocabulary.CATEGORIES, category), shown_tally(tally, rule))
         for category, tally in view.by_category.items()), key=lambda item: item[0])
    return ShownQuality(
        by_category=by_category,
        by_provider=[(provider, shown_tally(tally, rule))
                     for provider, tally in view.by_provider[:providers]],
        by_month=[(month, shown_tally(tally, rule)) for month, tally in view.by_month],
        decisions=[(DECISION_LABELS.get(action, action.capitalize()), rule.count(count))
                   for action, count in sorted(view.decisions.items())],
        reports=[(REPORT_LABELS.get(state, state), rule.count(count))
                 for state, count in sorted(view.reports.items())],
        chart=[(label, tally.reviews, tally.helped) for label, tally in by_category])


def csv_rows(shown: ShownQuality) -> list[list[str]]:
    rows = [["Kind of support", "Reviews", "Said it helped", "Share who said it helped",
             "Average stars"]]
    rows += [[label, t.reviews.csv(), t.helped.csv(), t.helped_percent.csv(), t.average]
             for label, t in shown.by_category]
    return rows


def service_evidence(service_id: int, query: MarketQuery, rule: Rule
                     ) -> list[tuple[date, ShownTally]]:
    """The service's published reviews by London month over the period and the trend window
    before it (what the "falling rating" reason compares)."""
    months: dict[date, Tally] = {}
    earliest = query.since - timedelta(days=90)
    for stars, helped, published_at, _ in published_reviews(query, since=earliest,
                                                           service_id=service_id):
        months.setdefault(london_date(published_at).replace(day=1), Tally()).add(stars, helped)
    return [(month, shown_tally(tally, rule)) for month, tally in sorted(months.items())]
