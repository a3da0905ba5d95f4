"""Offensive words hold a review; innocent words that contain or resemble them do not."""
from __future__ import annotations

import pytest
from better_profanity import profanity

from tests.reviews.helpers import found, found_of_kind


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("the manager is a wanker", ["wanker"]),
        ("you fucking idiot", ["fucking"]),
        ("this is shit!", ["shit"]),
        ("for shit's sake", ["shit"]),
        ('he called me a "twat"', ["twat"]),
        ("what a load of bull shit", ["bull shit"]),
        ("she is a sh1t and a $hit", ["sh1t", "$hit"]),
        ("Total BULLSHIT, and a tosser too", ["BULLSHIT", "tosser"]),
        ("a nonce and a slag", ["nonce", "slag"]),
        ("I was pissed off", ["pissed"]),  # held: a moderator may publish it as it is
    ],
)
def test_offensive_words_are_held_with_their_exact_span(text, words):
    assert found(text) == [("abuse", word) for word in words]


@pytest.mark.parametrize(
    "text",
    [
        "The group in Scunthorpe was great",
        "a cocktail-making class",
        "my personal assistant helped me shop",
        "As a gay man I felt welcome",
        "I went through hell last year",
        "she helped me cut down on vodka",
        "the flat was spick and span",
        "one small niggle: the bus times",
        "Len and Paddy run it",
        "my therapist listened",
        "an Al-Anon meeting",
        "The class was classic fun",
        "I felt stupid at first and fat, but nobody judged",
    ],
)
def test_everyday_words_are_not_abuse(text):
    assert found_of_kind("abuse", text) == []


@pytest.mark.parametrize("text", ["a wanker", "you fucking idiot", "bull shit", "Scunthorpe"])
def test_the_word_scan_agrees_with_the_library_on_plain_examples(text):
    assert bool(found_of_kind("abuse", text)) == profanity.contains_profanity(text)
