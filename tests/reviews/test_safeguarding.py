"""Words about self-harm, suicide, abuse and neglect always send a review to a person."""
from __future__ import annotations

import pytest
import textstat

from marketplace.reviews.detectors import SAFEGUARDING_HELP, check
from tests.reviews.helpers import found, found_of_kind


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Last winter I wanted to kill myself", "kill myself"),
        ("I felt suicidal before I found the group", "suicidal"),
        ("I used to self-harm", "self-harm"),
        ("I still self harm sometimes", "self harm"),
        ("I was cutting myself again", "cutting myself"),
        ("I took an overdose in March", "overdose"),
        ("The carer hit me", "hit me"),
        ("she shouted and hurt me", "hurt me"),
        ("they took my money every week", "took my money"),
        ("I was abused as a child", "abused"),
        ("I am not safe at home", "not safe"),
        ("I keep hurting myself", "hurting myself"),
        ("I wanted to end it all", "end it all"),
        ("I don’t want to live any more", "don’t want to live"),
        ("Some days I wish I was dead", "wish I was dead"),
        ("he said he would kill me", "kill me"),
        ("they locked me in my room", "locked me in"),
        ("staff didn't give me my medication", "didn't give me my medication"),
        ("I felt neglected there", "neglected"),
        ("She Shouted At Me in front of everyone", "Shouted At Me"),
        ("I was raped", "raped"),
        ("'Suicidal', the doctor wrote", "Suicidal"),
    ],
)
def test_safeguarding_words_are_found(text, words):
    assert found_of_kind("safeguarding", text) == [words]
    assert check(text).safeguarding


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # Institutional abuse is a safeguarding matter in care, so "abuse" in any sense counts.
        ("it was an abuse of power", "abuse"),
        ("they helped with my alcohol abuse", "abuse"),
        # A false alarm costs a moderator a minute; a missed cry for help costs far more.
        ("this commute will kill me", "kill me"),
        ("it hurt me to leave the group", "hurt me"),
        ("it's not safe to park there", "not safe"),
    ],
)
def test_safeguarding_errs_on_the_side_of_a_person_reading(text, words):
    assert found_of_kind("safeguarding", text) == [words]


@pytest.mark.parametrize(
    "text",
    [
        "The session killed the boredom",
        "We were just killing time",
        "a safe place to talk",
        "she made me feel safe",
        "cutting costs meant fewer sessions",
        "I hit my target this month",
        "my therapist was brilliant",
        "a hit with the whole group",
        "grapes, drapes and capes in the art class",
    ],
)
def test_words_that_only_sound_alike_are_not_safeguarding(text):
    assert found_of_kind("safeguarding", text) == []
    assert not check(text).safeguarding


def test_the_help_shown_to_an_author_gives_the_three_numbers():
    assert "Samaritans on 116 123" in SAFEGUARDING_HELP
    assert "free" in SAFEGUARDING_HELP
    assert "NHS 111 and choose option 2" in SAFEGUARDING_HELP
    assert "call 999" in SAFEGUARDING_HELP


def test_the_help_is_plain_english_and_not_itself_flagged():
    assert textstat.flesch_reading_ease(SAFEGUARDING_HELP) >= 70
    # An author who quotes it back, numbers and all, is not held for it.
    assert found(SAFEGUARDING_HELP) == []
