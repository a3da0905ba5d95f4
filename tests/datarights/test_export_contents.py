"""What a copy of someone's data holds: every part, with the known data, money as pence beside
pounds, times in London with their offset, a README explaining each file; and nothing of
other people beyond what the person already sees."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from marketplace.accounts.models import User
from marketplace.datarights.parts import SECTIONS, sections_for
from marketplace.extensions import db
from marketplace.times import to_london
from tests.datarights.conftest import (NEED_WORDS, PLAN_WORDS, REPLY_WORDS, REVIEW_WORDS,
                                       note_and_write, prepared_copy, stored_copy)
from tests.factories import make_user

LONDON_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")

HOLDER_PARTS = {"account", "devices", "api_tokens", "notifications", "emails",
                "reports_you_made", "data_requests", "budgets", "instalments", "statements",
                "support_plan", "outcomes", "orders", "order_history", "card_payments", "pools",
                "needs", "quotes", "reviews", "enquiries", "enquiry_messages", "supporters",
                "who_has_seen", "done_for_you"}


def _only(rows, **match):
    found = [row for row in rows if all(row[key] == value for key, value in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


@pytest.fixture
def sams_copy(world):
    note_and_write(world.jo, world.sam.id, "plan")
    note_and_write(world.market.staff, world.sam.id, "order", world.first_order.id)
    return stored_copy(prepared_copy(world.sam))


def test_the_zip_has_a_readme_the_json_and_a_csv_for_every_part(sams_copy):
    assert sams_copy.names == {"README.txt", "data.json"} | {f"{p}.csv" for p in HOLDER_PARTS}
    readme = sams_copy.text("README.txt")
    assert "Made for Sam Patel" in readme
    for part in HOLDER_PARTS:
        assert f"- {part}.csv (" in readme, part
    assert "Money is written twice: in pence" in readme and "Europe/London" in readme
    assert "Your password and your API tokens" in readme  # what is not there, and why
    data = sams_copy.data
    assert set(data) == {"about_this_copy"} | HOLDER_PARTS
    assert data["about_this_copy"]["made_for"] == "Sam Patel"
    # Readable: indented, and "£" as itself rather than an escape.
    assert '\n  "account": [\n    {\n' in sams_copy.text("data.json")
    assert "£500.00" in sams_copy.text("data.json")


def test_each_part_holds_what_is_known_about_sam(world, sams_copy):
    data = sams_copy.data
    sam, market = world.sam, world.market
    assert data["account"] == [{"account_id": sam.id, "email": sam.email, "name": "Sam Patel",
                                "role": "Budget holder", "created": data["account"][0]["created"],
                                "council": None, "postcode_district": None, "interests": "",
                                "account_open": "yes"}]
    budget = _only(data["budgets"], budget_id=market.budget.id)
    assert (budget["route"], budget["held_by"]) == ("Managed account", "Salford Independent Living")
    assert (budget["paid_in_pence"], budget["paid_in"]) == (50_000, "£500.00")
    # £25 spent; £50 (Jo's order) and £30 (the pool pledge) set aside.
    assert (budget["spent_pence"], budget["set_aside_pence"], budget["available_pence"]) == (
        2_500, 8_000, 39_500)
    assert _only(data["statements"],
                 what_happened=f"Set aside for order {world.jos_order.id}: Photography group")[
        "done_by"] == "by Jo Broker on behalf of Sam Patel"
    assert data["support_plan"][0]["what_matters_to_you"] == PLAN_WORDS
    assert data["support_plan"][0]["last_changed_by"] == "Jo Broker"
    assert [o["outcome"] for o in data["outcomes"]] == ["Take photos again",
                                                        "Feel less alone on Sundays"]
    first = _only(data["orders"], order_id=world.first_order.id)
    assert (first["service"], first["provider"], first["for_outcome"]) == (
        "Photography group", "Bright Days", "Take photos again")
    assert (first["total_pence"], first["total"]) == (2_500, "£25.00")
    assert _only(data["orders"], order_id=world.jos_order.id)["placed_by"] == "Jo Broker"
    steps = [row["what_happened"] for row in data["order_history"]
             if row["order_id"] == world.first_order.id]
    assert steps[0].startswith("Placed by Sam Patel") and steps[-1].startswith(
        "Confirmed as delivered by Sam Patel")
    pledge = _only(data["pools"], pool_id=world.pool.id)
    assert (pledge["your_name_in_the_pool"], pledge["pledged_pence"], pledge["pledged"]) == (
        "Sam P", 3_000, "£30.00")
    assert data["needs"][0]["words"] == NEED_WORDS
    assert _only(data["quotes"], need_id=world.need.id)["message"] == "We can start next week."
    review = _only(data["reviews"], order_id=world.first_order.id)
    assert (review["stars"], review["helped"], review["words"]) == (4, "Yes", REVIEW_WORDS)
    assert review["provider_reply"] == REPLY_WORDS
    assert [m["from"] for m in data["enquiry_messages"]] == ["You", "Bright Days"]
    assert data["enquiries"][0]["provider"] == "Bright Days"
    supporter = _only(data["supporters"], supporter="Jo Broker")
    assert (supporter["email"], supporter["relationship"], supporter["status"]) == (
        "jo@broker.example.org", "my broker", "Active")
    seen = [(row["who"], row["as"], row["what"]) for row in data["who_has_seen"]]
    assert seen == [("Mo Khan", "Staff at Salford Independent Living",
                     f"Your order {world.first_order.id}: Photography group"),
                    ("Jo Broker", "Your supporter", "Your support plan")]
    done = {(row["who"], row["what"].split(" on ")[0]) for row in data["done_for_you"]}
    assert ("Jo Broker", "Placed by Jo Broker") in done
    assert ("Jo Broker", "Changed the support plan (the latest change is kept, not earlier "
                         "ones)") in done
    assert ("Mo Khan", "Approved by Mo Khan") in done
    assert not any(who in ("Sam Patel", "Bea Bright") for who, _ in done)
    assert _only(data["data_requests"], status="Being prepared")  # this copy, as it was made
    assert any(email["subject"].startswith("Your supporter accepted") for email in data["emails"])


def test_money_is_pence_beside_pounds_and_times_are_london_with_their_offset(
        world, clock, sams_copy):
    rows = sams_copy.csv_rows("orders.csv")
    header = rows[0]
    assert header[header.index("Total (pence)") + 1] == "Total"
    first = next(row for row in rows[1:] if row[0] == str(world.first_order.id))
    assert first[header.index("Total (pence)")] == "2500"
    assert first[header.index("Total")] == "£25.00"
    placed = first[header.index("Placed (London time)")]
    assert LONDON_TIME.match(placed)
    assert placed == to_london(world.first_order.created_at).isoformat(timespec="seconds")
    for part in sams_copy.data.values():
        for row in part if isinstance(part, list) else []:
            for key, value in row.items():
                if isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\dT", value):
                    assert LONDON_TIME.match(value), (key, value)


def test_a_summer_time_is_written_in_british_summer_time(world, clock):
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    copy = stored_copy(prepared_copy(world.sam))
    made_at = copy.data["about_this_copy"]["made_at"]
    assert made_at == "2026-07-01T00:30:00+01:00"


def test_every_part_fills_exactly_its_columns_for_every_kind_of_account(world):
    people = [world.sam, world.jo, world.market.provider_owner, world.market.staff,
              world.market.commissioner, make_user("moderator")]
    for person in people:
        for part in sections_for(person):
            for row in part.rows(person):
                assert list(row) == part.keys, (person.role, part.name)
    assert len({part.name for part in SECTIONS}) == len(SECTIONS)


def test_other_people_are_not_in_sams_copy(world, sams_copy):
    everything = sams_copy.everything
    # Priya shares Sam's pool: Sam saw only her chosen name, never her own or her email.
    for private in ("Priya Shah", "priya@example.org", "Ola Other", "olu@bmh.example.org",
                    world.market.provider_owner.email, world.market.staff.email):
        assert private not in everything, private


def test_a_providers_copy_holds_its_listing_orders_reviews_and_enquiries(world):
    owner = world.market.provider_owner
    copy = stored_copy(prepared_copy(owner))
    data = copy.data
    assert data["provider"][0]["name"] == "Bright Days"
    assert {s["title"] for s in data["services"]} == {"Photography group", "Sunday photo walks"}
    received = _only(data["orders_received"], order_id=world.first_order.id)
    assert received["for"] == "Sam Patel"
    assert received["for_outcome"] is None  # Sam did not tell the provider what it was for
    assert _only(data["reviews_of_your_services"], review_id=data["reviews_of_your_services"][0][
        "review_id"])["your_reply"] == REPLY_WORDS
    [asking, answering] = data["enquiries_received"]
    assert answering["from"] == "You" and asking["from"] not in ("You", "Sam Patel")
    assert _only(data["quotes_given"], need_id=world.need.id)["message"] == "We can start next week."
    everything = copy.everything
    # Jo's name is there as the provider sees it in the order's history ("Placed by Jo Broker
    # on behalf of Sam Patel"), but not Jo's email.
    for private in (world.sam.email, PLAN_WORDS, "Take photos again", "jo@broker.example.org",
                    "Priya Shah", "my broker"):
        assert private not in everything, private
    assert "budgets.csv" not in copy.names and "support_plan.csv" not in copy.names


def test_a_supporters_copy_holds_the_people_they_support_and_what_they_did(world):
    note_and_write(world.jo, world.sam.id, "plan")
    data = stored_copy(prepared_copy(world.jo)).data
    assert _only(data["people_you_support"], person="Sam Patel")["status"] == "Active"
    done = [(row["for"], re.sub(r" on \d{1,2} \w+ \d{4}$", "", row["what"]), row["reference"])
            for row in data["done_for_others"]]
    assert ("Sam Patel", "Placed by Jo Broker on behalf of Sam Patel",
            f"Order {world.jos_order.id}") in done
    assert ("Sam Patel", "Changed the support plan (the latest change is kept, not earlier "
            "ones)", "Support plan") in done
    assert [(row["whose"], row["what"]) for row in data["what_you_looked_at"]] == [
        ("Sam Patel", "The support plan")]
    assert "budgets" not in data and "support_plan" not in data


def test_the_account_part_says_a_holders_area_and_interests(world):
    from marketplace.accounts import home_area

    home_area.set_home_area(world.sam, local_authority="salford", postcode_district="M6",
                            interests=["arts", "peer-support"])
    db.session.commit()
    [account] = stored_copy(prepared_copy(world.sam)).data["account"]
    assert (account["council"], account["postcode_district"]) == ("Salford", "M6")
    assert "Arts" in account["interests"] and ";" in account["interests"]
    assert db.session.get(User, world.sam.id).home_district == "M6"
