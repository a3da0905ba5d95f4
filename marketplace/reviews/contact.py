"""Phone numbers and email addresses in a review.

Phones are found by Google's libphonenumber rules (the ``phonenumbers`` package) for the UK at
the VALID leniency: a number must be in a range the UK has given out, which keeps counts,
prices, dates and years ("£120 for 6 sessions", "12/05/2026") from ever looking like phones.
Mobiles are the one exception (see _looks_like_a_mobile).
Emergency and helpline short codes (999, 111, 116 123) are never valid UK subscriber numbers,
so people may tell each other to "call 999". This module is the only one importing phonenumbers.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from marketplace.reviews.findings import Finding, Kind, finding_at

REGION = "GB"

#: Helplines a review may recommend to others; they are organisations, not personal data.
HELPLINES = frozenset({
    "+448001111",  # Childline
    "+443001233393",  # Mind's infoline
    "+44800585858",  # CALM
    "+448082000247",  # National Domestic Abuse Helpline (Refuge)
})


def find_phones(text: str) -> list[Finding]:
    found = _phones_in(text, 0, len(text))
    # The matcher reads two numbers apart only by a space ("07123 456789 07987 654321") as
    # one too-long number and finds neither, so such runs are read again number by number.
    for run in _DIGIT_RUN.finditer(text):
        for start, end in _numbers_in_run(run):
            if not any(f.start < end and start < f.end for f in found):
                found += _phones_in(text, start, end)
    return sorted(found, key=lambda f: f.start)


def _phones_in(text: str, start: int, end: int) -> list[Finding]:
    piece = text[start:end]
    matches = list(PhoneNumberMatcher(piece, REGION, leniency=Leniency.VALID))
    matches += [
        m for m in PhoneNumberMatcher(piece, REGION, leniency=Leniency.POSSIBLE)
        if _looks_like_a_mobile(m) and not any(v.start < m.end and m.start < v.end for v in matches)
    ]
    return [
        finding_at(Kind.PHONE, text, start + m.start, start + m.end, "A phone number")
        for m in matches
        if phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        not in HELPLINES
    ]


# Possessive, and starting only where a run starts, so a long run is read once.
_DIGIT_RUN = re.compile(r"(?<![\d().+-])[+(]?\d[\d().-]*+(?:[ \t]++[+(]?\d[\d().-]*+)+")


def _numbers_in_run(run: re.Match[str]) -> list[tuple[int, int]]:
    """Splits a run of digit groups before a group starting with 0 or + once the number so
    far has ten digits, as every full UK number does."""
    pieces: list[tuple[int, int]] = []
    start = digits = 0
    for group in re.finditer(r"\S+", run.group()):
        if digits >= 10 and group.group().startswith(("0", "+")):
            pieces.append((run.start() + start, run.start() + group.start()))
            start, digits = group.start(), 0
        digits += sum(char.isdigit() for char in group.group())
    pieces.append((run.start() + start, run.end()))
    return pieces if len(pieces) > 1 else []


def _looks_like_a_mobile(match: phonenumbers.PhoneNumberMatch) -> bool:
    """07 and nine more digits, written with its 0 or +44, is a mobile even where the
    library says the range is not given out: its list lags Ofcom's, and people mistype."""
    written = match.raw_string.lstrip("(")
    national = str(match.number.national_number)
    return written.startswith(("0", "+")) and len(national) == 10 and national.startswith("7")


# Possessive (++, *+) and starting only where a run of such characters starts, so a long run
# of "a.a.a..." is read once, not once from every letter.
_LOCAL = r"[A-Za-z0-9%+_'-]++(?:\.[A-Za-z0-9%+_'-]++)*+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# "jane [at] example [dot] com" and "jane(at)example.com" are how people hide an address from
# robots; they still reach the person, so they count.
_AT = r"(?:@|\s*[\[(]\s*at\s*[\])]\s*)"
_DOT = r"(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)"
_EMAIL = re.compile(
    rf"(?<![\w%+'-])(?<![\w%+'-]\.){_LOCAL}{_AT}(?:{_LABEL}{_DOT})+[A-Za-z]{{2,24}}"
    r"(?![\w-]|\.[A-Za-z0-9])",
    re.IGNORECASE,
)
# "jane at example dot com": only with a common ending, so "meet me at the hub" is left alone.
_SPOKEN_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]++\s+at\s+[A-Za-z0-9-]+(?:\s+dot\s+[A-Za-z0-9-]+)*"
    r"\s+dot\s+(?:com|net|org|uk|me)(?!\w)",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[Finding]:
    found = []
    for pattern in (_EMAIL, _SPOKEN_EMAIL):
        for match in pattern.finditer(text):
            if not any(f.start < match.end() and match.start() < f.end for f in found):
                found.append(
                    finding_at(Kind.EMAIL, text, match.start(), match.end(), "An email address")
                )
    return found
