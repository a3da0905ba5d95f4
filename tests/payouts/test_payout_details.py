"""A provider says where to pay it: bank details checked for format, with the reason beside
the field; or a Stripe connected account id where the deployment pays through Connect."""
import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.notifications.models import EmailMessage
from marketplace.payouts.models import ProviderPayoutDetails
from tests.factories import make_provider, make_user
from tests.payouts.conftest import login


@pytest.fixture
def provider(app):
    return make_provider(make_user("provider", name="Bea Bright"), name="Bright Days")


def details():
    return db.session.scalars(sa.select(ProviderPayoutDetails)).one_or_none()


GOOD = {"account_name": "Bright Days CIC", "sort_code": "30-94-57", "account_number": "00733445"}


@pytest.mark.parametrize("typed", ["30-94-57", "30 94 57", "309457", " 309457 "])
def test_a_sort_code_is_accepted_in_the_usual_ways_and_stored_as_six_digits(app, provider, typed):
    client = login(app, provider.owner)
    response = client.post("/provider/payout-details", data={**GOOD, "sort_code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith("/provider/payments")
    assert (details().sort_code, details().account_number, details().account_name) == (
        "309457", "00733445", "Bright Days CIC")


@pytest.mark.parametrize("field, typed, message", [
    ("sort_code", "30-94-5", "Enter a sort code of 6 digits, like 30-94-57"),
    ("sort_code", "30/94/57", "Enter a sort code of 6 digits, like 30-94-57"),
    ("account_number", "0073344", "Enter an account number of exactly 8 digits (you entered 7)"),
    ("account_number", "007334455", "Enter an account number of exactly 8 digits (you entered 9)"),
    ("account_number", "0073344A", "Enter an account number using digits only"),
    ("account_name", "", "Enter the name on the bank account"),
    ("account_name", "Bright Days Community Interest Co", "Enter the name on the account in 18 characters or fewer"),
    ("account_name", "Bright <Days>", "The account name can only use letters, numbers, spaces and . &amp; / &#39; -"),
])
def test_wrong_bank_details_are_refused_with_the_reason_beside_the_field(app, provider, field, typed, message):
    client = login(app, provider.owner)
    response = client.post("/provider/payout-details", data={**GOOD, field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert f'<p class="field-error" id="{field}-error"><span class="visually-hidden">Error:</span> {message}' in page
    assert f'href="#{field}"' in page
    assert details() is None


def test_the_page_shows_the_saved_details_and_a_change_is_emailed(app, provider):
    client = login(app, provider.owner)
    client.post("/provider/payout-details", data=GOOD)
    page = client.get("/provider/payout-details").get_data(as_text=True)
    assert 'value="30-94-57"' in page and "account ending <strong>****3445</strong>" in page
    client.post("/provider/payout-details", data={**GOOD, "account_number": "11112222"})
    assert details().account_number == "11112222"
    emails = db.session.scalars(sa.select(EmailMessage).where(
        EmailMessage.to_address == provider.owner.email,
        EmailMessage.subject == "Your payout details were changed")).all()
    assert len(emails) == 2


def test_the_full_account_number_never_goes_back_to_the_browser_and_empty_keeps_it(app, provider):
    client = login(app, provider.owner)
    client.post("/provider/payout-details", data=GOOD)
    page = client.get("/provider/payout-details").get_data(as_text=True)
    assert "00733445" not in page
    assert "Leave it empty to keep the account ending 3445" in page
    kept = client.post("/provider/payout-details", data={**GOOD, "account_name": "Bright Days Ltd",
                                                           "account_number": ""})
    assert kept.status_code == 302
    assert (details().account_name, details().account_number) == ("Bright Days Ltd", "00733445")
    wrong = client.post("/provider/payout-details", data={**GOOD, "account_number": "123"})
    assert wrong.status_code == 400 and "00733445" not in wrong.get_data(as_text=True)
    assert details().account_number == "00733445"


def test_a_connect_deployment_asks_for_a_connected_account_id(app, provider):
    app.config["PAYOUT_BACKEND"] = "stripe_connect"
    client = login(app, provider.owner)
    page = client.get("/provider/payout-details").get_data(as_text=True)
    assert "Stripe connected account id" in page and "Sort code" not in page
    response = client.post("/provider/payout-details", data={"stripe_account_id": "acct-123"})
    assert response.status_code == 400
    assert "it starts acct_ followed by letters and numbers" in response.get_data(as_text=True)
    response = client.post("/provider/payout-details", data={"stripe_account_id": "acct_1PgafTB7WZ01zgkW"})
    assert response.status_code == 302
    assert details().stripe_account_id == "acct_1PgafTB7WZ01zgkW"


def test_only_providers_reach_the_payout_details_page(app, provider):
    assert app.test_client().get("/provider/payout-details").status_code == 302  # to log in
    for role in ("holder", "supporter", "commissioner", "account_manager"):
        client = login(app, make_user(role))
        assert client.get("/provider/payout-details").status_code == 403
        assert client.post("/provider/payout-details", data=GOOD).status_code == 403
    assert details() is None


def test_a_provider_without_a_profile_is_asked_for_one_first(app):
    client = login(app, make_user("provider"))
    response = client.get("/provider/payout-details")
    assert response.status_code == 302 and response.headers["Location"].endswith("/provider/profile")
