"""Who has seen a budget holder's information: each time a supporter, or a member of staff of
the organisation holding their managed account, looks at the holder's plan, budget or orders,
on a page or through the API.

Invariants:
- The route that showed the information notes the view (note_view) after its own access
  check passed; nothing is noted when the holder looks at their own, or when someone sees it
  in their own right (the provider of an order, a commissioner settling a dispute).
- One INSERT per request, written after the response is made and only if it succeeded
  (status below 400): a refused or missing page, a static file or a redirect writes nothing.
  Several views noted by one request (the API's list of every budget a supporter may see)
  go in that one statement.
- A failed write is logged and never turns the page into an error: the person was already
  shown the page.
- The holder reads it newest first, a page at a time; supporters by the name the holder sees
  on their supporters page, staff by name and organisation (as in an order's history).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, g

from marketplace.accounts.models import User
from marketplace.budgets.models import Budget, ManagedAccountOrganisation, OrganisationMember
from marketplace.datarights.models import InformationView
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.times import utcnow

log = logging.getLogger("marketplace.datarights")

PER_PAGE = 50
_NOTED = "_information_views"
RELATIONS = {"supporter": "supporter", "account_manager": "organisation_staff"}


def note_view(viewer: User, holder_id: int, what: str, subject_id: int | None = None, *,
              channel: str = "page") -> None:
    """Remember, for this request, that `viewer` saw the holder's `what` (a VIEWED_THINGS
    value). Call it only once the viewer's access has been checked."""
    relation = RELATIONS.get(getattr(viewer, "role", None))
    if relation is None or viewer.id == holder_id:
        return
    g.setdefault(_NOTED, []).append({
        "holder_id": holder_id, "viewer_id": viewer.id, "viewer_relation": relation,
        "what": what, "subject_id": subject_id, "channel": channel})


def _write_noted_views(response):
    noted = g.pop(_NOTED, None)
    if not noted or response.status_code >= 400:
        return response
    moment = utcnow()
    try:
        db.session.execute(sa.insert(InformationView),
                           [{**row, "viewed_at": moment} for row in noted])
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.exception("Could not record %s information views", len(noted))
    return response


def init_app(app: Flask) -> None:
    app.after_request(_write_noted_views)


# ---------------------------------------------------------------- reading, for the holder


@dataclass(frozen=True)
class SeenEntry:
    at: datetime
    who: str
    #: "Your supporter" or "Staff at Salford Independent Living".
    as_what: str
    what: str
    channel: str


CHANNELS = {"page": "On the website", "api": "Through a program (API)"}


def count_views(holder_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(InformationView)
                             .where(InformationView.holder_id == holder_id))


def views_for_holder(holder_id: int, *, page: int | None = None) -> list[SeenEntry]:
    """Newest first; one page of PER_PAGE when `page` is given, else all (the data export)."""
    query = (sa.select(InformationView).where(InformationView.holder_id == holder_id)
             .order_by(InformationView.viewed_at.desc(), InformationView.id.desc()))
    if page is not None:
        query = query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    views = db.session.scalars(query).all()
    return describe(views)


def describe(views: list[InformationView]) -> list[SeenEntry]:
    people = _by_id(User, {view.viewer_id for view in views})
    organisations = _organisations_of({view.viewer_id for view in views
                                       if view.viewer_relation == "organisation_staff"})
    budgets = _by_id(Budget, {view.subject_id for view in views
                              if view.what in ("statement", "spending_return")})
    orders = _by_id(Order, {view.subject_id for view in views if view.what == "order"})
    entries = []
    for view in views:
        viewer = people[view.viewer_id]
        as_what = ("Your supporter" if view.viewer_relation == "supporter"
                   else f"Staff at {organisations.get(view.viewer_id, 'the organisation holding your budget')}")
        entries.append(SeenEntry(at=view.viewed_at, who=viewer.display_name, as_what=as_what,
                                 what=_what(view, budgets, orders),
                                 channel=CHANNELS[view.channel]))
    return entries


def _what(view: InformationView, budgets: dict, orders: dict) -> str:
    if view.what == "plan":
        return "Your support plan"
    if view.what == "budget":
        return "Your budgets (the “My budget” page)"
    if view.what == "orders":
        return "Your list of orders"
    if view.what == "order":
        order = orders.get(view.subject_id)
        return f"Your order {view.subject_id}" + (f": {order.service_title}" if order else "")
    budget = budgets.get(view.subject_id)
    name = f"your {budget.stream.budget_name}" if budget else "a budget of yours"
    if view.what == "statement":
        return f"The statement of {name}"
    return f"The spending return of {name}"


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}


def _organisations_of(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(
        sa.select(OrganisationMember.user_id, ManagedAccountOrganisation.name)
        .join(ManagedAccountOrganisation,
              ManagedAccountOrganisation.id == OrganisationMember.organisation_id)
        .where(OrganisationMember.user_id.in_(user_ids))).all())
