"""Harvesting changes: a directory asks for modified_after its last copy and gets exactly the
services whose published record changed since (by the provider's edits too), including every
one that was paused, removed or deleted, with nothing about those but id, status and time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from marketplace.extensions import db
from marketplace.openreferral.mapping import WITHDRAWN_NAME
from marketplace.providers import services as providers
from marketplace.reviews import services as reviews
from marketplace.reviews.services import ReviewDetails
from tests.factories import make_funded_budget, make_service, make_user
from tests.openreferral.conftest import get_json
from tests.orders.conftest import market as order_market  # noqa: F401
from tests.reviews.market import delivered_order

#: After the market is made (at the real time), so only what a test changes is "since".
START = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)


def changed(client, since: datetime, query: str = "") -> dict[str, dict]:
    stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = get_json(client, f"/openreferral/services?per_page=200&modified_after={stamp}"
                            f"&{query}")
    assert body["total_items"] == len(body["contents"])
    return {item["id"]: item for item in body["contents"]}


def details_of(service) -> providers.ServiceDetails:
    fields = {name: getattr(service, name) for name in providers.ServiceDetails.__dataclass_fields__}
    return providers.ServiceDetails(**fields)


def test_only_what_changed_since_the_last_copy_is_listed(client, clock, market, feed_id):
    clock.set(START)
    edited = make_service(title="New listing")
    clock.set(START + timedelta(hours=1))
    later = changed(client, START + timedelta(minutes=30))
    assert later == {}
    assert set(changed(client, START)) == {feed_id("service", edited.id)}

    details = details_of(market.arts)
    details.title = "Saturday painting and drawing"
    providers.update_service(market.arts, details)
    db.session.commit()
    found = changed(client, START + timedelta(minutes=30))
    assert [item["name"] for item in found.values()] == ["Saturday painting and drawing"]
    assert found[feed_id("service", market.arts.id)]["last_modified"] == (
        "2027-03-01T10:00:00.000Z")


def test_a_provider_edit_changes_each_of_its_services_records(client, clock, market, feed_id):
    clock.set(START)
    market.ulo.contact_name = "Sam Jones"
    db.session.commit()
    assert set(changed(client, START)) == {feed_id("service", market.group.id)}


def test_a_rating_changes_the_record(client, clock, app, order_market):  # noqa: F811
    holder = make_user("holder")
    order = delivered_order(order_market, holder,
                            make_funded_budget(holder, amount_pence=10_000))
    clock.set(START + timedelta(days=1))
    reviews.submit_review(holder, order, ReviewDetails(4, "yes", "Good sessions.", "name"))
    db.session.commit()
    found = changed(client, START)
    record = found[feed_id_of(order_market.service.id)]
    assert record["pathways_review_count"] == 1 and record["pathways_helped_percent"] == 100
    assert record["pathways_rating"] == 3.58  # (5 x 3.5 + 4) / 6

    # The same stars with another answer leave the rating, and the service's row, as they
    # were; the helped share changes, so the record does.
    clock.set(START + timedelta(days=2))
    reviews.submit_review(holder, order, ReviewDetails(4, "no", "Good sessions.", "name"))
    db.session.commit()
    record = changed(client, START + timedelta(days=1, hours=12))[
        feed_id_of(order_market.service.id)]
    assert record["pathways_helped_percent"] == 0 and record["pathways_rating"] == 3.58
    assert record["last_modified"] == "2027-03-03T09:00:00.000Z"


def feed_id_of(number: int) -> str:
    from marketplace.openreferral import ids

    return ids.make("service", number)


def test_paused_removed_and_deleted_services_come_back_withdrawn(client, clock, market,
                                                                 feed_id):
    clock.set(START)
    providers.pause_service(market.arts)
    providers.delete_service(market.plain)  # never ordered: the row goes
    db.session.commit()
    found = changed(client, START)
    assert found[feed_id("service", market.arts.id)] == {
        "id": feed_id("service", market.arts.id), "name": WITHDRAWN_NAME,
        "status": "inactive", "last_modified": "2027-03-01T09:00:00.000Z"}
    assert found[feed_id("service", market.plain.id)] == {
        "id": feed_id("service", market.plain.id), "name": WITHDRAWN_NAME,
        "status": "defunct", "last_modified": "2027-03-01T09:00:00.000Z"}
    # Without modified_after neither is in the feed, and neither can be read alone.
    live = get_json(client, "/openreferral/services?per_page=200")["contents"]
    assert {item["name"] for item in live} == {
        "Personal assistant for days out", "Young people's evening peer group",
        "Online listening service", "Carers' drop-in"}
    for gone in (market.arts, market.plain):
        get_json(client, f"/openreferral/services/{feed_id('service', gone.id)}", 404)


def test_withdrawals_are_listed_whatever_the_other_filters_say(client, clock, market, feed_id):
    clock.set(START)
    providers.pause_service(market.arts)
    providers.delete_service(market.plain)
    db.session.commit()
    found = changed(client, START, "postcode=M14&search=nothing-like-it")
    assert set(found) == {feed_id("service", market.arts.id), feed_id("service", market.plain.id)}
    minimal = get_json(client, "/openreferral/services?minimal=true&modified_after=2027-03-01")
    assert {item["status"] for item in minimal["contents"]} == {"inactive", "defunct"}
    assert set(minimal["contents"][0]) == {"id", "status", "last_modified"}


def test_a_resumed_service_is_active_again_in_the_next_harvest(client, clock, market, feed_id):
    clock.set(START)
    providers.pause_service(market.arts)
    db.session.commit()
    clock.set(START + timedelta(days=1))
    providers.resume_service(market.arts)
    db.session.commit()
    record = changed(client, START + timedelta(hours=12))[feed_id("service", market.arts.id)]
    assert record["status"] == "active" and record["name"] == "Saturday painting group"


def test_a_new_service_given_a_deleted_ones_id_is_listed_as_itself(client, clock, market):
    """SQLite can give a new row the id of the newest row deleted: the feed lists the new
    service, not the note that the old one went."""
    from marketplace.openreferral.deletions import note_deleted_service

    clock.set(START)
    note_deleted_service(market.plain.id)  # as if it had been deleted and its id reused
    db.session.commit()
    assert changed(client, START) == {}
    market.plain.title = "Coffee, cake and chat"
    db.session.commit()
    assert [item["status"] for item in changed(client, START).values()] == ["active"]


def test_every_change_streams_as_ndjson(client, clock, market):
    clock.set(START)
    providers.pause_service(market.arts)
    db.session.commit()
    response = client.get("/openreferral/services?format=ndjson")
    assert response.status_code == 200 and response.mimetype == "application/x-ndjson"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    import json

    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(lines) == 5 and all(line["status"] == "active" for line in lines)
    harvest = client.get("/openreferral/services?format=ndjson&minimal=true"
                         "&modified_after=2027-03-01T09:00:00%2B00:00")
    assert [json.loads(line)["status"] for line in harvest.get_data(as_text=True).splitlines()
            ] == ["inactive"]


def test_a_provider_deleting_from_their_listings_tells_the_next_harvest(client, auth, clock,
                                                                       market, feed_id):
    clock.set(START)
    assert auth.login(market.plain.provider.owner.email).status_code == 302
    response = client.post(f"/provider/services/{market.plain.id}/delete")
    assert response.status_code == 302
    auth.logout()
    found = changed(client, START)
    assert found == {feed_id("service", market.plain.id): {
        "id": feed_id("service", market.plain.id), "name": WITHDRAWN_NAME,
        "status": "defunct", "last_modified": "2027-03-01T09:00:00.000Z"}}
