"""How a closed account's names and words are taken out of what other people were told
(accounts/mentions.py): whole names only, any case and spacing; first names only where asked and
only as written; a message quoting their words replaced whole; and nobody may register under the
name closed accounts are given."""
from __future__ import annotations

from marketplace.accounts.mentions import Mentions
from tests.factories import PASSWORD

SAM = Mentions.of(names=["Sam Patel", "Sammy P"], emails=["sam@example.org"],
                  words=["I would like to feel less alone on Sundays.\nCook again.", "Hi"],
                  pseudonym="Former member 7F3K")


def test_whole_names_are_replaced_in_any_case_and_spacing():
    assert SAM.replace_names("Order 5 was cancelled by sam  patel.") == \
        "Order 5 was cancelled by Former member 7F3K."
    assert SAM.replace_names("Samira Patelson and SAM PATEL") == \
        "Samira Patelson and Former member 7F3K"
    assert SAM.replace_names("Jo (SAM@example.org) wrote") == \
        "Jo ([email address removed]) wrote"


def test_first_names_go_only_where_asked_and_only_as_written():
    assert SAM.replace_names("Thanks Sam, see you") == "Thanks Sam, see you"
    assert SAM.replace_names("Thanks Sam, see you", given_names=True) == \
        "Thanks Former member 7F3K, see you"
    will = Mentions.of(names=["Will Smith"], emails=[], words=[], pseudonym="Former member X")
    assert will.replace_names("I will go again, Will.", given_names=True) == \
        "I will go again, Former member X."


def test_a_message_quoting_their_words_is_replaced_whole():
    quoted = "What it is for: “I would like to feel less alone on Sundays.”"
    assert SAM.scrub(quoted, "[removed]") == "[removed]"
    assert SAM.scrub("Cook again, Sam Patel said", "[removed]") == \
        "Cook again, Former member 7F3K said"  # a line of 11 characters is not looked for
    assert SAM.scrub("Hi there, Sam Patel", "[removed]") == "Hi there, Former member 7F3K"


def test_nobody_may_register_as_a_former_member(client):
    response = client.post("/register", data={
        "display_name": "Former member 7F3K", "email": "new@example.org", "role": "holder",
        "password": PASSWORD, "confirm_password": PASSWORD})
    assert response.status_code == 400
    assert "closed accounts are called “Former member”" in response.get_data(as_text=True)
