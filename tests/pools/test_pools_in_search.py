"""Open pools show on search results for budget holders: "2 people in Salford are pooling
for this: join them". Invite-only pools never show, and nobody else's cached page carries
a count that could go stale."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from tests.orders.pages import anonymous, browser, text, with_order_pages
from tests.pools.helpers import group_service, holder_with_budget, organisation, request


@pytest.fixture
def app(app):
    return with_order_pages(app)


def test_a_holder_sees_open_pools_on_search_results(app):
    org = organisation()
    service = group_service(local_authorities=["salford"])
    (sam, sam_budget), (dani, dani_budget) = [holder_with_budget(n, organisation=org)
                                              for n in ("Sam Patel", "Dani Jones")]
    started = pools.start_pool(sam, sam.id, request(service, open_to="area"),
                               Pledge(sam_budget.id, "Sam"))
    pools.join_pool(dani, dani.id, started.pool.id, Pledge(dani_budget.id, "Dani"))
    db.session.commit()

    someone = browser(app, holder_with_budget("Ali Khan", organisation=org)[0])
    page = text(someone.get("/search?q=photography"))
    assert "2 people in Salford are pooling for this : join them" in page
    assert f'href="/pools/{started.pool.id}"' in someone.get(
        "/search?q=photography").get_data(as_text=True)
    # Not for visitors or providers, whose result pages are kept and shared.
    assert "pooling for this" not in text(anonymous(app).get("/search?q=photography"))
    assert "pooling for this" not in text(
        browser(app, service.provider.owner).get("/search?q=photography"))


def test_an_invite_only_pool_is_not_advertised(app):
    org = organisation()
    service = group_service()
    sam, sam_budget = holder_with_budget("Sam Patel", organisation=org)
    pools.start_pool(sam, sam.id, request(service), Pledge(sam_budget.id, "Sam"))
    db.session.commit()
    other = browser(app, holder_with_budget("Ali Khan", organisation=org)[0])
    assert "pooling for this" not in text(other.get("/search?q=photography"))
