"""Finding peers: holders near each other who need the same (category, area, timing) and
both agreed are told, both ways, and shown each other's needs without names; anyone who did
not agree, or needs something else, is left alone."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.needs.models import Need, Quote
from marketplace.notifications.models import Notification
from tests.needs.helpers import market, need_form, pool_form, quote_form
from tests.orders.pages import browser, text, with_order_pages
from tests.pools.helpers import holder_with_budget


@pytest.fixture
def app(app):
    return with_order_pages(app)


@pytest.fixture
def people(app):
    found = market()
    found["dani"], found["dani_budget"] = holder_with_budget("Dani Jones")
    found["lee"], _ = holder_with_budget("Lee Grant")
    return found


def _told(user) -> list[Notification]:
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


def _post(app, user, **changes) -> Need:
    client = browser(app, user)
    assert client.post("/needs/new", data=need_form(**changes)).status_code == 302
    return db.session.scalars(sa.select(Need).order_by(Need.id.desc())).first()


def test_two_holders_with_the_same_need_nearby_are_told_both_ways(app, people):
    sams = _post(app, people["sam"], words="Photo walks, Saturdays, for me and a friend")
    assert _told(people["sam"]) == []
    danis = _post(app, people["dani"], words="Weekend photography group please",
                  postcode_district="M6")
    to_dani, to_sam = _told(people["dani"]), _told(people["sam"])
    assert len(to_dani) == 1 and "Someone near you also needs" in to_dani[0].message
    assert to_dani[0].link == f"/needs/{danis.id}/peers"
    assert len(to_sam) == 1 and "Someone near you has just posted a need like yours" in \
        to_sam[0].message
    assert to_sam[0].link == f"/needs/{sams.id}/peers"

    page = text(browser(app, people["sam"]).get(f"/needs/{sams.id}/peers"))
    assert "Weekend photography group please" in page
    assert "Dani" not in page and people["dani"].email not in page
    assert "Start a pool for Photography walks" in page  # the poolable service nearby
    assert "Someone near you needs the same" in text(
        browser(app, people["dani"]).get(f"/needs/{danis.id}"))


@pytest.mark.parametrize("changes", [
    {"peers_consent": None},
    {"timing": "evenings"},
    {"category": "peer-support"},
    {"local_authority": "bolton", "postcode_district": ""},
])
def test_nobody_is_matched_without_consent_or_with_a_different_need(app, people, changes):
    _post(app, people["sam"])
    _post(app, people["dani"], **changes)
    assert _told(people["sam"]) == [] and _told(people["dani"]) == []


def test_a_holder_who_did_not_agree_is_never_shown_to_others(app, people):
    _post(app, people["sam"], peers_consent=None, words="Private walk need")
    danis = _post(app, people["dani"])
    page = text(browser(app, people["dani"]).get(f"/needs/{danis.id}/peers"))
    assert "Private walk need" not in page and "Nobody else near you needs the same" in page


def test_a_pool_started_from_a_quote_is_offered_to_the_matched_neighbours(app, people):
    sams = _post(app, people["sam"])
    danis = _post(app, people["dani"], words="Weekend photography group please")
    arts = browser(app, people["arts"].owner)
    arts.post(f"/provider/needs/{sams.id}", data=quote_form(people["arts_walks"]))
    quote = db.session.scalars(sa.select(Quote)).one()
    sam = browser(app, people["sam"])
    response = sam.post(f"/needs/{sams.id}/quotes/{quote.id}/accept",
                        data=pool_form(people["sam_budget"], open_to="area"))
    assert response.status_code == 302
    told = _told(people["dani"])[-1]
    assert "has started a pool" in told.message and told.link.startswith("/pools/")
    dani = browser(app, people["dani"])
    assert "Saturday walks" in text(dani.get(f"/needs/{danis.id}/peers"))
    pool_page = text(dani.get(told.link))
    assert "Join this pool" in pool_page and "Sam Patel" not in pool_page
    assert _told(people["lee"]) == []


def test_pools_for_a_need_list_only_those_its_holder_may_join_by_home_area(app, people):
    sams = _post(app, people["sam"])
    danis = _post(app, people["dani"], words="Weekend photography group please")
    browser(app, people["arts"].owner).post(f"/provider/needs/{sams.id}",
                                            data=quote_form(people["arts_walks"]))
    quote = db.session.scalars(sa.select(Quote)).one()
    browser(app, people["sam"]).post(f"/needs/{sams.id}/quotes/{quote.id}/accept",
                                     data=pool_form(people["sam_budget"], open_to="area"))
    # Dani moves to Bolton: the Salford pool is no longer one she may join, so it is not
    # offered on her need's page.
    people["dani"].home_authority, people["dani"].home_district = "bolton", ""
    db.session.commit()
    assert "Saturday walks" not in text(browser(app, people["dani"]).get(
        f"/needs/{danis.id}/peers"))
