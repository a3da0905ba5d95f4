"""Home addresses, NHS numbers and staff names in a review (phones and emails: contact.py).

A full postcode alone is not flagged: reviews often give a venue's postcode ("the hub near
M14 5RT") and a postcode covers about fifteen homes. A postcode becomes a home address with a
house number: a flat or house number, a number and street, or a number right before it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from marketplace.reviews.findings import Finding, Kind, finding_at

# Royal Mail's shapes for the outward code ("M14", "SK4", "EC1A") and inward code ("5RT"; its
# letters never include C, I, K, M, O or V, so "5pm" and "9am" are not inward codes).
_POSTCODE = (
    r"(?:GIR\s?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"\s?[0-9][ABD-HJLNP-UW-Z]{2})(?![^\W_])"
)
_STREET_WORDS = (
    "road rd street st avenue ave lane ln close cl drive dr way court ct crescent cres grove "
    "gardens gdns place pl terrace terr walk square sq hill row mews view rise green park "
    "parade vale mount fold gate croft wharf yard meadow meadows boulevard approach circus "
    "bank brow side heights villas cottages estate chase wynd broadway"
).split()
_HOUSE_NUMBER = r"\d{1,4}[a-z]?(?:-\d{1,4}[a-z]?)?"
_HOUSE = (
    rf"(?:\b(?:flat|apartment|apt|unit|house|no\.?|number)\s*{_HOUSE_NUMBER}\b"
    rf"|(?<![\w£$.,])(?:{_HOUSE_NUMBER}),?\s+(?:[^\W\d_][\w'.-]*\s+){{0,3}}"
    rf"(?:{'|'.join(_STREET_WORDS)})\b\.?"
    rf"|(?<![\w£$.,]){_HOUSE_NUMBER},?\s+(?={_POSTCODE}))"
)
# The lines of one address, which do not cross a sentence's "!" or "?" or a new line.
_ADDRESS = re.compile(rf"{_HOUSE}[^!?\n]{{0,60}}?(?<![^\W_]){_POSTCODE}", re.IGNORECASE)


def find_addresses(text: str) -> list[Finding]:
    return [
        finding_at(Kind.POSTCODE_WITH_HOUSE_NUMBER, text, m.start(), m.end(),
                   "A home address with its postcode")
        for m in _ADDRESS.finditer(text)
    ]


_NHS_NUMBER = re.compile(r"(?<![\d+])(\d{3})([ -]?)(\d{3})\2(\d{4})(?!\d)")


def nhs_checksum_ok(digits: str) -> bool:
    """The modulus 11 check of an NHS number: the check digit is 11 minus the weighted sum
    of the first nine (weights 10 down to 2) modulo 11; 11 means 0 and 10 is never issued."""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def find_nhs_numbers(text: str, taken: Iterable[Finding] = ()) -> list[Finding]:
    """NHS numbers, except where ``taken`` findings (phones) already cover the digits."""
    taken = list(taken)
    found = []
    for match in _NHS_NUMBER.finditer(text):
        digits = "".join(match.group(1, 3, 4))
        if not nhs_checksum_ok(digits):
            continue
        if any(f.start < match.end() and match.start() < f.end for f in taken):
            continue
        found.append(finding_at(Kind.NHS_NUMBER, text, match.start(), match.end(),
                                "An NHS number"))
    return found


def find_staff_names(text: str, staff_names: Sequence[str]) -> list[Finding]:
    """Whole-word, any-case mentions of the provider's staff names. Common words that are also
    names ("Will", "May") match too: a critical review is held rather than risk naming."""
    names = sorted({n.strip() for n in staff_names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return []
    alternatives = "|".join(_name_pattern(name) for name in names)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return [
        finding_at(Kind.STAFF_NAME, text, m.start(), m.end(), "A staff member's name")
        for m in pattern.finditer(text)
    ]


def _name_pattern(name: str) -> str:
    """"Anne-Marie O'Neill" also matches "anne marie o’neill"."""
    parts = re.split(r"([\s'’-]+)", name)
    pattern = []
    for part in parts:
        if not part:
            continue
        if re.fullmatch(r"[\s'’-]+", part):
            pattern.append(r"[\s'’-]*" if re.search(r"['’-]", part) else r"[\s-]+")
        else:
            pattern.append(re.escape(part))
    return "".join(pattern)
