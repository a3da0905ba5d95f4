"""The zip a person downloads: README.txt saying in plain English what each file holds,
data.json with everything (indented, so it reads in a text editor too), and one CSV per part
with plain-English headings.

CSV cells that a spreadsheet would run as a formula are quoted (budgets.csv_cells.safe_text),
except amounts of money written by money.py; the files start with a byte-order mark so that
Excel reads "£" and other letters right.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime

from marketplace.accounts.models import User
from marketplace.budgets.csv_cells import csv_document, safe_text
from marketplace.datarights.parts import Row, Section, when
from marketplace.times import format_datetime

_MONEY = re.compile(r"^-?£[\d,]+\.\d\d$")

README_START = """A copy of your data from Pathways
================================

Made for {name} ({email}) on {made_at}, UK time.

This folder holds everything Pathways keeps about you, in two forms:

- data.json: all of it in one file, for programs. It also reads in any text editor.
- One spreadsheet (.csv) for each part, listed below. They open in Excel, Numbers,
  LibreOffice or Google Sheets.

How to read it
--------------

- Money is written twice: in pence, as a whole number (1250), and as people read it (£12.50).
- Times are UK time (Europe/London), with the difference from GMT at the end:
  2026-04-01T09:30:00+01:00 is 9:30 in the morning, British Summer Time.
- Dates are written year-month-day: 2026-04-01 is 1 April 2026.
- An empty cell (null in data.json) means there is nothing to say.

The files
---------
"""

README_END = """
What is not here, and why
-------------------------

- Your password and your API tokens: we keep them only as one-way codes that cannot be
  turned back into them.
- Full card numbers: the card payment company (Stripe) holds them; Pathways never sees them.
- Your searches: the search log never records who searched, so no search can be linked to you.
- Other people's details, beyond what you already see on Pathways (a supporter's name and
  email, a provider's name, the names people chose to show).

This copy can be downloaded until the date shown on your data page; after that it is deleted.
Keep it somewhere safe: it holds personal information, such as your support plan.
"""


def readme(user: User, parts: list[Section], made_at: datetime) -> str:
    listed = "\n".join(f"- {part.name}.csv ({part.title}): {part.explains}" for part in parts)
    return (README_START.format(name=user.display_name, email=user.email,
                                made_at=format_datetime(made_at)) + "\n" + listed + "\n"
            + README_END)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value if _MONEY.match(value) else safe_text(value)
    return str(value)


def csv_text(part: Section, rows: list[Row]) -> str:
    lines = [[heading for _, heading in part.columns]]
    lines += [[_cell(row[key]) for key in part.keys] for row in rows]
    return "\ufeff" + csv_document(lines)


def data_document(user: User, built: list[tuple[Section, list[Row]]], made_at: datetime) -> str:
    document = {
        "about_this_copy": {
            "made_for": user.display_name, "email": user.email, "made_at": when(made_at),
            "how_to_read_it": "See README.txt. Money is in pence beside the amount in pounds; "
                              "times are UK time with their offset from GMT.",
            "parts": {part.name: part.explains for part, _ in built},
        },
        **{part.name: [{key: row[key] for key in part.keys} for row in rows]
           for part, rows in built},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def build_zip(user: User, built: list[tuple[Section, list[Row]]], made_at: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user, [part for part, _ in built], made_at))
        archive.writestr("data.json", data_document(user, built, made_at))
        for part, rows in built:
            archive.writestr(f"{part.name}.csv", csv_text(part, rows))
    return buffer.getvalue()
