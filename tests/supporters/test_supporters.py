"""Supporters: invite by email, accept with a one-time link, act within scopes, revoke."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import sqlalchemy as sa

from marketplace.accounts import supporters
from marketplace.accounts.models import SupporterGrant
from marketplace.budgets.models import SupportPlan
from marketplace.extensions import db
from marketplace.times import london_today
from marketplace.notifications.models import EmailMessage
from tests.budgets.helpers import allocate, grant, login
from tests.factories import make_user


def invite(client, email="asha@example.org", scopes=("view",), relationship="my sister"):
    return client.post(
        "/supporters", data={"email": email, "relationship": relationship, "scopes": list(scopes)}
    )


def emailed_link(address: str) -> str:
    body = db.session.scalars(
        sa.select(EmailMessage.body)
        .where(EmailMessage.to_address == address)
        .order_by(EmailMessage.id.desc())
    ).first()
    return re.search(r"http://[^/\s]+(/supporters/accept/\S+)", body).group(1)


def test_invite_accept_and_see_the_budget_within_view_scope(client, holder):
    budget = allocate(holder)[0]
    login(client, holder)
    response = invite(client, email="Asha@Example.org")
    assert response.status_code == 302
    page = client.get("/supporters").get_data(as_text=True)
    assert "asha@example.org" in page and "Invited" in page and "my sister" in page

    link = emailed_link("asha@example.org")
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(sa.select(SupporterGrant))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(stored.__dict__)
    client.post("/logout")

    # Not logged in: told to log in (or register) first, and brought back after logging in.
    page = client.get(link).get_data(as_text=True)
    assert "Sam Patel has asked you to help them" in page
    assert "Log in to your supporter account" in page
    asha = make_user("supporter", email="asha@example.org", name="Asha Patel")
    response = client.post(
        f"/login?next={link}", data={"email": asha.email, "password": "correct horse battery"}
    )
    assert response.headers["Location"] == link
    page = client.get(link).get_data(as_text=True)
    assert "Accept and become Sam Patel's supporter" in page
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == "/people"

    people = client.get("/people").get_data(as_text=True)
    assert "Sam Patel" in people
    assert "See Sam Patel&#39;s budget, statement, plan and orders" in people
    assert "See my budget" not in people and "Change Sam Patel&#39;s support plan" not in people
    budget_page = client.get(f"/people/{holder.id}/budget")
    assert budget_page.status_code == 200
    assert "Sam Patel's budget" in budget_page.get_data(as_text=True)
    assert client.get(f"/people/{holder.id}/budget/{budget.id}/statement").status_code == 200
    # reading the plan is allowed, changing it is not
    plan_page = client.get(f"/people/{holder.id}/plan").get_data(as_text=True)
    assert "You can read the plan but not change it" in plan_page
    assert "Save the plan" not in plan_page
    assert client.post(f"/people/{holder.id}/plan", data={"about_me": "Hacked"}).status_code == 404
    assert (
        client.post(f"/people/{holder.id}/plan/outcomes", data={"new-text": "x"}).status_code == 404
    )
    assert db.session.scalar(sa.select(SupportPlan)) is None
    # the holder is told who accepted
    client.post("/logout")
    login(client, holder)
    page = client.get("/supporters").get_data(as_text=True)
    assert "Asha Patel" in page and "Active" in page


def test_a_supporter_with_plan_scope_can_change_the_plan(client, holder):
    broker = make_user("supporter", name="Jo Broker")
    grant(holder, broker, ["plan"], relationship="broker")
    login(client, broker)
    page = client.get(f"/people/{holder.id}/plan").get_data(as_text=True)
    assert "Save the plan" in page
    response = client.post(
        f"/people/{holder.id}/plan",
        data={"about_me": "Music and my dog",
              "review_on": (london_today() + timedelta(days=90)).isoformat()},
    )
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(SupportPlan))
    assert plan.about_me == "Music and my dog" and plan.updated_by_id == broker.id


def test_revoking_ends_access_at_once(client, holder):
    budget = allocate(holder)[0]
    asha = make_user("supporter", name="Asha Patel")
    given = grant(holder, asha, ["view", "plan"])
    login(client, asha)
    assert client.get(f"/people/{holder.id}/budget").status_code == 200
    # The holder revokes elsewhere while Asha stays logged in. (Through the service: two test
    # clients would share flask.g, and with it Flask-Login's cached user, in one app context.)
    supporters.revoke_grant(holder, given.id)
    db.session.commit()
    for path in (
        f"/people/{holder.id}/budget",
        f"/people/{holder.id}/plan",
        f"/people/{holder.id}/budget/{budget.id}/statement",
        f"/people/{holder.id}/budget/{budget.id}/statement.csv",
    ):
        assert client.get(path).status_code == 404, path
    assert "Nobody has chosen you" in client.get("/people").get_data(as_text=True)
    # the link cannot be used again to get back in
    assert client.post(f"/people/{holder.id}/plan", data={"about_me": "x"}).status_code == 404


def test_the_holder_revokes_from_their_supporters_page(client, holder):
    asha = make_user("supporter", name="Asha Patel")
    given = grant(holder, asha, ["view"])
    login(client, holder)
    page = client.get("/supporters").get_data(as_text=True)
    assert "Stop access" in page and "Active" in page
    response = client.post(f"/supporters/{given.id}/revoke")
    assert response.status_code == 302
    page = client.get("/supporters").get_data(as_text=True)
    assert "Stopped" in page and "Stop access" not in page
    client.post("/logout")
    login(client, asha)
    assert client.get(f"/people/{holder.id}/budget").status_code == 404


def test_only_the_holder_can_revoke_their_grant(client, holder):
    asha = make_user("supporter")
    given = grant(holder, asha, ["view"])
    other = make_user("holder")
    login(client, other)
    assert client.post(f"/supporters/{given.id}/revoke").status_code == 404
    client.post("/logout")
    login(client, asha)
    client.post(f"/supporters/{given.id}/revoke")
    db.session.expire_all()
    assert db.session.get(SupporterGrant, given.id).revoked_at is None


def test_supporters_without_a_grant_and_other_roles_see_nothing(client, holder):
    budget = allocate(holder)[0]
    stranger = make_user("supporter")
    login(client, stranger)
    assert client.get(f"/people/{holder.id}/budget").status_code == 404
    assert client.get(f"/people/{holder.id}/plan").status_code == 404
    assert client.get(f"/budget/{budget.id}/statement").status_code == 404
    assert client.get("/budget").headers["Location"] == "/people"
    assert client.get("/supporters").headers["Location"] == "/people"
    client.post("/logout")
    for role in ("provider", "commissioner"):
        login(client, make_user(role))
        assert client.get("/supporters").status_code == 403
        assert client.get("/people").status_code == 403
        client.post("/logout")


def test_invitation_mistakes_are_explained(client, holder):
    login(client, holder)
    response = invite(client, email="not an email")
    assert response.status_code == 400
    assert "Enter an email address like name@example.org" in response.get_data(as_text=True)
    response = invite(client, scopes=())
    assert "Choose at least one thing they may do" in response.get_data(as_text=True)
    response = invite(client, email=holder.email)
    assert "not your own" in response.get_data(as_text=True)
    assert invite(client).status_code == 302
    response = invite(client)
    assert "You have already invited this email address" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupporterGrant)) == 1


def test_buy_or_plan_always_include_view(client, holder):
    login(client, holder)
    invite(client, scopes=("buy",))
    assert db.session.scalar(sa.select(SupporterGrant)).scopes == ["view", "buy"]


def test_unknown_used_expired_and_cancelled_links_say_what_happened(client, holder):
    asha = make_user("supporter")
    login(client, holder)
    invite(client, email="first@example.org")
    invite(client, email="second@example.org")
    invite(client, email="third@example.org")
    used, expired, cancelled = (
        emailed_link(f"{n}@example.org") for n in ("first", "second", "third")
    )
    grants = {g.invite_email: g for g in db.session.scalars(sa.select(SupporterGrant))}
    grants["second@example.org"].created_at -= timedelta(days=15)
    db.session.commit()
    client.post(f"/supporters/{grants['third@example.org'].id}/revoke")
    client.post("/logout")

    login(client, asha)
    assert client.post(used).status_code == 302
    response = client.get(used)
    assert response.status_code == 410
    assert "already been accepted" in response.get_data(as_text=True)
    assert client.post(used).status_code == 410
    response = client.get(expired)
    assert response.status_code == 410
    assert "This invitation has expired" in response.get_data(as_text=True)
    assert client.post(expired).status_code == 410
    response = client.get(cancelled)
    assert response.status_code == 410
    assert "Sam Patel has cancelled this invitation" in response.get_data(as_text=True)
    response = client.get("/supporters/accept/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link is not right" in response.get_data(as_text=True)
    assert "Invitation expired" in _holder_page(client, holder)


def _holder_page(client, holder) -> str:
    client.post("/logout")
    login(client, holder)
    return client.get("/supporters").get_data(as_text=True)


def test_only_a_supporter_account_can_accept(client, holder):
    login(client, holder)
    invite(client, email="friend@example.org")
    link = emailed_link("friend@example.org")
    client.post("/logout")
    provider = make_user("provider")
    login(client, provider)
    assert "This account cannot accept" in client.get(link).get_data(as_text=True)
    response = client.post(link)
    assert response.status_code == 410
    assert "Only a supporter account can accept" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(SupporterGrant)).accepted_at is None


def test_a_new_invitation_from_the_same_holder_replaces_the_old_grant(client, holder):
    asha = make_user("supporter", email="asha@example.org")
    first = grant(holder, asha, ["view"])
    login(client, holder)
    client.post(f"/supporters/{first.id}/revoke")  # must stop before re-inviting the same address
    invite(client, email="asha@example.org", scopes=("plan",))
    link = emailed_link("asha@example.org")
    client.post("/logout")
    login(client, asha)
    client.post(link)
    live = db.session.scalars(
        sa.select(SupporterGrant).where(SupporterGrant.revoked_at.is_(None))
    ).all()
    assert [g.scopes for g in live] == [["view", "plan"]]
