"""What the "Close your account" page tells each person, in plain English (a Flesch reading
ease of 60 or more, docs/reading-ease.md): what is deleted, what the council keeps and why, and
what is left in their budget."""
from __future__ import annotations

import pytest
import textstat

from tests.factories import make_funded_budget, make_provider, make_user
from tests.orders.pages import browser
from tests.pages.test_reading_ease import main_text


@pytest.fixture
def app(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return app


def _main_words(response) -> str:
    return " ".join(main_text(response.get_data(as_text=True)).split())


@pytest.mark.parametrize("role", ["holder", "supporter", "provider"])
def test_the_page_says_what_goes_and_what_stays_plainly(app, role):
    person = make_user(role)
    if role == "provider":
        make_provider(person, provider_type="personal-assistant")
    words = _main_words(browser(app, person).get("/account/close"))
    assert "What we delete" in words and "What the council must keep, and why" in words
    assert "Personal budgets are public money." in words
    assert textstat.flesch_reading_ease(words) >= 60, words


def test_a_holder_is_told_about_reviews_and_the_money_left(app):
    holder = make_user("holder")
    make_funded_budget(holder, amount_pence=12_345)
    words = _main_words(browser(app, holder).get("/account/close"))
    assert 'Your published reviews stay, shown as by "a former member"' in words
    assert "Your budgets still have £123.45 left. That money is the council's." in words


def test_a_sole_trader_is_told_their_business_details_go(app):
    owner = make_user("provider")
    make_provider(owner, provider_type="personal-assistant")
    words = _main_words(browser(app, owner).get("/account/close"))
    assert "You work on your own, so we also delete your business name" in words
    assert "The payments we made to you, and the bank account they went to." in words
