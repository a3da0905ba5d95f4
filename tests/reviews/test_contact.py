"""Phone numbers and email addresses are held before a review is published."""
from __future__ import annotations

import pytest

from marketplace.reviews.detectors import check
from tests.reviews.helpers import found, found_of_kind


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Text me on 07700 900123 if you want to know more", "07700 900123"),
        ("my mobile is 07700900123.", "07700900123"),
        ("ring +44 7700 900123 any time", "+44 7700 900123"),
        ("or +44 (0)7700 900123 after six", "+44 (0)7700 900123"),
        ("her number is 07123-456-789", "07123-456-789"),
        ("0044 7123 456789 is mine", "0044 7123 456789"),
        ("The office is 0161 496 0000", "0161 496 0000"),
        ("call (0161) 496 0000 and ask for me", "(0161) 496 0000"),
        ("on 01614960000", "01614960000"),
        ("ring +44 (0)161 496 0000", "+44 (0)161 496 0000"),
        ("London: 020 7946 0000", "020 7946 0000"),
    ],
)
def test_uk_phone_numbers_are_found_with_their_exact_span(text, number):
    assert found(text) == [("phone", number)]
    start = text.index(number)
    (finding,) = check(text)
    assert (finding.start, finding.end) == (start, start + len(number))
    assert finding.reason == f"A phone number: {number}"


def test_two_numbers_in_one_review_are_two_findings():
    assert found_of_kind("phone", "Mine is 07700 900456, his is 020 7946 0123.") == [
        "07700 900456",
        "020 7946 0123",
    ]



def test_numbers_apart_only_by_a_space_are_each_found():
    text = "mobiles 07123 456789 07700 900123 landlines 0161 496 0000 +44 20 7946 0000"
    assert found_of_kind("phone", text) == [
        "07123 456789", "07700 900123", "0161 496 0000", "+44 20 7946 0000",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I saw her 2 times a week",
        "It was the 999th time I had asked",
        "£120 for 6 sessions",
        "We started on 12/05/2026 and finished 03/04/2027",
        "12.05.2026",
        "If it gets bad, call 999",
        "I rang 111 and they were kind",
        "Samaritans are on 116 123",
        "Childline is 0800 1111",
        "Mind's infoline, 0300 123 3393, was a help",
        "CALM on 0800 58 58 58",
        "the domestic abuse helpline 0808 2000 247",
        "I paid 1500 in 2024 and 2025",
        "from 9.30 to 11.45 on Tuesdays",
        "room 101, floor 2",
        "my NHS number is 943 476 5919",
    ],
)
def test_counts_prices_dates_and_emergency_numbers_are_not_phones(text):
    assert found_of_kind("phone", text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("email me at jane.doe@example.com please", "jane.doe@example.com"),
        ("JANE_DOE+pathways@Example.co.uk.", "JANE_DOE+pathways@Example.co.uk"),
        ("(sam.o'brien@mail.example.org)", "sam.o'brien@mail.example.org"),
        ("my email:jo@example.net", "jo@example.net"),
        ("write to jane [at] example [dot] com", "jane [at] example [dot] com"),
        ("jane(at)example.com", "jane(at)example.com"),
        ("jane at example dot co dot uk", "jane at example dot co dot uk"),
    ],
)
def test_email_addresses_are_found_even_spelled_out(text, address):
    assert found(text) == [("email", address)]


@pytest.mark.parametrize(
    "text",
    [
        "meet me at the hub at 5",
        "I looked at example.com for the times",
        "we met @ the library",
        "x@y",
        "jane@@example.com",
        "ask at reception. com",
    ],
)
def test_ordinary_text_with_at_and_dots_is_not_an_email(text):
    assert found_of_kind("email", text) == []
