"""Cells and documents for the budget spreadsheets (statement and spending return): pounds as
text made by money.py, never floats, and text a spreadsheet will not run as a formula."""

from __future__ import annotations

import csv
import io

from marketplace.money import pence_to_pounds_text


def signed_pounds(pence: int) -> str:
    """-250 -> '-2.50'."""
    return ("-" if pence < 0 else "") + pence_to_pounds_text(abs(pence))


def safe_text(value: str) -> str:
    """Stop a spreadsheet from running text as a formula (descriptions name services)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_document(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()
