"""The card form as a person reads it: which fields are needed, and where a problem is said."""
import re

from tests.payments.conftest import DECLINED_CARD, pay


def _title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_no_card_field_is_called_optional_because_all_four_are_needed(client, auth, market):
    auth.login(market.holder.email)
    page = client.get(f"/orders/{market.order.id}/pay").get_data(as_text=True)
    form = page[page.index('<form method="post"'):]
    for label in ("Card number", "Expiry month", "Expiry year", "Security code (CVC)"):
        assert label in form
    assert "(optional)" not in form
    assert _title(page) == "Pay for your order – Pathways"


def test_an_empty_card_form_says_what_each_field_needs_and_the_title_starts_with_error(
        client, auth, market):
    auth.login(market.holder.email)
    response = client.post(f"/orders/{market.order.id}/pay", data={})
    page = response.get_data(as_text=True)
    assert _title(page).startswith("Error: ")
    for message in ("Enter the card number", "Enter the expiry month, for example 12",
                    "Enter the expiry year, for example 2030",
                    "Enter the 3-digit security code from the back of the card"):
        assert message in page


def test_a_declined_card_is_reported_first_in_the_page_and_in_its_title(client, auth, market):
    auth.login(market.holder.email)
    page = pay(client, market.order.id, DECLINED_CARD).get_data(as_text=True)
    assert _title(page).startswith("Error: ")
    summary = page.index('class="error-summary"')
    assert summary < page.index("<h1>") < page.index('class="details payment-summary"')
