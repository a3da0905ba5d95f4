"""Words of a query that name a filter value: "PA evenings Urdu" searches for "PA" among
services in Urdu, in the evenings.

Read as filters: a language's name ("Urdu", "British Sign Language", "BSL"), "evening(s)",
"weekend(s)", "online", "free", a Greater Manchester council area or one of its postcode
districts ("Salford", "M14"), and a type of support's plain name ("advocacy", "peer
support"). The longest name starting at a word wins. A word is left as text when its filter
is already set (by the form, or by an earlier word), when it is in double quotes (the
page's "search for it as a word" link quotes it), and when the search asks for the words
exactly (SearchParams.exact), and in a few phrases that mean something else ("Greater
Manchester" is the whole region; "learning disability" is not the "Learning and courses"
type of support).
Each applied word carries the query without it (its "remove" link) and the query with it
quoted. Nothing here looks at the index: a word means the same whatever is listed.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from typing import NamedTuple

from marketplace import areas, vocabulary
from marketplace.search.synonyms import words_of
from marketplace.search.types import AppliedWord, SearchParams

#: A quoted run (its closing quote optional) or a run of anything but spaces.
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')
_FLAGS = ("evenings", "weekends", "free")
_ORDINARY_PHRASES = (
    "greater manchester",  # the whole region, not the city
    "learning disability", "learning disabilities", "learning difficulty",
    "learning difficulties", "free time",
)


class _Name(NamedTuple):
    parameter: str
    value: str
    phrase: str


@functools.cache
def _names() -> dict[tuple[str, ...], _Name | None]:
    # Phrases that start with a filter word but mean something else: kept as text.
    names: dict[tuple[str, ...], _Name | None] = {
        tuple(phrase.split()): None for phrase in _ORDINARY_PHRASES
    }

    def add(text: str, parameter: str, value: str, phrase: str) -> None:
        names.setdefault(tuple(words_of(text)), _Name(parameter, value, phrase))

    for value, label in vocabulary.LANGUAGES:
        add(label, "language", value, f"in {label}")
    add("bsl", "language", "bsl", "in British Sign Language")
    add("sign language", "language", "bsl", "in British Sign Language")
    for word in ("evening", "evenings"):
        add(word, "evenings", "true", "in the evenings")
    for word in ("weekend", "weekends"):
        add(word, "weekends", "true", "at weekends")
    add("online", "mode", "online", "online")
    add("free", "free", "true", "that are free")
    for slug, (name, districts) in areas.LOCAL_AUTHORITIES.items():
        add(name, "area", slug, f"in {name}")
        for district in districts:
            add(district, "area", district, f"in {district}")
    for value, label in vocabulary.CATEGORIES:
        phrase = f"for {label[0].lower()}{label[1:]}"
        add(value.replace("-", " "), "category", value, phrase)
        add(label, "category", value, phrase)
    return names


def _is_set(params: SearchParams, parameter: str) -> bool:
    return bool(getattr(params, parameter))


def interpret(params: SearchParams) -> tuple[SearchParams, tuple[AppliedWord, ...]]:
    """(params with the filter words' filters set and q the remaining words, the words
    applied); params unchanged when no word names a filter."""
    if params.exact or not params.q:
        return params, ()
    raw = _TOKEN.findall(params.q)
    # None for a quoted token or one with no letters or digits: never part of a name.
    words = [None if token.startswith('"') else "".join(words_of(token)) or None
             for token in raw]
    names = _names()
    longest = max(len(key) for key in names)
    spans: list[tuple[int, int, _Name]] = []
    taken: set[str] = set()
    position = 0
    while position < len(raw):
        for length in range(min(longest, len(raw) - position), 0, -1):
            key = words[position:position + length]
            if None in key or tuple(key) not in names:
                continue
            name = names[tuple(key)]
            if name and name.parameter not in taken and not _is_set(params, name.parameter):
                spans.append((position, position + length, name))
                taken.add(name.parameter)
            position += length
            break
        else:
            position += 1
    if not spans:
        return params, ()
    used = {index for start, end, _ in spans for index in range(start, end)}
    applied = []
    for start, end, name in spans:
        typed = " ".join(raw[start:end]).strip(",.;:!?")
        applied.append(AppliedWord(
            typed=typed, parameter=name.parameter, value=name.value, phrase=name.phrase,
            query_without=" ".join(raw[:start] + raw[end:]),
            query_as_text=" ".join(raw[:start] + [f'"{typed}"'] + raw[end:]),
        ))
    changes = {word.parameter: (True if word.parameter in _FLAGS else word.value)
               for word in applied}
    text = " ".join(token for index, token in enumerate(raw) if index not in used)
    return dataclasses.replace(params, q=text, **changes), tuple(applied)
