"""The support plan: what matters, outcomes in the holder's words, review date, linked orders."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from marketplace.budgets.models import Outcome, SupportPlan
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.times import london_today
from tests.budgets.helpers import allocate, card_order, grant, login
from tests.factories import make_provider, make_service, make_user


def the_plan(holder) -> SupportPlan:
    db.session.expire_all()
    return db.session.scalar(sa.select(SupportPlan).where(SupportPlan.holder_id == holder.id))


def test_a_holder_writes_their_plan_and_outcomes(client, holder):
    review = london_today() + timedelta(days=300)
    login(client, holder)
    page = client.get("/plan").get_data(as_text=True)
    assert "Will this help me recover, stay healthy and have a fulfilled life?" in page
    assert "No outcomes yet." in page

    response = client.post(
        "/plan",
        data={"about_me": "My cat, my allotment and my friends.", "review_on": review.isoformat()},
    )
    assert response.status_code == 302
    response = client.post("/plan/outcomes", data={"new-text": "  Get back to   photography "})
    assert response.status_code == 302
    client.post("/plan/outcomes", data={"new-text": "Feel less alone on Sundays"})
    page = client.get("/plan").get_data(as_text=True)
    assert "My cat, my allotment and my friends." in page
    for part, value in (("day", review.day), ("month", review.month), ("year", review.year)):
        assert f'name="review_on-{part}" type="text" inputmode="numeric" value="{value}"' in page
    assert "<h3>Get back to photography</h3>" in page
    assert "Last changed on" in page and "by Sam Patel." in page
    plan = the_plan(holder)
    assert plan.updated_by_id == holder.id
    assert [o.text for o in plan.outcomes] == [
        "Get back to photography",
        "Feel less alone on Sundays",
    ]


def test_outcomes_are_edited_retired_and_brought_back(client, holder):
    login(client, holder)
    client.post("/plan/outcomes", data={"new-text": "Get back to photography"})
    outcome = the_plan(holder).outcomes[0]
    assert client.get(f"/plan/outcomes/{outcome.id}/edit").status_code == 200
    response = client.post(
        f"/plan/outcomes/{outcome.id}/edit", data={"text": "Take photos every week"}
    )
    assert response.status_code == 302
    assert db.session.get(Outcome, outcome.id).text == "Take photos every week"

    client.post(f"/plan/outcomes/{outcome.id}/retire")
    page = client.get("/plan").get_data(as_text=True)
    assert "Retired outcomes" in page and "No outcomes yet." in page
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).retired is True
    client.post(f"/plan/outcomes/{outcome.id}/restore")
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).retired is False


def test_plan_mistakes_are_explained(client, holder):
    login(client, holder)
    response = client.post("/plan/outcomes", data={"new-text": "   "})
    assert response.status_code == 400
    assert "Write the outcome in your own words" in response.get_data(as_text=True)
    response = client.post("/plan/outcomes", data={"new-text": "x" * 301})
    assert "Use 300 characters or fewer" in response.get_data(as_text=True)
    response = client.post("/plan", data={"about_me": "Fine", "review_on": "next spring"})
    assert response.status_code == 400
    assert "Enter a real date, for example 27 3 2026" in response.get_data(as_text=True)
    assert the_plan(holder) is None


def test_each_outcome_lists_the_orders_linked_to_it(client, holder):
    budget = allocate(holder)[0]
    login(client, holder)
    client.post("/plan/outcomes", data={"new-text": "Get back to photography"})
    client.post("/plan/outcomes", data={"new-text": "Sleep better"})
    photography, sleep = the_plan(holder).outcomes
    service = make_service(make_provider(), title="Photography walks", category="arts")
    card_order(budget, service=service, amount=1250, outcome=photography)
    html = client.get("/plan").get_data(as_text=True)
    photo_part = html[
        html.index("<h3>Get back to photography</h3>") : html.index("<h3>Sleep better</h3>")
    ]
    assert "Photography walks: £12.50" in photo_part
    sleep_part = html[html.index("<h3>Sleep better</h3>") :]
    assert "No orders linked to this outcome yet." in sleep_part


def test_someone_elses_outcome_is_not_found(client, holder):
    login(client, holder)
    client.post("/plan/outcomes", data={"new-text": "Mine"})
    outcome = the_plan(holder).outcomes[0]
    client.post("/logout")
    other = make_user("holder")
    login(client, other)
    assert client.get(f"/plan/outcomes/{outcome.id}/edit").status_code == 404
    assert client.post(f"/plan/outcomes/{outcome.id}/retire").status_code == 404
    assert (
        client.post(f"/plan/outcomes/{outcome.id}/edit", data={"text": "Theirs"}).status_code == 404
    )
    assert db.session.get(Outcome, outcome.id).text == "Mine"
    assert client.get(f"/people/{holder.id}/plan").status_code == 404


def test_providers_and_commissioners_cannot_see_plans(client, holder):
    for role in ("provider", "commissioner"):
        login(client, make_user(role))
        assert client.get("/plan").status_code == 403
        assert client.get(f"/people/{holder.id}/plan").status_code == 404
        assert client.post(f"/people/{holder.id}/plan", data={"about_me": "x"}).status_code == 404
        client.post("/logout")
    assert the_plan(holder) is None


def test_a_supporter_with_plan_scope_edits_and_the_holder_sees_who(client, holder):
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["plan"], relationship="broker")
    login(client, broker)
    response = client.post(f"/people/{holder.id}/plan/outcomes", data={"new-text": "Go swimming"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/people/{holder.id}/plan")
    plan = the_plan(holder)
    assert plan.updated_by_id == broker.id
    messages = db.session.scalars(
        sa.select(Notification.message).where(Notification.user_id == holder.id)
    ).all()
    assert (
        'An outcome "Go swimming" was added to your plan by Jo Broker on behalf of Sam Patel.'
        in messages
    )
    client.post("/logout")
    login(client, holder)
    page = client.get("/plan").get_data(as_text=True)
    assert "by Jo Broker on behalf of Sam Patel." in page


def test_a_new_review_date_in_the_past_is_refused_but_a_saved_one_that_passed_is_kept(
        client, holder, clock):
    from datetime import datetime, timezone

    login(client, holder)
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=timezone.utc))
    refused = client.post("/plan", data={"about_me": "Fine", "review_on": "2026-05-19"})
    assert refused.status_code == 400
    assert "Choose a review date in the future" in refused.get_data(as_text=True)
    assert the_plan(holder) is None
    assert client.post("/plan", data={"about_me": "Fine", "review_on": "2026-06-01"}).status_code == 302
    clock.set(datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc))
    page = client.get("/plan").get_data(as_text=True)
    assert "The review date has passed" in page
    kept = client.post("/plan", data={"about_me": "Better now", "review_on": "2026-06-01"})
    assert kept.status_code == 302 and the_plan(holder).about_me == "Better now"


def test_an_outcome_says_what_part_of_life_it_is_about(client, holder):
    login(client, holder)
    client.post("/plan/outcomes", data={"new-text": "Go to the Sunday walk",
                                        "new-theme": "community"})
    outcome = the_plan(holder).outcomes[0]
    assert outcome.theme == "community"
    assert "About: Being part of my community" in client.get("/plan").get_data(as_text=True)

    refused = client.post(f"/plan/outcomes/{outcome.id}/edit",
                          data={"text": "Go to the Sunday walk", "theme": "astrology"})
    assert refused.status_code == 400
    assert "Choose a part of life from the list" in refused.get_data(as_text=True)
    assert db.session.get(Outcome, outcome.id).theme == "community"
    client.post(f"/plan/outcomes/{outcome.id}/edit",
                data={"text": "Go to the Sunday walk", "theme": ""})
    db.session.expire_all()
    assert db.session.get(Outcome, outcome.id).theme == ""
