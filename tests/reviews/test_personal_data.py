"""Home addresses, NHS numbers and, in a critical review, staff names are held."""
from __future__ import annotations

import pytest

from marketplace.reviews.personal_data import nhs_checksum_ok
from tests.reviews.helpers import found, found_of_kind

ADDRESS = "postcode_with_house_number"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("come round, 12 Acacia Road M14 5RT", "12 Acacia Road M14 5RT"),
        ("I'm at Flat 3, 22 High St, SK4 1AA now", "Flat 3, 22 High St, SK4 1AA"),
        ("12 acacia road, fallowfield, manchester m14 5rt", "12 acacia road, fallowfield, manchester m14 5rt"),
        ("post it to 12a Mill Lane, EC1A 1BB.", "12a Mill Lane, EC1A 1BB"),
        ("22 High St. SK4 1AA", "22 High St. SK4 1AA"),
        ("Flat 3 SK4 1AA", "Flat 3 SK4 1AA"),
        ("I live at 22, SK4 1AA", "22, SK4 1AA"),
        ("my house is 7 Rose Gardens, Leeds LS6 2AB", "7 Rose Gardens, Leeds LS6 2AB"),
    ],
)
def test_a_house_number_and_postcode_are_held_as_one_address(text, address):
    assert found(text) == [(ADDRESS, address)]


@pytest.mark.parametrize(
    "text",
    [
        "M14 is my area",
        "I live in SK4",
        # A postcode alone is often the venue's: docs/moderation.md says why it is not held.
        "the hub near M14 5RT is lovely",
        "I paid £20 at the centre, M14 5RT",
        "sessions at 5pm and 9am on 12 Acacia Road",
        "we met 3 times in the park",
    ],
)
def test_an_area_or_a_postcode_alone_is_not_an_address(text):
    assert found_of_kind(ADDRESS, text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my NHS number is 943 476 5919", "943 476 5919"),
        ("NHS no. 9434765919.", "9434765919"),
        ("it's 943-476-5919 on the letter", "943-476-5919"),
        ("number 401 023 2137", "401 023 2137"),
    ],
)
def test_nhs_numbers_with_a_valid_check_digit_are_held(text, number):
    assert found(text) == [("nhs_number", number)]


@pytest.mark.parametrize(
    "text",
    [
        "my NHS number is 943 476 5918",  # the check digit is wrong
        "order 1234567890 arrived",  # its check digit would be 10, which is never issued
        "943 4765919",  # grouped neither as the NHS writes it nor as one run
        "card 19434765919",  # eleven digits
    ],
)
def test_ten_digits_that_fail_the_check_are_not_nhs_numbers(text):
    assert found_of_kind("nhs_number", text) == []


def test_check_digit_of_the_nhs_example_number():
    assert nhs_checksum_ok("9434765919")
    assert not any(nhs_checksum_ok(f"943476591{digit}") for digit in "012345678")


def test_a_phone_number_is_not_also_an_nhs_number():
    # A ten-digit Cumbrian landline that passes the NHS check too: it is one finding.
    assert nhs_checksum_ok("0169773000")
    assert found("ring 0169773000 today") == [("phone", "0169773000")]


STAFF = ["Sarah", "Jones", "Anne-Marie O'Neill"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("sarah was rude to me", ["sarah"]),
        ("Sarah's manner was cold and JONES ignored me", ["Sarah", "JONES"]),
        ("anne marie o’neill never came", ["anne marie o’neill"]),
        ("Mrs Jones-Smith shouted", ["Jones"]),
    ],
)
def test_staff_names_in_a_critical_review_are_held(text, names):
    assert found_of_kind("staff_name", text, critical=True, staff_names=STAFF) == names


@pytest.mark.parametrize("text", ["Sarahs and Sarahjane", "Jonesy was fine", "Anne came"])
def test_staff_names_match_only_whole_words(text):
    assert found_of_kind("staff_name", text, critical=True, staff_names=STAFF) == []


def test_a_name_given_with_a_space_matches_it_hyphenated():
    assert found_of_kind("staff_name", "Anne-Marie was late", critical=True,
                         staff_names=["Anne Marie"]) == ["Anne-Marie"]


def test_staff_names_in_a_kind_review_are_welcome():
    assert found("Sarah was wonderful", critical=False, staff_names=STAFF) == []


def test_blank_staff_names_match_nothing():
    assert found("a fine day", critical=True, staff_names=["", "  "]) == []
