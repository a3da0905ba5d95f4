"""The parts of a person's copy of their data: what each holds, for whom, and how its values
are written.

A part (Section) has a file name (`orders` -> orders.csv, and the "orders" list in data.json),
a title the progress page shows, a sentence README.txt reads, its columns (a key for the JSON
and a plain-English heading for the CSV) and a function giving its rows for a person. The
areas' own modules register parts with @section; they run in the order registered.

How values are written, the same in the JSON and the CSV:
- money: an integer of pence beside the amount as people read it ("£12.50"), from money.py;
- moments: Europe/London wall time with its offset ("2026-04-01T00:30:00+01:00"); dates as
  "2026-04-01";
- choices in their plain-English words ("Managed account"), lists joined with "; ";
- nothing: null in the JSON, an empty cell in the CSV.

What a part may hold of other people: only what the person already sees on the site (a
supporter's name and email, a provider's name, a pool member's chosen name, staff names in an
order's history), never anything more.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib import import_module
from typing import Any, Callable

from marketplace import vocabulary
from marketplace.accounts.models import User
from marketplace.money import format_pence
from marketplace.times import to_london

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    explains: str
    #: (key, CSV heading) pairs, in order.
    columns: tuple[tuple[str, str], ...]
    #: The roles whose copy has this part; None: everyone's.
    roles: tuple[str, ...] | None
    rows: Callable[[User], list[Row]]
    #: The module that registered it (PART_MODULES orders the parts by it).
    module: str = ""

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.columns]


SECTIONS: list[Section] = []


def section(name: str, title: str, explains: str, columns, roles: tuple[str, ...] | None = None):
    def register(function: Callable[[User], list[Row]]):
        SECTIONS.append(Section(name, title, explains, tuple(columns), roles, function,
                                function.__module__.rpartition(".")[2]))
        return function
    return register


#: The modules that register parts, in the order their parts come in a copy: everyone's
#: account first, then each kind of account's own.
PART_MODULES = ("person_sections", "holder_sections", "supporter_sections",
                "provider_sections", "staff_sections")


def sections_for(user: User) -> list[Section]:
    for module in PART_MODULES:  # importing a module runs its @section decorators
        import_module(f"marketplace.datarights.{module}")
    ordered = sorted(SECTIONS, key=lambda part: PART_MODULES.index(part.module))
    return [part for part in ordered if part.roles is None or user.role in part.roles]


# ---------------------------------------------------------------- how values are written


def when(moment: datetime | None) -> str | None:
    return None if moment is None else to_london(moment).isoformat(timespec="seconds")


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def money(key: str, pence: int | None) -> Row:
    return {f"{key}_pence": pence, key: None if pence is None else format_pence(pence)}


def money_columns(key: str, heading: str) -> list[tuple[str, str]]:
    return [(f"{key}_pence", f"{heading} (pence)"), (key, heading)]


def yes_no(flag: bool | None) -> str:
    return "yes" if flag else "no"


def label(choices: list[tuple[str, str]], value: str | None) -> str | None:
    return vocabulary.label(choices, value) if value else None


def labels(choices: list[tuple[str, str]], values: list[str] | None) -> str:
    return "; ".join(vocabulary.label(choices, value) for value in values or [])


def name_of(user: User | None) -> str | None:
    return None if user is None else user.display_name


def all_of(query) -> list:
    """Every row a select finds (parts read whole tables of one person's rows)."""
    from marketplace.extensions import db

    return list(db.session.scalars(query))


def order_history_rows(orders, viewer: User) -> list[Row]:
    """Each step of each order, as its history shows it to `viewer`."""
    from marketplace.orders.queries import history

    return [{"order_id": order.id, "when": when(line.when), "what_happened": line.text,
             "note": line.note or None} for order in orders for line in history(order, viewer)]
