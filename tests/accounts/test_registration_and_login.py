from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import PASSWORD, make_user


def test_a_budget_holder_registers_and_is_logged_in(client):
    response = client.post(
        "/register",
        data={
            "display_name": "Sam Patel",
            "email": "Sam@Example.org",
            "role": "holder",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "sam@example.org"))
    assert user.role == "holder"
    assert user.password_hash != PASSWORD and user.check_password(PASSWORD)
    home = client.get("/")
    assert b"Log out" in home.data


def test_registration_problems_are_shown_beside_each_field(client):
    response = client.post(
        "/register",
        data={"display_name": "", "email": "not-an-email", "role": "holder",
              "password": "short", "confirm_password": "different"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#email"' in page and "Enter an email address like name@example.com" in page
    assert "Use at least 10 characters" in page
    assert "Enter your name" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_nobody_can_register_as_a_commissioner(client):
    response = client.post(
        "/register",
        data={"display_name": "Eve", "email": "eve@example.org", "role": "commissioner",
              "password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_an_email_can_only_be_registered_once(client):
    make_user("holder", email="taken@example.org")
    response = client.post(
        "/register",
        data={"display_name": "Other", "email": "TAKEN@example.org", "role": "holder",
              "password": PASSWORD, "confirm_password": PASSWORD},
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_plain_message(client, auth):
    make_user("holder", email="ana@example.org")
    response = auth.login("ana@example.org", "wrong password here")
    assert response.status_code == 400
    assert "email address or password is not right" in response.get_data(as_text=True)
    assert auth.login("ANA@example.org").status_code == 302


def test_logins_are_rate_limited(client, auth):
    make_user("holder", email="target@example.org")
    statuses = [auth.login("target@example.org", "guess number x").status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    # Even the right password is refused until the window passes.
    assert auth.login("target@example.org").status_code == 429


def test_login_does_not_redirect_to_another_site(client, auth):
    make_user("holder", email="ana@example.org")
    response = client.post(
        "/login?next=https://evil.example/steal",
        data={"email": "ana@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_create_commissioner_command(runner):
    result = runner.invoke(
        args=["create-commissioner", "--email", "lead@council.gov.uk", "--name", "Jo Lead",
              "--password", PASSWORD],
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "lead@council.gov.uk"))
    assert user.role == "commissioner"


def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_forms_require_a_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(
        "/login", data={"email": "a@example.org", "password": "whatever123"}
    )
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_a_name_pasted_past_the_limit_is_kept_and_the_limit_is_said_not_silently_cut(client):
    """No field carries maxlength (a browser would cut pasted text without a word): the server
    says what the limit is, beside the field, with what was typed still there."""
    for path in ("/register", "/login"):
        assert "maxlength" not in client.get(path).get_data(as_text=True)
    long_name = "Samantha " * 14  # 126 characters
    response = client.post("/register", data={
        "display_name": long_name, "email": "sam@example.org", "role": "holder",
        "password": PASSWORD, "confirm_password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Use 120 characters or fewer" in page
    assert long_name.strip() in page
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
