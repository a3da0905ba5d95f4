"""Money is integer pence (GBP). Parsing and formatting happen only here; no float touches money."""
from __future__ import annotations

import re

from marketplace.errors import DomainError

_POUNDS = re.compile(r"^\s*£?\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$")


class InvalidAmount(DomainError, ValueError):
    """The text is not an amount of money in pounds and pence (a ValueError too, so form
    validators treat it like any other bad value)."""

    code = "invalid_amount"


def parse_pounds(text: str) -> int:
    """'12.50' -> 1250, '£7' -> 700, '3.5' -> 350. Raises InvalidAmount for anything else."""
    match = _POUNDS.match(text or "")
    if not match:
        raise InvalidAmount(
            "Enter an amount in pounds, like 12 or 12.50 (no more than 2 decimal places)"
        )
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
