"""Signing out ends the session on the server: a cookie copied before logout, a password change
or "log out of every device" no longer signs anyone in, pages or token creation."""
from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user


def _cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app, value: str):
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def _signed_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200 and "Your account" in response.get_data(as_text=True)


def _login(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_cookie_copied_before_logout_is_refused_afterwards(app):
    user = make_user("holder")
    client = _login(app, user)
    copied = _cookie(client)
    assert _signed_in(_replay(app, copied))

    client.post("/logout")

    thief = _replay(app, copied)
    response = thief.get("/account")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    # Nor can the old cookie make an API token.
    response = thief.post("/account/tokens", data={"name": "stolen", "scopes": ["read"]})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    from marketplace.accounts.models import ApiToken
    from marketplace.extensions import db
    import sqlalchemy as sa
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_logging_out_one_browser_leaves_the_others_signed_in(app):
    user = make_user("holder")
    phone, laptop = _login(app, user), _login(app, user)
    phone.post("/logout")
    assert not _signed_in(phone)
    assert _signed_in(laptop)


def test_changing_the_password_logs_out_every_other_device(app):
    user = make_user("holder")
    here, elsewhere = _login(app, user), _login(app, user)
    copied_here = _cookie(here)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret",
        "confirm_password": "a brand new secret"})
    assert response.status_code == 302
    page = here.get("/account").get_data(as_text=True)
    assert "Your password is changed. You were logged out on 1 other device." in page
    assert not _signed_in(elsewhere)
    assert _signed_in(_replay(app, copied_here))
    assert app.test_client().post("/login", data={
        "email": user.email, "password": "a brand new secret"}).status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"current_password": "wrong one here", "new_password": "a brand new secret",
      "confirm_password": "a brand new secret"}, "Your current password is not right"),
    ({"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
     "Use from 10 to 200 characters"),
    ({"current_password": PASSWORD, "new_password": "a brand new secret",
      "confirm_password": "something else"}, "The two passwords do not match"),
])
def test_a_bad_password_change_says_what_to_fix_and_changes_nothing(app, data, message):
    user = make_user("holder")
    here, elsewhere = _login(app, user), _login(app, user)
    response = here.post("/account/password", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: Your account" in page and message in page
    assert _signed_in(elsewhere)
    assert app.test_client().post("/login", data={
        "email": user.email, "password": PASSWORD}).status_code == 302


def test_log_out_of_every_device_ends_them_all(app):
    user = make_user("provider")
    here, elsewhere = _login(app, user), _login(app, user)
    copied = _cookie(here)
    response = here.post("/account/sessions/end-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(here)
    assert not _signed_in(elsewhere)
    assert not _signed_in(_replay(app, copied))


def test_the_account_page_lists_devices_and_can_end_one(app):
    user = make_user("supporter")
    here, elsewhere = _login(app, user), _login(app, user)
    page = here.get("/account").get_data(as_text=True)
    assert "This device" in page and "Another device" in page
    from marketplace.accounts.models import UserSession
    from marketplace.extensions import db
    import sqlalchemy as sa
    ids = db.session.scalars(sa.select(UserSession.id).where(UserSession.user_id == user.id)
                             .order_by(UserSession.id)).all()
    response = here.post(f"/account/sessions/{ids[1]}/end")
    assert response.status_code == 302
    assert not _signed_in(elsewhere)
    assert _signed_in(here)


def test_nobody_can_end_someone_elses_session(app):
    owner, other = make_user("holder"), make_user("holder")
    _login(app, owner)
    from marketplace.accounts.models import UserSession
    from marketplace.extensions import db
    import sqlalchemy as sa
    owner_session = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == owner.id))
    response = _login(app, other).post(f"/account/sessions/{owner_session}/end")
    assert response.status_code == 404
    assert db.session.get(UserSession, owner_session).ended_at is None


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
