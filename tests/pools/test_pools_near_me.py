"""Who may see and join an open pool, by the holder's home area (issue 8): a pool open to the
area is for holders whose local authority is the pool's; one open to the area and a category
also needs that category among their interests. "Pools near you" lists only those, the
holder's postcode district first. Holders with no area are told to add it; everyone else is
refused with the same 404 as any pool they may not see. Invite links are unchanged."""
from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.pools import services as pools
from marketplace.pools.services import Pledge
from tests.factories import make_provider, make_service, make_user
from tests.orders.pages import browser, grant, text, with_order_pages
from tests.pools.helpers import balances, holder_with_budget, live_in, organisation, request

ADD_AREA = "Add your area to your account to see pools near you"


@pytest.fixture
def app(app):
    return with_order_pages(app)


def _service(provider, title, **fields):
    return make_service(provider, title=title, category=fields.pop("category", "arts"),
                        poolable=True, price_pence=1_000, capacity=8, **fields)


def _pool(service, starter, title, *, open_to="area", days=14):
    holder, budget = starter
    started = pools.start_pool(holder, holder.id,
                               request(service, open_to=open_to, title=title, days=days),
                               Pledge(budget.id, holder.display_name.split()[0]))
    db.session.commit()
    return started


@pytest.fixture
def town(app):
    """Pools in Salford (one for a service in M6, one for all of Salford closing sooner, one
    only for people interested in sport), one in Bury, and one by invite only."""
    org = organisation()
    provider = make_provider(name="Pendleton Arts")
    starter = holder_with_budget("Sam Patel", organisation=org, interests=("arts", "sport-fitness"))
    in_m6 = _service(provider, "Pendleton photography walks", postcode_districts=["M6"])
    salford = _service(provider, "Salford pottery evenings")
    sport = _service(provider, "Salford walking football", category="sport-fitness")
    bury = _service(provider, "Bury sketching club", local_authorities=["bury"])
    bury_starter = holder_with_budget("Bo Lane", organisation=org, area="bury")
    return {
        "org": org, "starter": starter,
        "m6": _pool(in_m6, starter, "Walks near M6", days=20).pool,
        "salford": _pool(salford, starter, "Pottery for Salford", days=5).pool,
        "sport": _pool(sport, starter, "Football for Salford", open_to="area_and_category").pool,
        "bury": _pool(bury, bury_starter, "Sketching in Bury").pool,
        "invite": _pool(salford, starter, "Pottery by invite", open_to="invite"),
    }


def _joiner(town, name="Lee Hall", **home):
    return holder_with_budget(name, organisation=town["org"], **home)


def test_pools_near_me_lists_only_pools_open_to_my_area_my_district_first(app, town):
    lee, _ = _joiner(town, district="M6")
    page = text(browser(app, lee).get("/pools"))
    near = page[page.index("Pools near you"):]
    assert "Pools open to people with a budget in Salford (M6), the same postcode district " \
           "first." in near
    assert near.index("Walks near M6") < near.index("Pottery for Salford")
    for elsewhere in ("Sketching in Bury", "Football for Salford", "Pottery by invite"):
        assert elsewhere not in near
    # Without a district, the authority's pools come by closing date.
    ash, _ = _joiner(town, "Ash Green")
    near = text(browser(app, ash).get("/pools"))
    assert near.index("Pottery for Salford") < near.index("Walks near M6")
    # Interested in sport: the pool for that category is open too.
    kim, _ = _joiner(town, "Kim Ray", interests=("sport-fitness",))
    assert "Football for Salford" in text(browser(app, kim).get("/pools"))


def test_a_holder_in_another_area_is_refused_a_pool_page_and_a_join(app, town):
    bo, bo_budget = _joiner(town, "Bo Elsewhere", area="bury")
    bo_browser = browser(app, bo)
    pool = town["salford"]
    assert bo_browser.get(f"/pools/{pool.id}").status_code == 404
    joined = bo_browser.post(f"/pools/{pool.id}/join",
                             data={"budget_id": str(bo_budget.id), "display_name": "Bo"})
    assert joined.status_code == 404
    assert balances(bo_budget).committed_pence == 0
    assert "Pottery for Salford" not in text(bo_browser.get("/pools"))
    assert "Sketching in Bury" in text(bo_browser.get("/pools"))


