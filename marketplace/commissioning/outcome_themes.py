"""Support-plan outcomes by theme, for the market map: what people's plans aim for against
what their purchases served and whether people said they helped. True counts; the market
map's figures put them through disclosure control. Only counts leave here: never an
outcome's words or whose plan it is (support plans are special-category data).

An outcome is the holder's own, not of a kind of support, so:
- outcomes: live (not retired) outcomes written before the period ended, in the plans of
  holders whose home area is in scope (a holder with no home area counts only when no area
  filter is set); the category filter does not narrow them;
- purchases: orders placed in the period [since, until) that went ahead, linked to an outcome
  of that theme, for services of the chosen category if one is set;
- helped: of those purchases, the ones whose published review said it helped.
Outcomes with no theme chosen are one row, "No theme chosen", last.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace import areas, vocabulary
from marketplace.accounts.models import User
from marketplace.budgets.models import Outcome, SupportPlan
from marketplace.commissioning.market_map import MarketQuery
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.providers.models import Service
from marketplace.reviews.models import Review

#: Orders in these states went ahead (paid for, or approved and sent to the provider).
WENT_AHEAD = ("awaiting_provider", "accepted", "delivered", "confirmed", "paid_out", "disputed")
NO_THEME = "No theme chosen"


@dataclass
class ThemeDemand:
    theme: str
    outcomes: int = 0
    purchases: int = 0
    helped: int = 0

    @property
    def label(self) -> str:
        return vocabulary.label(vocabulary.OUTCOME_THEMES, self.theme) if self.theme else NO_THEME


def _holder_in_scope(query: MarketQuery):
    if query.district:
        return User.home_district == query.district
    if query.authority:
        return sa.or_(User.home_authority == query.authority,
                      User.home_district.in_(areas.LOCAL_AUTHORITIES[query.authority][1]))
    return sa.true()


def outcome_themes(query: MarketQuery) -> list[ThemeDemand]:
    """One row per theme (every theme, then "No theme chosen" if any), counted in SQL."""
    rows = {value: ThemeDemand(value) for value in vocabulary.values(vocabulary.OUTCOME_THEMES)}

    def row(theme: str) -> ThemeDemand:
        return rows.setdefault(theme or "", ThemeDemand(theme or ""))

    in_scope = _holder_in_scope(query)
    for theme, count in db.session.execute(
            sa.select(Outcome.theme, sa.func.count())
            .join(SupportPlan, SupportPlan.id == Outcome.plan_id)
            .join(User, User.id == SupportPlan.holder_id)
            .where(Outcome.retired.is_(False), Outcome.created_at < query.until, in_scope)
            .group_by(Outcome.theme)):
        row(theme).outcomes += count
    helped = sa.select(Review.id).where(Review.order_id == Order.id,
                                        Review.state == "published",
                                        Review.helped == "yes").exists()
    for theme, purchases, said_helped in db.session.execute(
            sa.select(Outcome.theme, sa.func.count(),
                      sa.func.sum(sa.case((helped, 1), else_=0)))
            .join(Order, Order.outcome_id == Outcome.id)
            .join(Service, Service.id == Order.service_id)
            .join(User, User.id == Order.holder_id)
            .where(Order.created_at >= query.since, Order.created_at < query.until,
                   Order.state.in_(WENT_AHEAD), in_scope,
                   *([Service.category == query.category] if query.category else []))
            .group_by(Outcome.theme)):
        found = row(theme)
        found.purchases += purchases
        found.helped += int(said_helped or 0)
    themed = [rows[value] for value in vocabulary.values(vocabulary.OUTCOME_THEMES)]
    return themed + ([rows[""]] if "" in rows else [])
