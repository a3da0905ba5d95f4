"""Money is integer pence (GBP). Parsing and formatting happen only here; no float touches money."""
from __future__ import annotations

import re

from marketplace.errors import DomainError

_POUNDS = re.compile(r"^\s*£?\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$")
#: The largest amount parse_pounds reads (seven digits of pounds).
MAX_PENCE = 9_999_999_99


class InvalidAmount(DomainError, ValueError):
    """The text is not an amount of money in pounds and pence (a ValueError too, so form
    validators treat it like any other bad value)."""

    code = "invalid_amount"


#: A number, whatever its size or decimals: told apart from text that is no amount at all, so
#: the message can say what is wrong with it.
_NUMBER = re.compile(r"^\s*£?\s*(?P<pounds>\d+)(?:\.(?P<decimals>\d*))?\s*$")
#: "1,250.00": commas between thousands, as people write amounts.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def parse_pounds(text: str) -> int:
    """'12.50' -> 1250, '£7' -> 700, '3.5' -> 350, '1,250' -> 125000. Raises InvalidAmount for
    anything else, saying what is wrong: too many decimal places, too large, or not an amount."""
    text = _THOUSANDS.sub("", text or "")
    match = _POUNDS.match(text)
    if not match:
        number = _NUMBER.match(text)
        if number and number.group("decimals") and len(number.group("decimals")) > 2:
            raise InvalidAmount("Use no more than 2 decimal places for pence, like 12.50")
        if number and len(number.group("pounds").lstrip("0")) > 7:
            raise InvalidAmount(f"Enter an amount of no more than {format_pence(MAX_PENCE)}")
        raise InvalidAmount("Enter an amount in pounds, like 12 or 12.50")
    pounds, pence = match.group(1), (match.group(2) or "0").ljust(2, "0")
    return int(pounds) * 100 + int(pence)


def format_pence(pence: int | None) -> str:
    """1250 -> '£12.50', 700 -> '£7.00', -150 -> '-£1.50'."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{remainder:02d}"


def pence_to_pounds_text(pence: int | None) -> str:
    """1250 -> '12.50': the value a form field shows when editing a price."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(int(pence)), 100)
    return f"{sign}{pounds}.{remainder:02d}"