def test_a_category_pool_is_refused_to_a_neighbour_not_interested_in_it(app, town):
    lee, lee_budget = _joiner(town, interests=("arts",))
    lee_browser = browser(app, lee)
    pool = town["sport"]
    assert lee_browser.get(f"/pools/{pool.id}").status_code == 404
    assert lee_browser.post(f"/pools/{pool.id}/join", data={
        "budget_id": str(lee_budget.id), "display_name": "Lee"}).status_code == 404
    live_in(lee, "salford", "", ("sport-fitness",))
    page = text(lee_browser.get(f"/pools/{pool.id}"))
    assert "Join this pool" in page


def test_a_holder_without_an_area_is_told_to_add_it_and_invites_still_work(app, town):
    nia, nia_budget = _joiner(town, "Nia Obi", area="", interests=())
    nia_browser = browser(app, nia)
    pools_page = nia_browser.get("/pools")
    assert ADD_AREA in text(pools_page)
    assert 'href="/account#your-area"' in pools_page.get_data(as_text=True)
    assert "Pottery for Salford" not in text(pools_page)
    refused = nia_browser.get(f"/pools/{town['salford'].id}")
    assert refused.status_code == 404 and ADD_AREA in text(refused)
    # The same page for a pool that does not exist: nothing says which pools there are.
    assert text(nia_browser.get("/pools/999999")) == text(refused)
    # An invite link is for anyone with a budget, area or not.
    started = town["invite"]
    invited = nia_browser.get(f"/pools/{started.pool.id}?invite={started.invite_token}")
    assert invited.status_code == 200
    assert "Join this pool" in text(invited) and ADD_AREA in text(invited)
    joined = nia_browser.post(f"/pools/{started.pool.id}/join",
                              data={"budget_id": str(nia_budget.id), "display_name": "Nia"})
    assert joined.status_code == 302
    assert balances(nia_budget).committed_pence > 0


def test_a_supporter_sees_and_joins_by_the_area_of_the_person_they_buy_for(app, town):
    helper = make_user("supporter", name="Jo Broker")
    away, away_budget = _joiner(town, "Ray Away", area="bury")
    grant(away, helper, ["view", "buy"])
    jo = browser(app, helper)
    pool = town["salford"]
    assert jo.get(f"/pools/{pool.id}").status_code == 404
    assert "Pottery for Salford" not in text(jo.get("/pools"))

    near, near_budget = _joiner(town, "Dee Near")
    grant(near, helper, ["view", "buy"])
    page = text(jo.get(f"/pools/{pool.id}"))
    assert "You are pledging for Dee Near" in page
    assert "Pottery for Salford" in text(jo.get("/pools"))
    # Seeing it for Dee is not joining it for Ray, who lives in Bury.
    refused = jo.post(f"/pools/{pool.id}/join", data={
        "holder_id": str(away.id), "budget_id": str(away_budget.id), "display_name": "R"})
    assert refused.status_code == 404 and balances(away_budget).committed_pence == 0
    joined = jo.post(f"/pools/{pool.id}/join", data={
        "holder_id": str(near.id), "budget_id": str(near_budget.id), "display_name": "D"})
    assert joined.status_code == 302 and balances(near_budget).committed_pence > 0


def test_search_results_and_the_service_page_show_only_pools_near_the_holder(app, town):
    service_id = town["salford"].service_id
    lee, _ = _joiner(town)
    bo, _ = _joiner(town, "Bo Elsewhere", area="bury")
    for person, shown in ((lee, True), (bo, False)):
        client = browser(app, person)
        results = text(client.get("/search?q=pottery"))
        service_page = client.get(f"/services/{service_id}").get_data(as_text=True)
        assert ("1 person in Salford is pooling for this" in results) is shown
        assert bool(re.search(rf'href="/pools/{town["salford"].id}"', service_page)) is shown


def test_a_pool_for_a_service_naming_only_districts_is_open_to_their_authority(app, town):
    provider = make_provider(name="Eccles Lenses")
    eccles = _service(provider, "Eccles camera club", local_authorities=[],
                      postcode_districts=["M30"])
    _pool(eccles, town["starter"], "Cameras in Eccles")
    lee, _ = _joiner(town, district="M30")
    near = text(browser(app, lee).get("/pools"))
    assert near.index("Cameras in Eccles") < near.index("Pottery for Salford")
    bo, _ = _joiner(town, "Bo Elsewhere", area="bury")
    assert "Cameras in Eccles" not in text(browser(app, bo).get("/pools"))
