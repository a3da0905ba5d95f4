"""A commissioner edits funding streams, their rules and managed-account organisations. Each
edit is checked (messages beside the fields, 400, nothing changed), recorded (who, when, what
changed) and shown as the page's history. A new auto-approve limit leaves orders already
approved or waiting as they were. Only commissioners can edit."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from marketplace.budgets import services as budget_services
from marketplace.budgets.models import FundingStream, ManagedAccountOrganisation
from marketplace.commissioning.records import MarketChange
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.services import OrderRequest
from marketplace.times import london_today
from tests.database import app_on_empty_database
from tests.factories import make_user
from tests.orders.pages import Market


def _changes() -> list[MarketChange]:
    return list(db.session.scalars(sa.select(MarketChange).order_by(MarketChange.id)))


def _page(response) -> str:
    return response.get_data(as_text=True)


def _stream_data(stream, **changes) -> dict:
    data = {"name": stream.name, "kind": stream.kind, "description": stream.description}
    data.update(changes)
    return data


def _organisation_data(**changes) -> dict:
    data = {"name": "Salford Independent Living", "kind": "ulo", "auto_approve_limit": "50",
            "auto_confirm_days": "7", "contact_email": ""}
    data.update(changes)
    return data


def _allocate(stream, holder, commissioner):
    budget_services.allocate_budget(
        holder=holder, stream=stream, total_pence=10_000, period_start=london_today(),
        period_end=london_today() + timedelta(weeks=8), instalment_every_weeks=4,
        route="direct", allocated_by=commissioner)
    db.session.commit()


# --- funding streams --------------------------------------------------------------------------


def test_a_commissioner_renames_a_stream_and_sees_it_in_the_history(
        client, logged_in_commissioner, stream):
    form = client.get(f"/commissioning/streams/{stream.id}/edit")
    assert form.status_code == 200 and 'value="Salford adult social care"' in _page(form)

    page = _page(client.post(f"/commissioning/streams/{stream.id}/edit", data=_stream_data(
        stream, name="Salford adult care", description="For adults assessed by the council."),
        follow_redirects=True))
    assert "The funding stream’s details are saved." in page
    assert "<h1>Salford adult care</h1>" in page
    assert "History of changes" in page and "Cara Commissioner" in page
    assert "Name from “Salford adult social care” to “Salford adult care”" in page
    assert "Description from “(none)” to “For adults assessed by the council.”" in page
    [change] = _changes()
    assert (change.action, change.actor_id, change.funding_stream_id) == (
        "stream_changed", logged_in_commissioner.id, stream.id)


def test_saving_a_stream_unchanged_records_nothing(client, logged_in_commissioner, stream):
    page = _page(client.post(f"/commissioning/streams/{stream.id}/edit",
                             data=_stream_data(stream), follow_redirects=True))
    assert "Nothing was changed." in page and "Nothing has been changed since" in page
    assert _changes() == []


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Enter a name for the funding stream"),
    ({"name": "personal HEALTH budget"}, "A funding stream with this name already exists"),
    ({"kind": "gambling"}, "Choose social care, health or joint"),
    ({"description": "x" * 2001}, "2000"),
])
def test_a_wrong_stream_edit_is_refused_beside_its_field(client, logged_in_commissioner, stream,
                                                          changes, message):
    budget_services.create_funding_stream(name="Personal health budget", kind="health")
    db.session.commit()
    response = client.post(f"/commissioning/streams/{stream.id}/edit",
                           data=_stream_data(stream, **changes))
    assert response.status_code == 400 and message in _page(response)
    field = next(iter(changes))
    assert f'<p class="field-error" id="{field}-error">' in _page(response)
    db.session.expire_all()
    assert (stream.name, stream.kind) == ("Salford adult social care", "social_care")
    assert _changes() == []


def test_the_kind_changes_only_until_a_budget_is_allocated(client, logged_in_commissioner,
                                                           stream, holder):
    response = client.post(f"/commissioning/streams/{stream.id}/edit",
                           data=_stream_data(stream, kind="joint"))
    assert response.status_code == 302
    db.session.expire_all()
    assert stream.kind == "joint"

    _allocate(stream, holder, logged_in_commissioner)
    form = _page(client.get(f"/commissioning/streams/{stream.id}/edit"))
    assert "The kind cannot change" in form and 'name="kind" value="joint"' in form
    response = client.post(f"/commissioning/streams/{stream.id}/edit",
                           data=_stream_data(stream, kind="health"))
    assert response.status_code == 400
    assert "budgets have already been allocated from this stream" in _page(response)
    db.session.expire_all()
    assert stream.kind == "joint" and len(_changes()) == 1
    # The name still changes.
    client.post(f"/commissioning/streams/{stream.id}/edit",
                data=_stream_data(stream, name="Joint care"))
    db.session.expire_all()
    assert stream.name == "Joint care"


# --- spending rules ---------------------------------------------------------------------------


def test_rules_are_added_given_a_new_reason_and_removed_with_a_history(
        client, logged_in_commissioner, stream):
    client.post(f"/commissioning/streams/{stream.id}/rules",
                data={"category": "equipment", "reason": "the NHS provides equipment"})
    [rule] = stream.rules
    form = client.get(f"/commissioning/streams/{stream.id}/rules/{rule.id}")
    assert form.status_code == 200 and "the NHS provides equipment" in _page(form)

    refused = client.post(f"/commissioning/streams/{stream.id}/rules/{rule.id}",
                          data={"reason": "  "})
    assert refused.status_code == 400
    assert "Say in plain words why this cannot be bought" in _page(refused)

    page = _page(client.post(f"/commissioning/streams/{stream.id}/rules/{rule.id}",
                             data={"reason": "the NHS equipment service lends it free"},
                             follow_redirects=True))
    assert "The new reason is saved." in page
    assert "can’t be used for this because the NHS equipment service lends it free." in page

    page = _page(client.post(f"/commissioning/streams/{stream.id}/rules/{rule.id}/remove",
                             follow_redirects=True))
    assert "The rule is removed" in page
    assert [c.action for c in _changes()] == ["rule_added", "rule_changed", "rule_removed"]
    assert ("Reason for Equipment and goods from “the NHS provides equipment” to “the NHS "
            "equipment service lends it free”") in page
    assert "Rule for Equipment and goods from “the NHS equipment service lends it free” to " \
           "“(removed)”" in page


def test_a_rule_is_changed_only_through_its_own_stream(client, logged_in_commissioner, stream):
    rule = budget_services.set_spending_rule(stream, category="arts", reason="no")
    other = budget_services.create_funding_stream(name="Other", kind="health")
    db.session.commit()
    assert client.get(f"/commissioning/streams/{other.id}/rules/{rule.id}").status_code == 404
    assert client.post(f"/commissioning/streams/{other.id}/rules/{rule.id}",
                       data={"reason": "changed"}).status_code == 404
    db.session.expire_all()
    assert rule.reason == "no" and _changes() == []


# --- organisations ----------------------------------------------------------------------------


def test_a_commissioner_edits_an_organisation_and_sees_the_history(
        client, logged_in_commissioner, organisation):
    form = _page(client.get(f"/commissioning/organisations/{organisation.id}/edit"))
    assert 'value="50.00"' in form and 'value="7"' in form

    page = _page(client.post(
        f"/commissioning/organisations/{organisation.id}/edit",
        data=_organisation_data(name="Salford Living", kind="broker", auto_approve_limit="75.50",
                                auto_confirm_days="10", contact_email="Hello@SIL.example.org"),
        follow_redirects=True))
    assert "The organisation’s details are saved." in page and "<h1>Salford Living</h1>" in page
    for line in ["Name from “Salford Independent Living” to “Salford Living”",
                 "Kind from “User-led organisation” to “Independent broker”",
                 "Approves orders up to from “£50.00” to “£75.50”",
                 "Confirms delivery after from “7 days” to “10 days”",
                 "Contact email from “(none)” to “hello@sil.example.org”"]:
        assert line in page
    db.session.expire_all()
    assert (organisation.auto_approve_limit_pence, organisation.auto_confirm_days,
            organisation.contact_email) == (7_550, 10, "hello@sil.example.org")
    [change] = _changes()
    assert change.organisation_id == organisation.id and change.funding_stream_id is None


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Enter the name of the organisation"),
    ({"name": "bolton money help"}, "An organisation with this name already exists"),
    ({"kind": "bank"}, "Choose the kind of organisation"),
    ({"auto_approve_limit": "lots"}, "Enter an amount"),
    ({"auto_approve_limit": "10000.01"}, "Enter an amount from £0 to £10,000.00"),
    ({"auto_confirm_days": "0"}, "Enter a number of days from 1 to 90"),
    ({"auto_confirm_days": "a week"}, "Enter a whole number of days"),
    ({"contact_email": "not an address"}, "Enter an email address like name@example.org"),
])
def test_a_wrong_organisation_edit_is_refused_beside_its_field(
        client, logged_in_commissioner, organisation, changes, message):
    budget_services.create_managed_account_organisation(name="Bolton Money Help")
    db.session.commit()
    response = client.post(f"/commissioning/organisations/{organisation.id}/edit",
                           data=_organisation_data(**changes))
    assert response.status_code == 400 and message in _page(response)
    field = next(iter(changes))
    assert f'<p class="field-error" id="{field}-error">' in _page(response)
    db.session.expire_all()
    assert (organisation.name, organisation.auto_approve_limit_pence,
            organisation.auto_confirm_days) == ("Salford Independent Living", 5_000, 7)
    assert _changes() == []


def test_a_new_limit_leaves_orders_already_approved_or_waiting_as_they_were(
        app, client, auth):
    market = Market(auto_approve_limit_pence=3_000)
    small = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, quantity=1))
    large = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, quantity=4))
    db.session.commit()
    assert (small.state, large.state) == ("awaiting_provider", "awaiting_approval")
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent))

    auth.login(market.commissioner.email)
    for limit in ("200", "0"):  # above the waiting order, then below the approved one
        response = client.post(
            f"/commissioning/organisations/{market.organisation.id}/edit",
            data=_organisation_data(auto_approve_limit=limit))
        assert response.status_code == 302
        db.session.expire_all()
        assert db.session.get(Order, small.id).state == "awaiting_provider"
        assert db.session.get(Order, large.id).state == "awaiting_approval"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderEvent)) == \
            events_before

    # Orders placed from now on meet the new limit: 0 means every order waits for a person.
    later = orders.place_order(market.sam, market.sam.id,
                               OrderRequest(market.budget.id, market.service.id, quantity=1))
    db.session.commit()
    assert later.state == "awaiting_approval"


# --- who may edit -----------------------------------------------------------------------------


def _edit_requests(stream, rule, organisation) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/commissioning/streams/{stream.id}/edit", {}),
        ("POST", f"/commissioning/streams/{stream.id}/edit", _stream_data(stream, name="Taken")),
        ("GET", f"/commissioning/streams/{stream.id}/rules/{rule.id}", {}),
        ("POST", f"/commissioning/streams/{stream.id}/rules/{rule.id}", {"reason": "taken"}),
        ("GET", f"/commissioning/organisations/{organisation.id}/edit", {}),
        ("POST", f"/commissioning/organisations/{organisation.id}/edit",
         _organisation_data(name="Taken")),
    ]


def _saved_state():
    return (db.session.scalars(sa.select(FundingStream.name)).all(),
            db.session.scalars(sa.select(ManagedAccountOrganisation.name)).all(),
            len(_changes()))


@pytest.mark.parametrize("role", ["holder", "provider", "supporter", "account_manager", None])
def test_only_commissioners_edit(client, auth, stream, organisation, role):
    rule = budget_services.set_spending_rule(stream, category="arts", reason="no")
    db.session.commit()
    if role:
        auth.login(make_user(role).email)
    before = _saved_state()
    for method, url, data in _edit_requests(stream, rule, organisation):
        response = client.open(url, method=method, data=data)
        if role:
            assert response.status_code == 403, (method, url)
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert _saved_state() == before and rule.reason == "no"


# --- the migration ----------------------------------------------------------------------------


def test_0020_upgrades_a_database_with_streams_and_guards_its_records(migrated_database,
                                                                       tmp_path):
    with app_on_empty_database(migrated_database, tmp_path):
        upgrade()
        commissioner = make_user("commissioner")
        stream = budget_services.create_funding_stream(name="Kept", kind="health")
        db.session.commit()
        stream_id, commissioner_id = stream.id, commissioner.id
        db.session.remove()

        downgrade(revision="0018")
        with db.engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            assert "market_changes" not in tables and "commissioner_invitations" not in tables
        upgrade()

        from marketplace.commissioning import editing

        stream = db.session.get(FundingStream, stream_id)
        commissioner = db.session.get(type(commissioner), commissioner_id)
        editing.edit_funding_stream(stream, name="Kept well", kind="health", description="",
                                    actor=commissioner)
        db.session.commit()
        assert len(_changes()) == 1
        for statement in [
            "UPDATE market_changes SET action = 'deleted'",
            "UPDATE market_changes SET funding_stream_id = NULL",
            "INSERT INTO commissioner_invitations (email, display_name, token_hash, "
            "invited_by_id, created_at, expires_at) SELECT 'a@b.org', 'A', 'x', actor_id, "
            "created_at, created_at FROM market_changes",
            "INSERT INTO commissioner_invitations (email, display_name, token_hash, "
            "invited_by_id, created_at, expires_at, accepted_at) SELECT 'a@b.org', 'A', 'x', "
            "actor_id, created_at, '2999-01-01 00:00:00', created_at FROM market_changes",
        ]:
            with pytest.raises(sa.exc.IntegrityError):
                with db.engine.begin() as connection:
                    connection.execute(sa.text(statement))
        db.session.remove()
        db.engine.dispose()
