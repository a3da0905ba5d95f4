"""Builders for needs board tests: a holder with a budget, providers who serve (or do not
serve) the need's category and area, and filled-in forms."""
from __future__ import annotations

from datetime import timedelta

from marketplace.times import london_today
from tests.factories import make_provider, make_service, make_user
from tests.pools.helpers import holder_with_budget, organisation


def market():
    org = organisation()
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    arts = make_provider(name="Salford Arts")
    arts_walks = make_service(arts, title="Photography walks", category="arts",
                              poolable=True, is_group=True, capacity=8, price_pence=1_000)
    eccles = make_provider(name="Eccles Creative")
    eccles_walks = make_service(eccles, title="Camera club", category="arts",
                                local_authorities=[], postcode_districts=["M30"],
                                price_pence=1_200)
    bolton = make_provider(name="Bolton Lenses", local_authority="bolton")
    make_service(bolton, title="Bolton photo walks", category="arts",
                 local_authorities=["bolton"])
    peer = make_provider(name="Salford Peers")
    make_service(peer, title="Peer group", category="peer-support")
    return {"org": org, "sam": sam, "sam_budget": sam_budget, "arts": arts,
            "arts_walks": arts_walks, "eccles": eccles, "eccles_walks": eccles_walks,
            "bolton": bolton, "peer": peer, "commissioner": make_user("commissioner")}


def need_form(**changes) -> dict:
    form = {"words": "A weekly photography walk for 6 people", "category": "arts",
            "local_authority": "salford", "postcode_district": "M30", "language": "",
            "timing": "weekends", "budget_low": "50", "budget_high": "150",
            "group_size": "6", "would_pool": "y", "peers_consent": "y"}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def quote_form(service, *, days: int = 20, **changes) -> dict:
    expires = london_today() + timedelta(days=days)
    form = {"service_id": str(service.id), "price": "12.50", "price_unit": "session",
            "sessions": "6", "message": "Saturday mornings, cameras lent",
            "expires_on-day": str(expires.day), "expires_on-month": str(expires.month),
            "expires_on-year": str(expires.year)}
    form.update(changes)
    return form


def pool_form(budget, **changes) -> dict:
    closing = london_today() + timedelta(days=10)
    form = {"title": "Saturday walks", "what_it_buys": "Six walks", "min_members": "2",
            "max_members": "6", "closing_date-day": str(closing.day),
            "closing_date-month": str(closing.month), "closing_date-year": str(closing.year),
            "open_to": "area", "budget_id": str(budget.id), "display_name": "Sam P"}
    form.update(changes)
    return form
