"""A commissioner sets up funding streams and the categories each may not buy."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.budgets.models import FundingStream, SpendingRule
from marketplace.extensions import db
from tests.commissioning.conftest import money_rows


def _streams() -> list[FundingStream]:
    return list(db.session.scalars(sa.select(FundingStream).order_by(FundingStream.id)))


def _rules() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(rule.category, rule.reason) for rule in db.session.scalars(sa.select(SpendingRule))]


def test_a_commissioner_creates_a_stream_and_sees_it_listed(client, logged_in_commissioner):
    empty = client.get("/commissioning/streams").get_data(as_text=True)
    assert "There are no funding streams yet." in empty
    response = client.post(
        "/commissioning/streams/new",
        data={"name": "  Personal   health budget ", "kind": "health",
              "description": "NHS money for people in secondary mental health care."},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The funding stream “Personal health budget” is set up." in page
    assert "<h1>Personal health budget</h1>" in page
    assert "Health (personal health budget)" in page
    assert "This budget can be used for every category" in page
    [stream] = _streams()
    assert (stream.name, stream.kind) == ("Personal health budget", "health")
    listing = client.get("/commissioning/streams").get_data(as_text=True)
    assert "Personal health budget" in listing and "None" in listing


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "kind": "health"}, "Enter a name for the funding stream"),
        ({"name": "Health", "kind": "lottery"}, "Choose social care, health or joint"),
        ({"name": "Health"}, "Choose social care, health or joint"),
        ({"name": "x" * 121, "kind": "health"}, "Use 120 characters or fewer"),
    ],
)
def test_an_invalid_stream_is_refused_with_a_message(client, logged_in_commissioner, data, message):
    response = client.post("/commissioning/streams/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert _streams() == []


def test_a_stream_name_cannot_be_used_twice(client, logged_in_commissioner, stream):
    response = client.post(
        "/commissioning/streams/new", data={"name": stream.name, "kind": "joint"}
    )
    assert response.status_code == 400
    assert "A funding stream with this name already exists" in response.get_data(as_text=True)
    assert len(_streams()) == 1


def test_rules_are_added_replaced_and_removed(client, logged_in_commissioner, stream):
    url = f"/commissioning/streams/{stream.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Common rules" in page and "gambling, alcohol, tobacco" in page

    added = client.post(
        f"{url}/rules",
        data={"category": "equipment", "reason": "Because equipment is provided by the NHS."},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The rule is added." in added
    assert ("Your Salford adult social care budget can’t be used for this because "
            "equipment is provided by the NHS.") in added
    assert _rules() == [("equipment", "equipment is provided by the NHS")]

    replaced = client.post(
        f"{url}/rules",
        data={"category": "equipment", "reason": "ask the NHS equipment service instead"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The rule is changed." in replaced
    assert "because ask the NHS equipment service instead." in replaced
    assert _rules() == [("equipment", "ask the NHS equipment service instead")]

    client.post(
        f"{url}/rules", data={"category": "wellbeing", "reason": "the NHS pays for therapy"}
    )
    assert len(_rules()) == 2
    rule_id = db.session.scalar(
        sa.select(SpendingRule.id).where(SpendingRule.category == "equipment")
    )
    removed = client.post(f"{url}/rules/{rule_id}/remove", follow_redirects=True)
    removed = removed.get_data(as_text=True)
    assert "The rule is removed" in removed
    assert _rules() == [("wellbeing", "the NHS pays for therapy")]
    assert "Wellbeing and therapies" in removed and "Equipment and goods</th>" not in removed


@pytest.mark.parametrize(
    "data, message",
    [
        ({"category": "", "reason": "no"}, "Choose a category from the list"),
        ({"category": "gambling", "reason": "no"}, "Choose a category from the list"),
        ({"category": "arts", "reason": "   "}, "Say in plain words why this cannot be bought"),
        ({"category": "arts", "reason": "x" * 301}, "Use 300 characters or fewer"),
    ],
)
def test_an_invalid_rule_is_refused_with_a_message(
    client, logged_in_commissioner, stream, data, message
):
    response = client.post(f"/commissioning/streams/{stream.id}/rules", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page
    assert f"<h1>{stream.name}</h1>" in page
    assert _rules() == []


def test_removing_a_rule_needs_the_form_token(app, client, logged_in_commissioner, stream):
    client.post(f"/commissioning/streams/{stream.id}/rules",
                data={"category": "arts", "reason": "art classes are paid for by the college"})
    rule_id = db.session.scalar(sa.select(SpendingRule.id))
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/commissioning/streams/{stream.id}/rules/{rule_id}/remove")
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert money_rows()["rules"] == 1
